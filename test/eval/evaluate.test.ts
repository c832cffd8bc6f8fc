import { describe, expect, it } from 'vitest';
import type { Series } from '../../src/data/series.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { channelErrors, std } from '../../src/eval/metrics.js';
import type { Fitted } from '../../src/models/base.js';
import { persistenceFamily } from '../../src/models/persistence.js';

const t = Float64Array.from({ length: 301 }, (_, i) => i * 0.1);
const signal: Series = { t, y: [Float64Array.from(t, (x) => Math.sin(x))], names: ['y'] };
const split = { trainFrom: 0, trainUntil: 10, until: 30 };

describe('evaluate: the free-running in-window prediction', () => {
  it('of a one-step family is returned: the warm-up, then its own predictions, and it is what nrmseInFreeRun scores', async () => {
    const p = await persistenceFamily.fit({ family: 'persistence', config: {} }, signal, { seed: 0 });
    const ev = evaluate(p, { observed: signal, truth: signal, split });
    expect(ev.metrics.inWindowMode).toBe('one-step');
    const free = ev.freeRun![0];
    expect(free).toHaveLength(t.length);
    // The window is samples 0..100; the warm-up its first 10 %, samples 0..9. Persistence
    // running free carries the warm-up's last value, sin(0.9), to the end of the window.
    for (let i = 0; i < 10; i++) expect(free[i]).toBeNaN();
    for (let i = 10; i <= 100; i++) expect(free[i]).toBe(Math.sin(t[9]));
    for (let i = 101; i < t.length; i++) expect(free[i]).toBeNaN();
    // It differs from the one-step curve, which follows the signal a step behind.
    expect(ev.prediction[0][50]).toBe(Math.sin(t[49]));
    const scale = [std(signal.y[0], 0, 101)];
    expect(ev.metrics.nrmseInFreeRun).toBeCloseTo(channelErrors(signal.y, ev.freeRun!, scale, 10, 101).nrmse, 14);
  });

  it('of a state-space family is not returned: its in-window prediction already runs free', () => {
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
    const ev = evaluate(exact, { observed: signal, truth: signal, split });
    expect(ev.freeRun).toBeUndefined();
    expect(ev.metrics.inWindowMode).toBe('simulated');
  });
});

describe('evaluate: calibration beyond the window', () => {
  /** A state-space model that forecasts sin t exactly, with a Gaussian band of signal spread s and noise spread σ. */
  const banded = (s: number, sigma: number, withQuantiles = true): Fitted => ({
    family: 'banded',
    nParams: 0,
    inWindowMode: 'simulated',
    forecast: (times) => {
      const mean = [Float64Array.from(times, Math.sin)];
      const total = Math.hypot(s, sigma);
      const quantiles = [0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975].map((level) => ({
        level,
        values: [mean[0].map((m) => m + total * ({ 0.025: -1.96, 0.05: -1.645, 0.1: -1.2816, 0.25: -0.6745, 0.5: 0, 0.75: 0.6745, 0.9: 1.2816, 0.95: 1.645, 0.975: 1.96 } as Record<number, number>)[level])],
      }));
      return withQuantiles ? { t: times, mean, quantiles, gaussian: { signalSd: [new Float64Array(times.length).fill(s)], noiseSd: [sigma] } } : { t: times, mean };
    },
    describe: () => ({ family: 'banded', parameters: 0 }),
    toJSON: () => {
      throw new Error('not needed');
    },
  });

  it('a forecast without quantiles is scored with backtested bands, and says so', () => {
    const m = evaluate(banded(0.1, 0.1, false), { observed: signal, truth: signal, split }).metrics;
    expect(m.intervals).toBe('backtest');
    expect(m.coverage).toBeDefined();
    expect(m.predictedVpt).toBeDefined();
    expect(evaluate(banded(0.1, 0.1), { observed: signal, truth: signal, split }).metrics.intervals).toBe('model');
  });

  it('against the observations the noise is part of the scored distribution; against a clean truth it is not', () => {
    const noisy = evaluate(banded(0, 0.1), { observed: signal, truth: signal, split });
    expect(noisy.metrics.noiseIncluded).toBe(true);
    // The truth is the exact mean: every interval covers it; CRPS of N(μ, 0.1²) at μ is 0.1·(√2 − 1)/√π.
    expect(noisy.metrics.coverage).toEqual({ '50': 1, '80': 1, '95': 1 });
    expect(noisy.metrics.crps).toBeCloseTo((0.1 * (Math.SQRT2 - 1)) / Math.sqrt(Math.PI), 6);
    const clean = evaluate(banded(0, 0.1), { observed: signal, truth: signal, split, cleanTruth: true });
    expect(clean.metrics.noiseIncluded).toBe(false);
    expect(clean.metrics.crps).toBe(0);
    // A spread of 0.3 of sin's window std (0.68…) per sample: the predicted VPT crosses 0.2 at once; none crosses with no spread.
    expect(evaluate(banded(0.3, 0), { observed: signal, truth: signal, split }).metrics.predictedVpt!.time).toBeCloseTo(10.1, 9);
    expect(clean.metrics.predictedVpt!.time).toBe(30);
    // The scored quantiles come back for the figure's band, on the truth's samples after the window.
    expect(clean.quantiles!.from).toBe(101);
    expect(clean.quantiles!.values[0][0]).toHaveLength(200);
  });
});
