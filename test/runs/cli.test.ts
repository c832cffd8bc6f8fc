// `lawful runs …` end to end: a store populated here, read by the real CLI — in a child process
// (`lawful`, as a user runs it) for the main paths, in this process (`cli`, same code, no
// start-up cost) for the rest.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parseSince } from '../../src/cli/commands/runs.js';
import { run } from '../../src/cli/main.js';
import { DataError } from '../../src/core/errors.js';
import { STORE_SCHEMA_VERSION } from '../../src/runs/schema.js';
import { openDatabase } from '../../src/runs/sqlite.js';
import { RunStore } from '../../src/runs/store.js';
import type { RunRecord } from '../../src/runs/record.js';
import { lawful } from '../cli/run.js';
import { model, results, tempStore } from './fixtures.js';

/** Runs the CLI in this process, capturing what it writes. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    const status = await run(['node', 'lawful', ...args]);
    return { status, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.env = saved;
  }
}

let path: string;
let ids: { demo: string; fit: string; failed: string; running: string };

beforeAll(() => {
  path = tempStore();
  const s = RunStore.open(path);
  const demo = s.begin({ command: 'demo', config: { bank: [4, 2] }, argv: ['demo', '--bank', '4,2'], dataSource: 'simulated:coupled-pendulums' });
  demo.complete({
    results: results('demo', [model('oscillator-bank K=4', 'oscillator-bank', 1.2e-6, 3.4e-5, 30), model('lstm', 'lstm', 0.011, 1.3, 11.2)]),
    files: { png: '/out/demo/figure.png', results: '/out/demo/results.json' },
  });
  const fit = s.begin({ command: 'fit', config: { models: ['fourier'] }, argv: ['fit', 'real_pendulum.csv'] });
  fit.complete({ results: results('fit', [model('fourier', 'fourier', 0.05, 0.21, 14.5)], '/data/real_pendulum.csv'), files: { 'model:fourier': '/out/fit/fourier.json' } });
  const failed = s.begin({ command: 'fit', config: {}, argv: ['fit', 'broken.csv'], dataSource: 'broken.csv' });
  failed.fail(new DataError('not a number: "abc"', { file: 'broken.csv', line: 3, column: 2 }));
  const running = s.begin({ command: 'demo', config: {}, argv: ['demo'] }); // this test process: alive
  ids = { demo: demo.id, fit: fit.id, failed: failed.id, running: running.id };
  s.close();
});

describe('lawful runs', () => {
  it('lists runs as a table, filters them, and prints JSON records', async () => {
    const r = lawful(['runs', 'list', '--store', path]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id +command +status +started +duration +data +best model +beyond-window NRMSE$/);
    expect(lines.slice(2).map((l) => l.slice(0, 8))).toEqual([ids.running, ids.failed, ids.fit, ids.demo].map((id) => id.slice(0, 8)));
    expect(lines[4]).toMatch(/fit +completed .*\/data\/real_pendulum\.csv +fourier +0\.21$/); // source from results.data
    expect(lines[5]).toMatch(/demo +completed .*simulated:coupled-pendulums +oscillator-bank K=4 +3\.4e-5$/);

    const json = JSON.parse((await cli(['runs', 'list', '--store', path, '--command', 'fit', '--json'])).stdout) as RunRecord[];
    expect(json.map((x) => [x.id, x.status])).toEqual([[ids.failed, 'failed'], [ids.fit, 'completed']]);
    expect(json[1].results!.models[0].metrics.validPredictionTime).toBe(14.5);

    // --filter and --status through LAWFUL_STORE instead of --store
    const env = { LAWFUL_STORE: path };
    expect(lawful(['runs', 'list', '--filter', 'ABC', '--json'], { env }).stdout).toContain(ids.failed);
    expect(JSON.parse((await cli(['runs', 'list', '--status', 'running', '--json'], env)).stdout).map((x: RunRecord) => x.id)).toEqual([ids.running]);
    expect(JSON.parse((await cli(['runs', 'list', '--since', '1h', '--limit', '1', '--json'], env)).stdout).map((x: RunRecord) => x.id)).toEqual([ids.running]);
  }, 30_000);

  it('shows one run by a prefix of its id: command line, data, metrics table, files, error', async () => {
    const r = await cli(['runs', 'show', ids.demo.slice(0, 6), '--store', path]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`run       ${ids.demo}  demo  completed`);
    expect(r.stdout).toContain('command   lawful demo --bank 4,2');
    expect(r.stdout).toContain('split     trained on [0, 10], forecast to 30 · seed 7');
    expect(r.stdout).toMatch(/oscillator-bank K=4 +27 +1\.2e-6 +3\.4e-5 +never +1\.5 s/);
    expect(r.stdout).toMatch(/lstm +27 +0\.011 +1\.3 +11\.2 +1\.5 s/);
    expect(r.stdout).toMatch(/png +\/out\/demo\/figure\.png/);
    const failed = await cli(['runs', 'show', ids.failed, '--store', path]);
    expect(failed.stdout).toContain('error     broken.csv, line 3, column 2: not a number: "abc"');
  }, 30_000);

  it('names a wrong id, a missing store and a newer store in one line, exit 1', async () => {
    const unknown = ids.demo.startsWith('f') ? '0000' : 'ffff';
    const r = lawful(['runs', 'show', unknown, '--store', path]);
    expect([r.status, r.stdout, r.stderr]).toEqual([1, '', `lawful: no run "${unknown}" in ${path} (see \`lawful runs list\`)\n`]);
    const dir = mkdtempSync(join(tmpdir(), 'lawful-runs-'));
    const missing = await cli(['runs', 'show', 'ab', '--store', join(dir, 'none.db')]);
    expect(missing.stderr).toMatch(/^lawful: .*none\.db: no run store here yet .*\n$/);
    expect(missing.status).toBe(1);
    const list = await cli(['runs', 'list', '--store', join(dir, 'none.db')]);
    expect([list.status, list.stdout]).toEqual([0, `No runs yet: ${join(dir, 'none.db')} does not exist (the first \`lawful demo\` or \`lawful fit\` creates it).\n`]);
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
    const newer = join(dir, 'newer.db');
    RunStore.open(newer).close();
    const db = openDatabase(newer);
    db.exec("INSERT INTO schema_migrations VALUES (99, 'future', '2030', '9.9.9')");
    db.close();
    const refused = await cli(['runs', 'list', '--store', newer]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(String.raw`^lawful: .*newer\.db: the run store has schema version 99, written by a newer lawful; lawful 0\.1\.0 reads up to version ${STORE_SCHEMA_VERSION}\. .*\n$`));
  }, 30_000);

  it('compares runs in one table and writes compare.svg and compare.png atomically', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lawful-compare-'));
    const r = lawful(['runs', 'compare', ids.demo.slice(0, 8), ids.fit.slice(0, 8), '--store', path, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const table = r.stdout.split('\n');
    expect(table.filter((l) => l.startsWith(ids.demo.slice(0, 8)))).toHaveLength(2);
    expect(table.find((l) => l.startsWith(`${ids.fit.slice(0, 8)} fourier`))).toMatch(/0\.05 +0\.21 +14\.5/);
    expect(readdirSync(out).sort()).toEqual(['compare.png', 'compare.svg']);
    const png = readFileSync(join(out, 'compare.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const svg = readFileSync(join(out, 'compare.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain(`${ids.fit.slice(0, 8)} fit`);
    const bad = await cli(['runs', 'compare', ids.demo, ids.failed, '--store', path, '--out', out]);
    expect(bad.stderr).toBe(`lawful: ID: run ${ids.failed.slice(0, 8)} has no results to compare (it is failed)\n`);
  }, 30_000);

  it('deletes runs, but not a live one without --force', async () => {
    const copy = tempStore();
    const s = RunStore.open(copy);
    const keep = s.begin({ command: 'demo', config: {}, argv: [] });
    keep.interrupt();
    const gone = s.begin({ command: 'demo', config: {}, argv: [] });
    gone.interrupt();
    const live = s.begin({ command: 'demo', config: {}, argv: [] });
    s.close();
    const refused = await cli(['runs', 'delete', gone.id, live.id, '--store', copy]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`run ${live.id.slice(0, 8)} is still running \\(pid ${process.pid} on .*\\); stop it first, or pass --force`));
    const r = await cli(['runs', 'delete', gone.id.slice(0, 10), '--store', copy]);
    expect([r.status, r.stdout]).toEqual([0, `Deleted run ${gone.id} (demo, interrupted)\n`]);
    const after = RunStore.open(copy);
    expect(after.list().map((x) => x.id).sort()).toEqual([keep.id, live.id].sort()); // the refused call deleted nothing
    after.close();
  }, 30_000);

  it('explains every subcommand and option in --help', async () => {
    const top = (await cli(['runs', '--help'])).stdout;
    for (const c of ['list', 'show', 'compare', 'delete', 'interrupted', 'stale']) expect(top).toContain(c);
    const list = (await cli(['runs', 'list', '--help'])).stdout;
    for (const o of ['--command', '--status', '--filter', '--since', '--limit', '--json', '--store', 'LAWFUL_STORE']) expect(list).toContain(o);
    expect((await cli(['runs', 'compare', '--help'])).stdout).toContain('--out');
    expect((await cli(['runs', 'show', '--help'])).stdout).toContain('--json');
    expect((await cli(['runs', 'delete', '--help'])).stdout).toContain('--force');
  }, 30_000);

  it('reads --since as an age or a date', () => {
    const now = Date.parse('2026-11-26T12:00:00.000Z');
    expect(parseSince('30m', now)).toBe('2026-11-26T11:30:00.000Z');
    expect(parseSince('12h', now)).toBe('2026-11-26T00:00:00.000Z');
    expect(parseSince('7d', now)).toBe('2026-11-19T12:00:00.000Z');
    expect(parseSince('1.5h', now)).toBe('2026-11-26T10:30:00.000Z');
    expect(parseSince('2026-11-20T08:15:00Z', now)).toBe('2026-11-20T08:15:00.000Z');
    expect(() => parseSince('last tuesday', now)).toThrow(/--since: expected a date .* got "last tuesday"/);
  });
});
