// The library's experiment, in process (no worker threads): fit → reload → evaluate → record,
// the schedule read from declared capabilities, fits that fail said so, an abort that keeps
// the finished fits, and data whose squares overflow refused before any fit.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { fingerprintSeries, seriesToCsv } from '../../src/data/csv-write.js';
import { readDataset } from '../../src/data/read.js';
import type { Series } from '../../src/data/series.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { checkFitData, inProcessFitter, runExperiment, type FitJob, type Fitter } from '../../src/eval/experiment.js';
import { fitExperiment } from '../../src/eval/fit-experiment.js';
import { getFamily, type Fitted } from '../../src/models/index.js';
import { parseResults } from '../../src/report/results.js';

/** y = e^{-0.02t} cos(1.3t) + 0.6 sin(2.1t) on [0, 20] every 0.05. */
function twoModes(): Series {
  const t = Float64Array.from({ length: 401 }, (_, i) => i * 0.05);
  return { t, y: [t.map((x) => Math.exp(-0.02 * x) * Math.cos(1.3 * x) + 0.6 * Math.sin(2.1 * x))], names: ['y'] };
}

const split = { trainFrom: 0, trainUntil: 8, until: 20 };
const train = (s: Series): Series => ({ t: s.t.slice(0, 161), y: s.y.map((c) => c.slice(0, 161)), names: s.names });
const job = (family: string, s: Series): FitJob => ({ name: family, spec: { family, config: getFamily(family).defaults }, train: train(s), seed: 0 });

describe('runExperiment / fitExperiment (in process)', () => {
  it('fits, reloads and scores every family; the record validates as results.json', async () => {
    const s = twoModes();
    const run = await fitExperiment({ series: s, source: 'two-modes', fingerprint: `sha256:${'0'.repeat(64)}`, models: ['fourier', 'persistence'], trainUntil: 8 });
    expect(run.failures).toEqual([]);
    expect(run.interrupted).toEqual([]);
    expect(run.results.models.map((m) => m.name)).toEqual(['fourier', 'persistence']);
    expect(run.split).toEqual(split);
    const results = parseResults(JSON.parse(JSON.stringify(run.results)));
    // Persistence carries the last value: beyond the window it is no better than the window's mean.
    expect(results.models[1].metrics.nrmseOut!).toBeGreaterThan(0.5);
    expect(results.models[0].metrics.nrmseIn!).toBeLessThan(0.2);
    expect(run.saved.every((m) => m.training?.until === 8)).toBe(true);
  });

  it('starts the costliest fits first, as the families declare (lstm 3 … persistence 0)', async () => {
    const s = twoModes();
    const order: string[] = [];
    const recording: Fitter = {
      fitAll: async (jobs) => {
        order.push(...jobs.map((j) => j.name));
        return jobs.map((j) => ({ name: j.name, ok: false, error: 'not fitted', errorName: 'Error', fitSeconds: 0 }));
      },
    };
    const run = await runExperiment({ jobs: ['persistence', 'fourier', 'lstm', 'oscillator-bank'].map((f) => job(f, s)), observed: s, truth: s, split, fitter: recording });
    expect(order).toEqual(['lstm', 'oscillator-bank', 'fourier', 'persistence']);
    expect(run.failures.map((f) => f.name)).toEqual(['persistence', 'fourier', 'lstm', 'oscillator-bank']); // reported in job order
  });

  it('an abort keeps the fits that finished and lists the ones it cut short', async () => {
    const s = twoModes();
    const controller = new AbortController();
    const run = await runExperiment({
      jobs: [job('fourier', s), job('persistence', s)],
      observed: s,
      truth: s,
      split,
      signal: controller.signal,
      onDone: () => controller.abort('interrupted'), // Ctrl-C right after the first fit
    });
    expect(run.models.map((m) => m.name)).toEqual(['fourier']);
    expect(run.interrupted).toEqual(['persistence']);
    expect(run.failures).toEqual([]);
  });

  it('a fit whose parameters overflowed is a failure with the reason, never a scored model', async () => {
    const s = twoModes();
    const fitted = await getFamily('fourier').fit({ family: 'fourier', config: { terms: 2 } }, train(s), { seed: 0 });
    const saved = fitted.toJSON();
    saved.params[saved.params.length - 1] = Infinity;
    const fitter: Fitter = { fitAll: async (jobs) => jobs.map((j) => ({ name: j.name, ok: true, saved, fitSeconds: 0 })) };
    const run = await runExperiment({ jobs: [job('fourier', s)], observed: s, truth: s, split, fitter });
    expect(run.models).toEqual([]);
    expect(run.failures).toEqual([{ name: 'fourier', error: 'DivergenceError: the fit produced 1 non-finite parameter of 7 (it overflowed)' }]);
  });

  it('a fit that fails with an untyped error (TypeError …) is said to be a bug in lawful, a typed one is not', async () => {
    const s = twoModes();
    const fitter: Fitter = {
      fitAll: async (jobs) => jobs.map((j, i) => ({ name: j.name, ok: false, fitSeconds: 0, ...(i === 0 ? { errorName: 'TypeError', error: "Cannot read properties of undefined (reading '0')" } : { errorName: 'DataError', error: 'too few samples' }) })),
    };
    const run = await runExperiment({ jobs: [job('oscillator-bank', s), job('fourier', s)], observed: s, truth: s, split, fitter });
    expect(run.failures.map((f) => f.error)).toEqual([
      "internal error (a bug in lawful; please report it with the data) — TypeError: Cannot read properties of undefined (reading '0')",
      'DataError: too few samples',
    ]);
  });

  it('refuses a value whose square overflows (one cell of 1e308), naming channel, time and value', async () => {
    const s = twoModes();
    s.y[0][50] = 1e308;
    expect(() => checkFitData(s, 'big.csv')).toThrow(DataError);
    expect(() => checkFitData(s, 'big.csv')).toThrow('big.csv, column y: channel "y" at t = 2.5 holds 1e+308: its square overflows float64');
    await expect(runExperiment({ jobs: [job('fourier', s)], observed: s, truth: s, split, fitter: inProcessFitter })).rejects.toThrow(/1e\+308/);
    s.y[0][50] = -1e150; // the largest magnitude allowed
    expect(() => checkFitData(s)).not.toThrow();
  });
});

describe('no family names in the CLI', () => {
  it('src/cli reads capabilities and the registry; it never quotes a family name', () => {
    const root = fileURLToPath(new URL('../../src/cli', import.meta.url));
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    // A JS string literal of a family name ('lstm', `lstm`); JSON examples in help texts ("lstm") are fine.
    const quoted = /['`](oscillator-bank|lstm|fourier|persistence)['`]/;
    expect(quoted.test("if (family === 'lstm')")).toBe(true); // the check can fail
    const offending = files.filter((f) => quoted.test(readFileSync(join(root, f), 'utf8')));
    expect(offending).toEqual([]);
  });
});

describe('a diverged forecast is never valid', () => {
  it('with a window whose spread overflows (the 1e308 file), a forecast with a non-finite error is not called valid "never"', () => {
    const s = twoModes();
    s.y[0][50] = 1e200; // the window's standard deviation overflows to Infinity
    const huge: Fitted = {
      family: 'fourier',
      nParams: 0,
      inWindowMode: 'simulated',
      forecast: (times) => ({ t: times, mean: [times.map(() => 1e160)] }), // finite, but its squared error overflows
      describe: () => ({ family: 'fourier', parameters: 0 }),
      toJSON: () => ({ format: 'lawful-model', version: 1, lawful: '0', family: 'fourier', config: {}, layout: [], params: [] }),
    };
    const ev = evaluate(huge, { observed: s, truth: s, split });
    expect(Number.isFinite(ev.metrics.nrmseOut)).toBe(false); // shown "diverged"…
    expect(ev.metrics.validPredictionTime).toBeCloseTo(8.05, 12); // …so valid only up to the first sample after t = 8, never "never"
  });
});

describe('one fingerprint of a series', () => {
  it('fingerprintSeries is the sha256 of the CSV text lawful simulate writes (the demo and the file reader agree)', async () => {
    const s = twoModes();
    const dir = mkdtempSync(join(tmpdir(), 'lawful-fp-'));
    writeFileSync(join(dir, 's.csv'), seriesToCsv(s));
    const ds = await readDataset(join(dir, 's.csv'));
    expect(fingerprintSeries(s)).toBe(ds.fingerprint);
    expect(fingerprintSeries(s)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
