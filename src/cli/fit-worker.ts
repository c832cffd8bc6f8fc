/**
 * Worker thread that fits one model family and sends back its saved form. The main thread
 * reloads it with `family.load`, so every fitted model the CLI reports has survived the
 * save/load round trip.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { parentPort } from 'node:worker_threads';
import { fitJobSpec } from '../eval/tune.js';
import { FitDivergedError, getFamily } from '../models/index.js';
import type { FitJob, WorkerMessage } from './fit-pool.js';
import { startWorker } from './workers.js';

parentPort?.once('message', async (job: FitJob) => {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  const workers: Worker[] = [];
  try {
    const family = getFamily(job.spec.family);
    // Worker threads for families that split their work (the LSTM's batch), one per spare core.
    const wanted = Math.min(family.workersFor?.(job.spec.config) ?? 0, availableParallelism() - 1);
    for (let i = 0; i < wanted; i++) workers.push(startWorker('share-worker'));
    const started = performance.now();
    let last = 0;
    const { saved } = await fitJobSpec(job, {
      seed: job.seed,
      workers,
      onProgress: (p) => {
        const now = performance.now();
        if (now - last > 100 || p.fraction >= 1) {
          last = now;
          post({ type: 'progress', progress: p });
        }
      },
    });
    const fitSeconds = (performance.now() - started) / 1000;
    post({ type: 'done', saved, fitSeconds });
  } catch (err) {
    const e = err as Error;
    const lastGood = err instanceof FitDivergedError ? err.lastGoodModel : undefined;
    post({ type: 'error', name: e.name ?? 'Error', message: e.message ?? String(err), lastGood });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
});
