// The store across processes: killed runs, interrupted runs, concurrent writers, lock waits.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/runs/schema.js';
import { openDatabase } from '../../src/runs/sqlite.js';
import { RunStore } from '../../src/runs/store.js';
import { tempStore } from './fixtures.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

function child(...args: string[]): { proc: ChildProcessWithoutNullStreams; line: (re: RegExp) => Promise<string>; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args]);
  children.push(proc);
  let stdout = '';
  let stderr = '';
  const waiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  proc.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    for (const w of waiters.splice(0)) {
      const m = w.re.exec(stdout);
      if (m) w.resolve(m[1] ?? m[0]);
      else waiters.push(w);
    }
  });
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const line = (re: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const m = re.exec(stdout);
      if (m) return resolve(m[1] ?? m[0]);
      waiters.push({ re, resolve });
      void exit.then((e) => reject(new Error(`child exited (${e.code ?? e.signal}) before printing ${re}: ${e.stderr}`)));
    });
  return { proc, line, exit };
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('run store across processes', () => {
  it('a run killed with SIGKILL stays "running" in the file and is reported as stale; the store stays usable', async () => {
    const path = tempStore();
    const c = child(path, 'hang');
    const id = await c.line(/begun ([0-9a-f]{16})/);
    const store = RunStore.open(path);
    try {
      expect(store.get(id).status).toBe('running'); // its process is alive
      expect(store.list({ status: 'running' }).map((r) => r.id)).toEqual([id]);
      c.proc.kill('SIGKILL');
      const e = await c.exit;
      expect(e.signal).toBe('SIGKILL');
      const record = store.get(id);
      expect(record.status).toBe('stale');
      expect(record.finishedAt).toBeUndefined();
      expect(store.list({ status: 'stale' }).map((r) => r.id)).toEqual([id]);
      expect(store.list({ status: 'running' })).toEqual([]);
      // the store is intact: another run can be written and read
      const h = store.begin({ command: 'demo', config: {}, argv: [] });
      h.interrupt();
      expect(store.list().map((r) => [r.id, r.status])).toEqual([
        [h.id, 'interrupted'],
        [id, 'stale'],
      ]);
    } finally {
      store.close();
    }
  }, 30_000);

  it('a run stopped with SIGINT is recorded as interrupted by withRun, and the process exits 130', async () => {
    const path = tempStore();
    const c = child(path, 'hang');
    const id = await c.line(/begun ([0-9a-f]{16})/);
    c.proc.kill('SIGINT');
    const e = await c.exit;
    expect(e.code).toBe(130);
    const store = RunStore.open(path);
    try {
      expect(store.get(id)).toMatchObject({ status: 'interrupted', error: 'interrupted (SIGINT)', command: 'fit', argv: ['fit', 'slow.csv'] });
      expect(store.get(id).durationSeconds).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  }, 30_000);

  it('two processes writing one store at the same time both succeed, losing nothing', async () => {
    const path = tempStore();
    RunStore.open(path).close(); // both children find the schema in place (a fresh store is also safe: see migrate)
    const n = 150;
    const [a, b] = [child(path, 'write', String(n)), child(path, 'write', String(n))];
    await Promise.all([a.line(/ready/), b.line(/ready/)]);
    a.proc.stdin.end('go\n');
    b.proc.stdin.end('go\n');
    const [ea, eb] = await Promise.all([a.exit, b.exit]);
    expect([ea.code, eb.code, ea.stderr + eb.stderr]).toEqual([0, 0, '']);
    const written = [ea.stdout, eb.stdout].flatMap((s) => s.trim().split('\n').filter((l) => l !== 'ready'));
    expect(written).toHaveLength(2 * n);
    const store = RunStore.open(path);
    try {
      const runs = store.list();
      expect(runs).toHaveLength(2 * n);
      expect(new Set(runs.map((r) => r.id))).toEqual(new Set(written));
      expect(runs.every((r) => r.status === 'completed' && r.results!.models.length === 1)).toBe(true);
      expect(new Set(runs.map((r) => r.pid)).size).toBe(2);
      // The writes really overlapped: in start order, the writer changes more than once.
      const pids = runs.map((r) => r.pid);
      const switches = pids.filter((p, i) => i > 0 && p !== pids[i - 1]).length;
      console.log(`concurrent writers: ${switches} switches between the two processes in ${2 * n} runs`);
      expect(switches).toBeGreaterThan(1);
    } finally {
      store.close();
    }
  }, 60_000);

  it('two processes creating a fresh store at once migrate it once', async () => {
    const path = tempStore();
    const [a, b] = [child(path, 'write', '3'), child(path, 'write', '3')];
    await Promise.all([a.line(/ready/), b.line(/ready/)]);
    a.proc.stdin.end('go\n');
    b.proc.stdin.end('go\n');
    const [ea, eb] = await Promise.all([a.exit, b.exit]);
    expect([ea.code, eb.code, ea.stderr + eb.stderr]).toEqual([0, 0, '']);
    const store = RunStore.open(path);
    try {
      expect(store.list()).toHaveLength(6);
      const db = openDatabase(path);
      expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
      db.close();
    } finally {
      store.close();
    }
  }, 60_000);

  it('a write waits for another process holding the lock (busy timeout) instead of failing', async () => {
    const path = tempStore();
    const c = child(path, 'lock');
    await c.line(/locked/);
    // Without waiting, the write fails at once: the lock is really held.
    const impatient = RunStore.open(path, { busyTimeoutMs: 0 });
    expect(() => impatient.begin({ command: 'demo', config: {}, argv: [] })).toThrow(/database is locked/);
    impatient.close();
    // With the default timeout the same write waits for the other process's commit.
    const store = RunStore.open(path);
    try {
      c.proc.stdin.write('300\n');
      const h = store.begin({ command: 'demo', config: {}, argv: [] });
      expect(store.list().map((r) => r.id).sort()).toEqual([h.id, '00000000000000aa'].sort());
      expect((await c.exit).code).toBe(0);
    } finally {
      store.close();
    }
  }, 30_000);

  it('two RunStore instances in one process interleave writes on one file', () => {
    const path = tempStore();
    const [s1, s2] = [RunStore.open(path), RunStore.open(path)];
    try {
      const h1 = s1.begin({ command: 'demo', config: { by: 1 }, argv: [] });
      const h2 = s2.begin({ command: 'fit', config: { by: 2 }, argv: [] });
      h2.fail(new Error('x'));
      h1.interrupt();
      expect(s2.get(h1.id).status).toBe('interrupted');
      expect(s1.get(h2.id).status).toBe('failed');
      expect(s1.list()).toEqual(s2.list());
    } finally {
      s1.close();
      s2.close();
    }
  });
});
