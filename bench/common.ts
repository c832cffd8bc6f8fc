/**
 * What every benchmark shares: timing by the median of repeated runs after a warm-up,
 * the Python peers run as child processes (`/usr/bin/python3`, one `RESULT {json}` line),
 * and the summary rows each benchmark writes to bench/out/<name>.json for the table that
 * bench/run.sh prints at the end (bench/summary.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = join(BENCH_DIR, 'out');
export const PYTHON = '/usr/bin/python3';

export function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall times in seconds of `reps` runs of `fn` after `warmup` untimed ones (JIT). */
export async function timeRuns(fn: () => unknown, reps: number, warmup = 1): Promise<number[]> {
  return (await timeRunsCpu(fn, reps, warmup)).wall;
}

/**
 * Wall and CPU times (this process's user + system, GC and compiler threads included) in
 * seconds of `reps` runs after `warmup` untimed ones: on a shared machine the CPU time is
 * what other jobs disturb least.
 */
export async function timeRunsCpu(fn: () => unknown, reps: number, warmup = 1): Promise<{ wall: number[]; cpu: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1e3);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall, cpu };
}

/** Runs a Python peer and returns its `RESULT {json}` line parsed; throws with its stderr tail otherwise. */
export function runPeer<T>(script: string, args: string[], timeoutSeconds = 300): T {
  const r = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', timeout: timeoutSeconds * 1e3, maxBuffer: 64 << 20 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) {
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-3).join(' | ');
    throw new Error(`peer ${script} gave no RESULT line: ${why}`);
  }
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

/** What a training-step peer that starts from lawful's weights prints (bench/peer_common.py, `adam_step_result`). */
export interface StepPeerResult {
  ms_per_step: number;
  loss0: number;
  grad0: number[];
  torch: string;
}

/**
 * Runs such a peer on `threads` threads from the weights and batch in `init`; undefined, said
 * on the console, when it cannot run (no torch on this machine).
 */
export function runStepPeer(script: string, init: string, reps: number, threads: number): StepPeerResult | undefined {
  try {
    return runPeer<StepPeerResult>(script, ['--init', init, '--reps', String(reps), '--threads', String(threads)], 900);
  } catch (e) {
    console.log(`torch peer (${threads} thread${threads > 1 ? 's' : ''}) unavailable: ${(e as Error).message}`);
    return undefined;
  }
}

/** The line saying both sides time the same computation: their losses and the largest gradient difference, relative to the largest entry. */
export function sameComputation(loss0: number, grad0: Float64Array, peer: StepPeerResult): string {
  let worst = 0, scale = 0;
  for (let i = 0; i < grad0.length; i++) scale = Math.max(scale, Math.abs(grad0[i]));
  for (let i = 0; i < grad0.length; i++) worst = Math.max(worst, Math.abs(grad0[i] - peer.grad0[i]));
  return `same computation: loss ${loss0.toExponential(6)} (lawful) vs ${peer.loss0.toExponential(6)} (torch); largest gradient difference ${(worst / scale).toExponential(2)} of the largest entry`;
}

/** One row of the final summary: a lawful figure, the peer's, and peer / lawful (> 1: lawful faster). */
export interface SummaryRow {
  bench: string;
  what: string;
  lawful: string;
  peer: string;
  /** Speed-up of lawful over the peer (peer time / lawful time). */
  speedup: number;
  /** The target from the issue, e.g. "≥ 5×"; empty when none. */
  target: string;
  note?: string;
}

/** Writes bench/out/<name>.json: `{ summary, ...details }`. */
export function writeResult(name: string, summary: SummaryRow[], details: Record<string, unknown>): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify({ bench: name, date: new Date().toISOString(), commit: gitCommit(), summary, ...details }, null, 1) + '\n');
  return file;
}

/** The commit measured (with "+dirty" when the working tree differs), for the record. */
export function gitCommit(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', '../src'], { cwd: BENCH_DIR, encoding: 'utf8' });
  return head.stdout.trim() + (dirty.stdout.trim() ? '+dirty(src)' : '');
}

/** Reads the task's `t,y` CSV (bench/bank/task.py). */
export function readTask(file: string): { t: Float64Array; y: Float64Array } {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const t = new Float64Array(lines.length);
  const y = new Float64Array(lines.length);
  lines.forEach((l, i) => {
    const [a, b] = l.split(',');
    t[i] = Number(a);
    y[i] = Number(b);
  });
  return { t, y };
}

export const fmtS = (s: number) => (s < 0.1 ? `${(s * 1e3).toFixed(2)} ms` : `${s.toFixed(3)} s`);
export const fmtE = (x: number) => (x === 0 ? '0' : x.toExponential(2));

export function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}
