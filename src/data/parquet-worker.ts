/**
 * The Parquet decoder's worker thread (Node only), started by `readDataset` so that a
 * corrupt file on which hyparquet loops forever can be stopped: the main thread keeps a
 * clock and terminates this thread when it runs out. Kept light on purpose: it receives
 * the bytes (a transferred ArrayBuffer) and the parse options, calls the browser-safe
 * `parseParquet`, and posts back the Dataset (its typed arrays transferred) or the
 * error's name, message and location, from which the main thread rebuilds the DataError.
 */
import { parentPort } from 'node:worker_threads';
import { DataError } from '../core/errors.js';
import type { DataLocation } from '../core/errors.js';
import type { Dataset, ParseOptions } from './dataset.js';
import { parseParquet } from './parquet.js';

/** What the main thread sends: the whole file and the options of `parseParquet`. */
export interface ParquetJob {
  bytes: ArrayBuffer;
  opts: ParseOptions;
}

/**
 * What this thread answers. `started` first, when decoding begins (the time limit counts
 * from there, so loading the module is not charged to the file), then one of the others.
 */
export type ParquetReply =
  | { type: 'started' }
  | { type: 'done'; dataset: Dataset }
  | { type: 'error'; name: string; message: string; location?: DataLocation };

const port = parentPort;
if (port === null) throw new Error('parquet-worker.ts runs as a worker thread (started by readDataset), not as a module');

port.once('message', (job: ParquetJob) => {
  port.postMessage({ type: 'started' } satisfies ParquetReply);
  parseParquet(job.bytes, job.opts).then(
    (dataset) => port.postMessage({ type: 'done', dataset } satisfies ParquetReply, buffersOf(dataset)),
    (e: unknown) => {
      const reply: ParquetReply =
        e instanceof DataError
          ? { type: 'error', name: e.name, message: e.message, location: { ...e.location } }
          : { type: 'error', name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) };
      port.postMessage(reply);
    },
  );
});

/** The distinct buffers under the series' typed arrays (a buffer listed twice would make postMessage throw). */
function buffersOf(ds: Dataset): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { series } of ds.trajectories) {
    for (const a of [series.t, ...series.y]) if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  }
  return [...buffers];
}
