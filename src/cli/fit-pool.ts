/**
 * The CLI's `Fitter`: several fits at once, one worker thread each, at most `concurrency` at
 * a time (the machine's cores). Workers report progress. The abort signal terminates the
 * running workers at once; fits that had finished keep their outcomes, the others come back
 * `interrupted` (eval/experiment.ts then reports the finished ones).
 */
import { availableParallelism } from 'node:os';
import { failedOutcome, interruptedOutcome, type FitJob, type FitOutcome, type Fitter, type FitterOptions } from '../eval/experiment.js';
import type { FitProgress, SavedModel } from '../models/base.js';
import { startWorker } from './workers.js';

export type { FitJob, FitOutcome } from '../eval/experiment.js';

export type WorkerMessage =
  | { type: 'progress'; progress: FitProgress }
  | { type: 'done'; saved: SavedModel; fitSeconds: number }
  | { type: 'error'; name: string; message: string; lastGood?: SavedModel };

function runJob(job: FitJob, opts: FitterOptions): Promise<FitOutcome> {
  if (opts.signal?.aborted) return Promise.resolve(interruptedOutcome(job)); // never started
  return new Promise((resolve) => {
    const started = performance.now();
    const worker = startWorker('fit-worker');
    const seconds = () => (performance.now() - started) / 1000;
    let settled = false;
    const finish = (o: FitOutcome) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      opts.onDone?.(job, o);
      resolve(o);
    };
    const onAbort = () => finish(interruptedOutcome(job, seconds()));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(job, m.progress);
      else if (m.type === 'done') finish({ name: job.name, ok: true, saved: m.saved, fitSeconds: m.fitSeconds });
      else finish({ name: job.name, ok: false, error: m.message, errorName: m.name, fitSeconds: seconds(), lastGood: m.lastGood });
    });
    worker.on('error', (e) => finish(failedOutcome(job, e, seconds(), opts.signal)));
    worker.on('exit', (code) => {
      if (!settled) finish({ name: job.name, ok: false, error: `worker exited with code ${code}`, errorName: 'Error', fitSeconds: seconds() });
    });
    worker.postMessage(job);
  });
}

/** Worker threads, one per fit, `concurrency` at once (default: the number of cores). */
export function workerPoolFitter(concurrency?: number): Fitter {
  return {
    async fitAll(jobs, opts) {
      const lanes = Math.max(1, concurrency ?? availableParallelism());
      const results: FitOutcome[] = new Array(jobs.length);
      let next = 0;
      const lane = async () => {
        while (next < jobs.length) {
          const i = next++;
          results[i] = await runJob(jobs[i], opts);
        }
      };
      await Promise.all(Array.from({ length: Math.min(lanes, jobs.length) }, lane));
      return results;
    },
  };
}
