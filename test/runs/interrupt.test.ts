// A real `lawful fit` stopped mid-run: Ctrl-C (SIGINT) records the run as interrupted;
// SIGKILL leaves it running in the file, reported as stale. Either way the store stays
// intact and the output folder holds no half-written file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seriesToCsv } from '../../src/data/csv-write.js';
import { openDatabase } from '../../src/runs/sqlite.js';
import { RunStore } from '../../src/runs/store.js';
import type { RunRecord } from '../../src/runs/record.js';
import { simulate } from '../../src/systems/simulate.js';

const ENTRY = fileURLToPath(new URL('../cli/lawful.ts', import.meta.url));

function setup(): { dir: string; data: string; store: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lawful-interrupt-'));
  const data = join(dir, 'pendulums.csv');
  writeFileSync(data, seriesToCsv(simulate('coupled-pendulums', { until: 30, dt: 0.02 }).series));
  return { dir, data, store: join(dir, 'runs.db'), out: join(dir, 'out') };
}

/** Polls the store until the run of `pid` shows up as running (the LSTM fit then takes a minute). */
async function waitForRunning(store: string, pid: number, exited: () => boolean): Promise<RunRecord> {
  for (;;) {
    if (exited()) throw new Error('lawful fit exited before its run was recorded');
    if (existsSync(store)) {
      const s = RunStore.open(store, { create: false });
      const run = s.list().find((r) => r.pid === pid && r.status === 'running');
      s.close();
      if (run) return run;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopFit(signal: 'SIGINT' | 'SIGKILL'): Promise<{ run: RunRecord; code: number | null; stderr: string; paths: ReturnType<typeof setup> }> {
  const paths = setup();
  const args = [ENTRY, 'fit', paths.data, '--model', 'lstm', '--train-until', '10', '--out', paths.out, '--store', paths.store];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.resume();
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const started = await waitForRunning(paths.store, child.pid!, () => child.exitCode !== null);
    // Give it a moment to get into training (the fit takes about a minute; this is not a timing assertion).
    await new Promise((r) => setTimeout(r, 1500));
    expect(child.exitCode).toBeNull();
    child.kill(signal);
    const code = await exit;
    const s = RunStore.open(paths.store, { create: false });
    const run = s.get(started.id);
    s.close();
    return { run, code, stderr, paths };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function expectIntact(paths: ReturnType<typeof setup>): void {
  const db = openDatabase(paths.store);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
  const written = existsSync(paths.out) ? readdirSync(paths.out) : [];
  expect(written.filter((f) => f.endsWith('.tmp'))).toEqual([]); // no half-written file left behind
  expect(written).not.toContain('results.json'); // the report was never completed
}

describe('lawful fit stopped mid-run', () => {
  it('Ctrl-C (SIGINT): exit 130, one line, the run recorded as interrupted', async () => {
    const { run, code, stderr, paths } = await stopFit('SIGINT');
    expect(code).toBe(130);
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^lawful: .*interrupted/);
    expect(run.status).toBe('interrupted');
    expect(run.command).toBe('fit');
    expect(run.finishedAt).toBeDefined();
    expectIntact(paths);
  }, 60_000);

  it('SIGKILL: the run stays running in the file and is reported as stale', async () => {
    const { run, paths } = await stopFit('SIGKILL');
    expect(run.status).toBe('stale');
    expect(run.finishedAt).toBeUndefined();
    expectIntact(paths);
  }, 60_000);
});
