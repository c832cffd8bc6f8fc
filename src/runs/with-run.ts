/**
 * `withRun`: records one piece of work in the run store from start to outcome, so a
 * command stays a few lines:
 *
 * ```ts
 * const store = RunStore.open(o.store);
 * try {
 *   await withRun(store, { command: 'demo', config, argv: process.argv.slice(2), dataSource, fingerprint },
 *     async () => { const run = await runDemo({ ..., signal }); return { results: run.results, files: await writeDemo(dir, run) }; },
 *     { signal });
 * } finally { store.close(); }
 * ```
 */
import { AbortError } from '../core/errors.js';
import type { Results } from '../report/results.js';
import type { RunHandle, RunInfo, RunStore } from './store.js';

/** Options of `withRun`. */
export interface WithRunOptions {
  /**
   * The work's abort signal (fired by the command's SIGINT handler). When it has fired,
   * any error the work ends with is recorded as `interrupted`, not `failed`: a worker
   * torn down by the abort may reject with something other than an `AbortError`.
   * Default: none; an `AbortError` alone marks the run interrupted.
   */
  signal?: AbortSignal;
  /**
   * Told when the store could not record the failure or interruption (say, the disk is
   * full); the work's own error is still the one thrown. Default: one line on stderr.
   */
  onStoreError?: (err: unknown) => void;
}

function reasonOf(err: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted && typeof signal.reason === 'string') return signal.reason;
  return err instanceof Error && err.message ? err.message : 'interrupted';
}

/**
 * Begins a run in `store`, runs `work(handle)` and records its outcome: `completed` with the
 * results and files it returns; `interrupted` when it throws an `AbortError` (or anything
 * after `signal` fired), or when it returns with `interrupted` set (the reason) — then with
 * the results and files of what it finished; `failed` otherwise, with the error's message. Resolves to what
 * `work` returned (it may carry more than `results` and `files`, e.g. the fitted models);
 * rejects with the work's error. If the results are invalid, the run is
 * recorded as failed with the validation message and that `DataError` is thrown.
 */
export async function withRun<T extends { results: Results; files: { [K in keyof T['files']]: string }; interrupted?: string }>(
  store: RunStore,
  info: RunInfo,
  work: (handle: RunHandle) => Promise<T>,
  options: WithRunOptions = {},
): Promise<T> {
  const handle = store.begin(info);
  const record = (err: unknown): void => {
    try {
      if (err instanceof AbortError || options.signal?.aborted) handle.interrupt(reasonOf(err, options.signal));
      else handle.fail(err);
    } catch (storeErr) {
      if (options.onStoreError) options.onStoreError(storeErr);
      else process.stderr.write(`lawful: could not record run ${handle.id} in ${store.path}: ${(storeErr as Error).message}\n`);
    }
  };
  let outcome: T;
  try {
    outcome = await work(handle);
  } catch (err) {
    record(err);
    throw err;
  }
  try {
    if (outcome.interrupted !== undefined) handle.interrupt(outcome.interrupted, outcome);
    else handle.complete(outcome);
  } catch (err) {
    record(err);
    throw err;
  }
  return outcome;
}
