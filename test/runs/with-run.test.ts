import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, DataError } from '../../src/core/errors.js';
import type { Results } from '../../src/report/results.js';
import type { ReportFiles } from '../../src/report/write.js';
import { RunStore } from '../../src/runs/store.js';
import { withRun } from '../../src/runs/with-run.js';
import { model, results, tempStore } from './fixtures.js';

let store: RunStore;
afterEach(() => store?.close());

const info = { command: 'demo', config: { oscillators: 4 }, argv: ['demo'] };
const files: ReportFiles = { svg: '/o/figure.svg', png: '/o/figure.png', html: '/o/index.html', table: '/o/table.txt', results: '/o/results.json' };

describe('withRun', () => {
  it('records completion with the results and files the work returns, and passes its value through', async () => {
    store = RunStore.open(tempStore());
    const res = results('demo', [model('oscillator-bank K=4', 'oscillator-bank', 1e-6, 3e-5, 30)]);
    let seen = '';
    // An interface like ReportFiles (no index signature) is accepted as files, and extra fields pass through.
    const out = await withRun(store, info, async (handle) => {
      seen = handle.id;
      expect(store.get(handle.id).status).toBe('running');
      return { results: res, files, extra: 42 };
    });
    expect(out.extra).toBe(42);
    expect(store.get(seen)).toMatchObject({ status: 'completed', files: { ...files }, results: res });
  });

  it('records a failure with its message and rethrows the same error', async () => {
    store = RunStore.open(tempStore());
    const err = new DataError('non-numeric cell "abc"', { file: 'x.csv', line: 4, column: 2 });
    await expect(withRun(store, info, async () => Promise.reject(err))).rejects.toBe(err);
    expect(store.list()[0]).toMatchObject({ status: 'failed', error: 'x.csv, line 4, column 2: non-numeric cell "abc"' });
  });

  it('records an AbortError as interrupted, and any error after the signal fired as interrupted too', async () => {
    store = RunStore.open(tempStore());
    await expect(withRun(store, info, async () => Promise.reject(new AbortError('interrupted')))).rejects.toBeInstanceOf(AbortError);
    const controller = new AbortController();
    const work = async (): Promise<never> => {
      controller.abort('interrupted (SIGINT)');
      throw new Error('worker terminated'); // what a torn-down worker pool may reject with
    };
    await expect(withRun(store, info, work, { signal: controller.signal })).rejects.toThrow('worker terminated');
    expect(store.list().map((r) => [r.status, r.error])).toEqual([
      ['interrupted', 'interrupted (SIGINT)'],
      ['interrupted', 'interrupted'],
    ]);
  });

  it('records invalid results as a failure naming the field, and throws that DataError', async () => {
    store = RunStore.open(tempStore());
    const bad = results('demo', [model('lstm', 'lstm', 0.1, 0.2, 12)]) as Results & { data: { fingerprint: string } };
    bad.data.fingerprint = 'md5:1234';
    await expect(withRun(store, info, async () => ({ results: bad, files: {} }))).rejects.toBeInstanceOf(DataError);
    const r = store.list()[0];
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/data\.fingerprint: expected "sha256:" and 64 lowercase hex digits/);
  });

  it('still throws the work\'s own error when the store cannot record it, and says so', async () => {
    store = RunStore.open(tempStore());
    const told: unknown[] = [];
    const err = new Error('fit exploded');
    await expect(
      withRun(store, info, async () => {
        store.close(); // the store goes away under the run
        throw err;
      }, { onStoreError: (e) => told.push(e) }),
    ).rejects.toBe(err);
    expect(told).toHaveLength(1);
    expect(String(told[0])).toMatch(/database connection is not open/);
  });

  it('type-checks that every file is a path', () => {
    // Compile-time only: a number among the files is rejected by the type of withRun.
    const typed = (s: RunStore) =>
      // @ts-expect-error files must map names to string paths
      withRun(s, info, async () => ({ results: results('demo', []), files: { png: 3 } }));
    expect(typeof typed).toBe('function');
  });
});
