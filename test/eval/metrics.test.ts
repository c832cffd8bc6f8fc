import { describe, expect, it } from 'vitest';
import { channelErrors, rmse, std, validPredictionTime } from '../../src/eval/metrics.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { persistenceFamily } from '../../src/models/persistence.js';
import type { Fitted } from '../../src/models/base.js';
import type { Series } from '../../src/data/series.js';

const grid = (n: number, dt: number) => Float64Array.from({ length: n }, (_, i) => i * dt);

describe('metrics', () => {
  it('std and rmse match closed forms', () => {
    // std of 0..n-1 is sqrt((n²−1)/12)
    const x = Float64Array.from({ length: 101 }, (_, i) => i);
    expect(std(x)).toBeCloseTo(Math.sqrt((101 * 101 - 1) / 12), 12);
    const zero = new Float64Array(4);
    expect(rmse(zero, Float64Array.of(1, -1, 1, -1))).toBe(1);
    // NaN predictions (no history yet) are skipped, not counted as zero error
    expect(rmse(zero, Float64Array.of(NaN, 2, 2, NaN))).toBe(2);
  });

  it('NRMSE normalises each channel by its own scale', () => {
    const truth = [new Float64Array(3), new Float64Array(3)];
    const pred = [Float64Array.of(1, 1, 1), Float64Array.of(10, 10, 10)];
    const e = channelErrors(truth, pred, [1, 10], 0, 3);
    expect(e.nrmse).toBeCloseTo(1, 14);
    expect(e.rmse).toBeCloseTo(Math.sqrt((1 + 100) / 2), 14);
  });

  it('valid prediction time: running NRMSE of a linearly growing error crosses the threshold where the closed form says', () => {
    // err_k = δ·k for k = 1..n has running RMS δ·sqrt((n+1)(2n+1)/6).
    const dt = 0.01;
    const t = grid(3001, dt);
    const truth = [new Float64Array(t.length)];
    const delta = 1e-3;
    const lo = 1001;
    const pred = [Float64Array.from(t, (_, i) => (i >= lo ? delta * (i - lo + 1) : 0))];
    let n = 1;
    while (delta * Math.sqrt(((n + 1) * (2 * n + 1)) / 6) <= 0.2) n++;
    expect(validPredictionTime(t, truth, pred, [1], lo, t.length)).toBeCloseTo(t[lo + n - 1], 12);
    // A perfect forecast never breaks down: the VPT is the end of the horizon.
    expect(validPredictionTime(t, truth, [new Float64Array(t.length)], [1], lo, t.length)).toBe(t[t.length - 1]);
    // A non-finite forecast breaks down at once.
    const bad = [new Float64Array(t.length).fill(NaN)];
    expect(validPredictionTime(t, truth, bad, [1], lo, t.length)).toBe(t[lo]);
  });
});

describe('evaluate', () => {
  const t = grid(301, 0.1);
  const signal: Series = { t, y: [Float64Array.from(t, (x) => Math.sin(x))], names: ['y'] };
  const split = { trainFrom: 0, trainUntil: 10, until: 30 };

  it('an exact state-space model scores zero everywhere and stays valid to the end', () => {
    const exact: Fitted = {
      family: 'exact',
      nParams: 0,
      inWindowMode: 'simulated',
      forecast: (times) => ({ t: times, mean: [Float64Array.from(times, Math.sin)] }),
      describe: () => ({ family: 'exact', parameters: 0 }),
      toJSON: () => {
        throw new Error('not needed');
      },
    };
    const { metrics } = evaluate(exact, { observed: signal, truth: signal, split });
    expect(metrics.nrmseIn).toBeLessThan(1e-15);
    expect(metrics.nrmseOut).toBeLessThan(1e-15);
    expect(metrics.nrmseInFreeRun).toBeLessThan(1e-15);
    expect(metrics.validPredictionTime).toBe(30);
  });

  it('persistence: one step ahead in the window, the last value carried forward beyond it', async () => {
    const p = await persistenceFamily.fit({ family: 'persistence', config: {} }, signal, { seed: 0 });
    const { metrics, prediction } = evaluate(p, { observed: signal, truth: signal, split });
    expect(metrics.inWindowMode).toBe('one-step');
    // One step of sin with dt = 0.1 errs by at most 0.1; beyond the window the forecast is sin(10).
    expect(metrics.rmseIn).toBeLessThan(0.1);
    expect(prediction[0][200]).toBe(Math.sin(t[100]));
    let s = 0;
    for (let i = 101; i < 301; i++) s += (Math.sin(t[i]) - Math.sin(t[100])) ** 2;
    expect(metrics.rmseOut).toBeCloseTo(Math.sqrt(s / 200), 12);
  });
});

describe('referenceData', () => {
  it('keeps only the experiment’s own options, and an undefined option keeps its default', async () => {
    const { referenceData, referenceDefaults } = await import('../../src/eval/reference-experiment.js');
    const d = referenceData({ until: 12, oscillators: undefined, progress: {}, models: ['x'] } as never);
    expect(Object.keys(d.config).sort()).toEqual(Object.keys(referenceDefaults).sort());
    expect(d.config.oscillators).toBe(4);
    expect(d.config.until).toBe(12);
    expect(d.truth.t[d.truth.t.length - 1]).toBeCloseTo(12, 12);
  });
});
