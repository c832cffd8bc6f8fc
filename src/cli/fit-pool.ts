/**
 * Fits several model families at once, one worker thread each, at most `concurrency` at a
 * time (the machine's cores). Workers report progress; an AbortSignal terminates them.
 */
import { availableParallelism } from 'node:os';
import { AbortError } from '../core/errors.js';
import type { Series } from '../data/series.js';
import type { FitProgress, ModelSpec, SavedModel } from '../models/base.js';
import { startWorker } from './workers.js';

export interface FitJob {
  /** Display name, e.g. "oscillator-bank K=4". */
  name: string;
  spec: ModelSpec;
  train: Series;
  seed: number;
}

export type WorkerMessage =
  | { type: 'progress'; progress: FitProgress }
  | { type: 'done'; saved: SavedModel; fitSeconds: number }
  | { type: 'error'; name: string; message: string; lastGood?: SavedModel };

export type FitOutcome =
  | { name: string; ok: true; saved: SavedModel; fitSeconds: number }
  | { name: string; ok: false; error: string; errorName: string; fitSeconds: number; lastGood?: SavedModel };

export interface FitPoolOptions {
  /** Workers at once. Default: the number of cores. */
  concurrency?: number;
  onProgress?: (job: FitJob, p: FitProgress) => void;
  onDone?: (job: FitJob, outcome: FitOutcome) => void;
  signal?: AbortSignal;
}

function runJob(job: FitJob, opts: FitPoolOptions): Promise<FitOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const worker = startWorker('fit-worker');
    const seconds = () => (performance.now() - started) / 1000;
    let settled = false;
    const finish = (o: FitOutcome | Error) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (o instanceof Error) reject(o);
      else {
        opts.onDone?.(job, o);
        resolve(o);
      }
    };
    const onAbort = () => finish(new AbortError('interrupted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(job, m.progress);
      else if (m.type === 'done') finish({ name: job.name, ok: true, saved: m.saved, fitSeconds: m.fitSeconds });
      else finish({ name: job.name, ok: false, error: m.message, errorName: m.name, fitSeconds: seconds(), lastGood: m.lastGood });
    });
    worker.on('error', (e) => finish({ name: job.name, ok: false, error: e.message, errorName: e.name, fitSeconds: seconds() }));
    worker.on('exit', (code) => {
      if (!settled) finish({ name: job.name, ok: false, error: `worker exited with code ${code}`, errorName: 'Error', fitSeconds: seconds() });
    });
    worker.postMessage(job);
  });
}

/** Runs every job; results come back in the order of `jobs`. A failed fit is an outcome, not a throw. */
export async function fitAll(jobs: FitJob[], opts: FitPoolOptions = {}): Promise<FitOutcome[]> {
  const concurrency = Math.max(1, opts.concurrency ?? availableParallelism());
  const results: FitOutcome[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      if (opts.signal?.aborted) throw new AbortError('interrupted');
      const i = next++;
      results[i] = await runJob(jobs[i], opts);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
  return results;
}
