// An output folder is always one run's: two writers at once, a kill between the saved
// models and the report, and --out / --store that cannot work refused before any fitting.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seriesToCsv } from '../../src/data/csv-write.js';
import { checkOutputFolder, lockOutputFolder, stagedFolder } from '../../src/report/output-folder.js';
import { simulate } from '../../src/systems/simulate.js';
import { lawful } from './run.js';

const ENTRY = fileURLToPath(new URL('./lawful.ts', import.meta.url));

function setup(): { dir: string; data: string; out: string; store: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lawful-out-'));
  const data = join(dir, 'pendulums.csv');
  writeFileSync(data, seriesToCsv(simulate('coupled-pendulums', { until: 30, dt: 0.05 }).series));
  return { dir, data, out: join(dir, 'out'), store: join(dir, 'runs.db') };
}

/** The run id of results.json and of every saved model in `out`: one id when the folder is one run's. */
function runIds(out: string): Set<string> {
  const ids = new Set<string>();
  for (const f of readdirSync(out)) {
    if (f === 'results.json' || /^model-.+\.json$/.test(f)) ids.add((JSON.parse(readFileSync(join(out, f), 'utf8')) as { run: string }).run);
  }
  return ids;
}

function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

describe('output folders are never half one run and half another', () => {
  it('two `lawful fit` on one --out at the same moment: one run\'s folder, the other refused in one line naming the run', async () => {
    const p = setup();
    for (let trial = 0; trial < 1; trial++) {
      const args = (model: string) => ['fit', p.data, '--model', model, '--train-until', '10', '--out', p.out, '--store', p.store];
      const [a, b] = await Promise.all([start(args('fourier')).done, start(args('persistence')).done]);
      const outcomes = [a, b];
      expect(outcomes.filter((o) => o.code === 0).length).toBeGreaterThanOrEqual(1);
      for (const o of outcomes.filter((x) => x.code !== 0)) {
        expect(o.code).toBe(1);
        expect(o.stderr).toMatch(/^lawful: --out: .*out is being written by run [0-9a-f]{8} \(pid \d+\); wait for it to finish or choose another folder\n$/);
      }
      expect(runIds(p.out).size).toBe(1);
      const models = readdirSync(p.out).filter((f) => f.startsWith('model-'));
      expect(models).toHaveLength(1); // fourier's or persistence's, never both
    }
  }, 120_000);

  it('a fit killed between writing the models and the report leaves the earlier run\'s folder as it was', async () => {
    const p = setup();
    expect(lawful(['fit', p.data, '--model', 'persistence', '--train-until', '10', '--out', p.out, '--store', p.store]).status).toBe(0);
    const before = readdirSync(p.out).map((f) => [f, readFileSync(join(p.out, f), 'utf8')]);
    const { child, done } = start(['fit', p.data, '--model', 'fourier', '--train-until', '10', '--out', p.out, '--store', p.store]);
    // Kill it as soon as its first saved model exists, wherever it is written: before the report is.
    const modelWritten = () =>
      readdirSync(p.dir).some((d) => d.startsWith('.out.staging-') && existsSync(join(p.dir, d)) && readdirSync(join(p.dir, d)).some((f) => f.startsWith('model-fourier')))
      || existsSync(join(p.out, 'model-fourier.json'));
    while (!modelWritten() && child.exitCode === null) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGKILL');
    await done;
    expect(readdirSync(p.out).map((f) => [f, readFileSync(join(p.out, f), 'utf8')])).toEqual(before);
    expect(runIds(p.out).size).toBe(1);
  }, 60_000);

  it('refuses before any fitting: --out naming a file, a folder holding other files, a run store that cannot be written', () => {
    const p = setup();
    const fit = (...more: string[]) => lawful(['fit', p.data, '--model', 'fourier', '--out', p.out, '--store', p.store, ...more]);
    const file = fit('--out', p.data);
    expect(file.status).toBe(1);
    expect(file.stderr).toBe(`lawful: --out: ${p.data} is a file, not a folder; name a folder (new or from an earlier run)\n`);
    mkdirSync(join(p.dir, 'notes'));
    writeFileSync(join(p.dir, 'notes', 'thesis.tex'), '');
    const foreign = fit('--out', join(p.dir, 'notes'));
    expect(foreign.stderr).toMatch(/^lawful: --out: .*notes holds files lawful did not write \(thesis\.tex\); .*\n$/);
    const unwritable = fit('--out', '/proc/lawful-out');
    expect(unwritable.stderr).toBe('lawful: --out: cannot create /proc/lawful-out: /proc is not writable\n');
    expect(existsSync(p.store)).toBe(false); // refused before the run store was even opened

    const devNull = fit('--store', '/dev/null');
    expect(devNull.status).toBe(1);
    expect(devNull.stderr).toBe('lawful: --store: cannot use /dev/null as a run store: it is not a regular file (a run store is an SQLite file)\n');
    expect(existsSync('/dev/null-journal') || existsSync('/dev/null-wal')).toBe(false);
    const proc = fit('--store', '/proc/lawful/runs.db');
    expect(proc.status).toBe(1);
    expect(proc.stderr).toMatch(/^lawful: --store: cannot use \/proc\/lawful\/runs\.db as a run store: \/proc cannot be written .*\n$/);
    const storeDir = fit('--store', p.dir);
    expect(storeDir.stderr).toMatch(/^lawful: --store: cannot use .* as a run store: it is not a regular file/);
    expect(existsSync(p.out)).toBe(false);
  }, 60_000);
});

describe('output-folder primitives', () => {
  it('a staged folder replaces the target whole on commit, and leaves it untouched on discard', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-stage-'));
    const target = join(dir, 'out');
    mkdirSync(target);
    writeFileSync(join(target, 'model-old.json'), 'old');
    const a = stagedFolder(target);
    writeFileSync(join(a.path, 'results.json'), 'new');
    a.discard();
    expect(readdirSync(target)).toEqual(['model-old.json']);
    const b = stagedFolder(target);
    writeFileSync(join(b.path, 'results.json'), 'new');
    expect(readdirSync(target)).toEqual(['model-old.json']); // the old contents stay until the commit
    b.commit();
    expect(readdirSync(target)).toEqual(['results.json']);
    expect(readdirSync(dir)).toEqual(['out']); // no staging or old folder left beside it
  });

  it('a second writer is refused naming the first run; a lock whose process is gone is taken over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-lock-'));
    const target = join(dir, 'out');
    const lock = lockOutputFolder(target, 'aaaaaaaabbbbbbbb');
    expect(() => lockOutputFolder(target, 'cccccccc')).toThrow(`--out: ${target} is being written by run aaaaaaaa (pid ${process.pid})`);
    lock.release();
    lockOutputFolder(target, 'cccccccc').release();
    writeFileSync(join(dir, '.out.lock'), JSON.stringify({ run: 'dddddddd', pid: 2 ** 22 + 7, host: hostname() }));
    const taken = lockOutputFolder(target, 'eeeeeeee'); // pid 4194311 does not exist
    taken.release();
    expect(existsSync(join(dir, '.out.lock'))).toBe(false);
  });

  it('checkOutputFolder accepts a new folder and one of an earlier run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-check-'));
    expect(() => checkOutputFolder(join(dir, 'new', 'deeper'))).not.toThrow();
    mkdirSync(join(dir, 'earlier'));
    for (const f of ['results.json', 'figure.png', 'figure-omega.svg', 'model-lstm.last-good.json', 'table.txt', 'index.html']) writeFileSync(join(dir, 'earlier', f), '');
    expect(() => checkOutputFolder(join(dir, 'earlier'))).not.toThrow();
  });
});

describe('leftovers of a killed writer', () => {
  it('the next lock of the folder removes staging folders whose process is gone, and keeps those of live ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-sweep-'));
    const dead = join(dir, `.out.staging-${2 ** 22 + 9}-0-abc`);
    const live = join(dir, `.out.staging-${process.pid}-0-abc`);
    mkdirSync(dead);
    mkdirSync(live);
    lockOutputFolder(join(dir, 'out'), 'ffffffff').release();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
