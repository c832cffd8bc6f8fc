import { describe, expect, it } from 'vitest';
import { AbortError, ConfigError, DataError, DivergenceError } from '../../src/core/errors.js';
import type { Series } from '../../src/data/series.js';
import type { FitProgress } from '../../src/models/base.js';
import type { LstmConfig } from '../../src/models/lstm.js';
import { lstmFamily } from '../../src/models/lstm.js';

/** y = Σ damped cosines: the normal-mode form of the reference task (docs/peer-baselines.md). */
function dampedOscillators(n: number, dt: number): Series {
  const modes = [[1.2445, 0.0222, 0.68, 0.3], [1.7088, 0.0237, 0.64, 1.1], [2.2642, 0.0191, 0.77, 2.0], [2.9269, 0.0209, 0.24, 0.5]];
  const t = Float64Array.from({ length: n }, (_, i) => i * dt);
  const y = t.map((tt) => modes.reduce((s, [w, g, a, p]) => s + a * Math.exp(-g * tt) * Math.cos(w * tt + p), 0));
  return { t, y: [y], names: ['y'] };
}

const tiny: Partial<LstmConfig> = { hidden: 4, window: 12, burnIn: 3, batch: 4, maxSteps: 20, evalEvery: 5 };
/**
 * A small configuration of the same architecture and recipe that trains in about a second. No
 * hold-out, as in the PyTorch peer (bench/lstm/peer_torch.py's original trains on all of t ≤ 10). With the
 * 20 % hold-out and finalPass 'early-stopped' the end of the window is never trained on and the
 * ratio is 0.92 (the LSTM does not generalise even one step into t ∈ (8, 10]); with 'retrain' it is
 * this run again (the best check is the last step here), so the assertion covers that path too.
 */
const PHYSICS: Partial<LstmConfig> = { hidden: 16, window: 16, burnIn: 4, batch: 32, maxSteps: 3000, lr: 0.01, validationFraction: 0 };
const spec = (c: Partial<LstmConfig>) => ({ family: 'lstm', config: { ...lstmFamily.defaults, ...c } });

describe('lstm family', () => {
  const series = dampedOscillators(201, 0.01);

  it('round-trips through JSON with identical forecasts and one-step predictions', async () => {
    const f = await lstmFamily.fit(spec(tiny), series, { seed: 1 });
    const g = lstmFamily.load(JSON.parse(JSON.stringify(f.toJSON())));
    const times = Float64Array.from([2.01, 2.02, 2.055, 2.3]);
    expect(Array.from(g.forecast(times, series).mean[0])).toEqual(Array.from(f.forecast(times, series).mean[0]));
    expect(Array.from(g.predictOneStep!(series)[0])).toEqual(Array.from(f.predictOneStep!(series)[0]));
    expect(g.describe()).toEqual(f.describe());
    expect(f.nParams).toBe(4 * 4 * (1 + 4) + 16 + 4 + 1);
  });

  it("precision: 'float32' by default, saved with the model, checked, and a model saved without it reads as float64", async () => {
    const f = await lstmFamily.fit(spec(tiny), series, { seed: 1 });
    const saved = f.toJSON();
    expect(saved.config.precision).toBe('float32');
    const g = await lstmFamily.fit(spec({ ...tiny, precision: 'float64' }), series, { seed: 1 });
    expect(g.toJSON().config.precision).toBe('float64');
    // Same seed, same data: the two precisions train to nearby but not identical parameters.
    expect(g.toJSON().params).not.toEqual(saved.params);
    const older = { ...saved.config };
    delete older.precision;
    expect(lstmFamily.load({ ...saved, config: older }).toJSON().config.precision).toBe('float64');
    await expect(lstmFamily.fit(spec({ ...tiny, precision: 'float16' as 'float32' }), series, { seed: 1 })).rejects.toThrow(ConfigError);
    await expect(lstmFamily.fit(spec({ ...tiny, precision: 'float16' as 'float32' }), series, { seed: 1 })).rejects.toThrow(/precision/);
    expect(() => lstmFamily.load({ ...saved, config: { ...saved.config, precision: 'half' } })).toThrow(DataError);
  });

  it('one-step predictions are NaN without burnIn + 1 samples of history, and the first forecast equals the one-step prediction', async () => {
    const f = await lstmFamily.fit(spec(tiny), series, { seed: 2 });
    const p = f.predictOneStep!(series)[0];
    for (let j = 0; j <= 3; j++) expect(p[j]).toBeNaN();
    for (let j = 4; j < p.length; j++) expect(Number.isFinite(p[j])).toBe(true);
    // Forecasting one step past a context ending at sample j − 1 is the one-step prediction of sample j,
    // both for a short history (j ≤ window, from sample 0) and a full sliding window.
    for (const j of [8, 50, 200]) {
      const ctx: Series = { t: series.t.slice(0, j), y: [series.y[0].slice(0, j)], names: ['y'] };
      const fc = f.forecast(series.t.slice(j, j + 1), ctx).mean[0][0];
      expect(Math.abs(fc - p[j])).toBeLessThan(1e-12);
    }
    // Between grid points the forecast is the linear interpolation of its neighbours.
    const ctx: Series = { t: series.t.slice(0, 100), y: [series.y[0].slice(0, 100)], names: ['y'] };
    const [a, m, b] = f.forecast(Float64Array.from([1.01, 1.0125, 1.02]), ctx).mean[0];
    expect(Math.abs(m - (0.75 * a + 0.25 * b))).toBeLessThan(1e-12);
  });

  it('rejects irregular sampling and missing values with DataError, a too-long window and a short context with ConfigError', async () => {
    const irregular: Series = { t: series.t.map((v, i) => v + (i === 50 ? 0.003 : 0)), y: series.y, names: ['y'] };
    await expect(lstmFamily.fit(spec(tiny), irregular, { seed: 0 })).rejects.toThrow(
      new DataError(`the training window must be uniformly sampled (mean step ${(series.t.at(-1)! - series.t[0]) / (series.t.length - 1)}), but sample 50 comes ${irregular.t[50] - irregular.t[49]} after the previous one; resample it first`),
    );
    await expect(lstmFamily.fit(spec({ ...tiny, window: 500 }), series, { seed: 0 })).rejects.toThrow(/window/);
    const f = await lstmFamily.fit(spec(tiny), series, { seed: 0 });
    expect(() => f.forecast(Float64Array.from([3]), irregular)).toThrow(DataError);
    expect(() => f.forecast(Float64Array.from([3]), irregular)).toThrow(/^forecast context must be uniformly sampled/);
    const coarse: Series = { t: series.t.map((v) => 2 * v), y: series.y, names: ['y'] };
    expect(() => f.predictOneStep!(coarse)).toThrow(/step/);
    expect(() => f.forecast(Float64Array.from([1]), { t: series.t.slice(0, 3), y: [series.y[0].slice(0, 3)], names: ['y'] })).toThrow(ConfigError);
    const gap = Float64Array.from(series.y[0]);
    gap[17] = NaN;
    await expect(lstmFamily.fit(spec(tiny), { t: series.t, y: [gap], names: ['y'] }, { seed: 0 })).rejects.toThrow(/sample 17/);
  });

  it('reports progress, honours an abort signal, and throws DivergenceError with the last good parameters', async () => {
    const seen: FitProgress[] = [];
    await lstmFamily.fit(spec(tiny), series, { seed: 0, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)!.fraction).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);

    const ac = new AbortController();
    ac.abort();
    await expect(lstmFamily.fit(spec(tiny), series, { seed: 0, signal: ac.signal })).rejects.toThrow(AbortError);

    // lr = 1e300: the first Adam step moves every weight by ~1e300, so the next loss is not finite.
    const err = await lstmFamily.fit(spec({ ...tiny, lr: 1e300 }), series, { seed: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    const lastGood = (err as DivergenceError).lastGood!;
    expect(lastGood.length).toBe(101);
    expect(lastGood.every(Number.isFinite)).toBe(true);
  });

  it('early stopping returns the parameters of the best validation check (its loss recomputes from the fitted model)', async () => {
    // A large step size, so the validation loss wanders and the last check is not the best one.
    const f = await lstmFamily.fit(spec({ ...tiny, maxSteps: 60, lr: 0.3, finalPass: 'early-stopped' }), series, { seed: 3 });
    const d = f.describe();
    const best = d.bestValidationLoss as number;
    const y = series.y[0], n = y.length;
    const mean = y.reduce((a, v) => a + v, 0) / n;
    const sd = Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    const p = f.predictOneStep!(series)[0];
    // Validation targets: samples after 80 % of the span, t > 1.6 (indices 161 … 200).
    let s = 0;
    for (let j = 161; j < n; j++) s += ((p[j] - y[j]) / sd) ** 2;
    expect(Math.abs(s / (n - 161) - best) / best).toBeLessThan(1e-10);
    expect(d.stepsTrained).toBeGreaterThan(0);
  });

  it("finalPass 'retrain' trains again on the whole span for the early-stopped step count", async () => {
    const cfg = { ...tiny, maxSteps: 60, lr: 0.3 };
    const early = await lstmFamily.fit(spec({ ...cfg, finalPass: 'early-stopped' }), series, { seed: 3 });
    const again = await lstmFamily.fit(spec({ ...cfg, finalPass: 'retrain' }), series, { seed: 3 });
    const [d1, d2] = [early.describe(), again.describe()];
    expect(d2.stepsTrained).toBe(d1.stepsTrained);
    expect(d2.bestValidationLoss).toBe(d1.bestValidationLoss);
    expect(d2.finalPass).toBe('retrain');
    expect(again.toJSON().params).not.toEqual(early.toJSON().params);
    await expect(lstmFamily.fit(spec({ ...cfg, finalPass: 'bogus' as 'retrain' }), series, { seed: 3 })).rejects.toThrow(/finalPass/);
  });

  it("finalPass 'continue' resumes from the early-stopped parameters on the whole span for a fraction of its steps", async () => {
    const cfg = { ...tiny, maxSteps: 60, lr: 0.3, continueFraction: 0.5 };
    const early = await lstmFamily.fit(spec({ ...cfg, finalPass: 'early-stopped' }), series, { seed: 3 });
    const more = await lstmFamily.fit(spec({ ...cfg, finalPass: 'continue' }), series, { seed: 3 });
    const [d1, d2] = [early.describe(), more.describe()];
    expect(d2.bestValidationLoss).toBe(d1.bestValidationLoss);
    const base = d1.stepsTrained as number;
    expect(d2.stepsTrained as number).toBe(base + Math.round(0.5 * base));
    expect(more.toJSON().params).not.toEqual(early.toJSON().params);
    await expect(lstmFamily.fit(spec({ ...cfg, continueFraction: 0 }), series, { seed: 3 })).rejects.toThrow(/continueFraction/);
  });

  it('progress does not jump ahead when early stopping cuts the first pass short, and names the whole-window pass', async () => {
    // A wandering validation loss stops the first pass early; the whole-window pass used to
    // start at its fixed share of the bar (1/2 here) whatever the first pass had done.
    const seen: { fraction: number; stage?: string }[] = [];
    const cfg = { ...tiny, maxSteps: 400, evalEvery: 2, patience: 3, lr: 0.3, continueFraction: 1 };
    await lstmFamily.fit(spec({ ...cfg, finalPass: 'continue' }), series, { seed: 3, onProgress: (p) => seen.push(p) });
    const at = seen.findIndex((p) => /^whole window/.test(p.stage ?? ''));
    expect(at).toBeGreaterThan(0);
    const [, k, n] = /step (\d+)\/(\d+)/.exec(seen[at].stage!)!.map(Number);
    expect(Number(/step (\d+)/.exec(seen[at - 1].stage!)![1])).toBeLessThan(200); // it did stop early
    // From the last first-pass report, the bar moves only by the whole-window pass's own share.
    const before = seen[at - 1].fraction;
    expect(seen[at].fraction - before).toBeLessThanOrEqual((1 - before) * (k / n) + 1e-12);
    for (let i = 1; i < seen.length; i++) expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);
    expect(seen.at(-1)!.fraction).toBe(1);
  });

  // The reference task: y = Σ of 4 damped oscillators (normal modes of bench/bank/task.py), dt 0.01, t ≤ 10.
  // Persistence (y_j ≈ y_{j−1}) scores NRMSE ≈ 0.024 here; the LSTM must beat it five-fold one step ahead,
  // over the whole training window (the held-out last 20 % included), every sample with ≥ burnIn + 1 of history.
  it('really fits: one-step in-window NRMSE at most a fifth of persistence on the damped-oscillator task', async () => {
    const task = dampedOscillators(1001, 0.01);
    const y = task.y[0];
    const f = await lstmFamily.fit(spec(PHYSICS), task, { seed: 0 });
    const p = f.predictOneStep!(task)[0];
    let mean = 0;
    for (const v of y) mean += v / y.length;
    let sd = 0;
    for (const v of y) sd += (v - mean) ** 2 / y.length;
    sd = Math.sqrt(sd);
    let e2 = 0, p2 = 0, count = 0;
    for (let j = 1; j < y.length; j++) {
      if (Number.isNaN(p[j])) continue;
      e2 += (p[j] - y[j]) ** 2;
      p2 += (y[j - 1] - y[j]) ** 2;
      count++;
    }
    expect(count).toBe(y.length - 1 - PHYSICS.burnIn!);
    const nrmse = Math.sqrt(e2 / count) / sd, persistence = Math.sqrt(p2 / count) / sd;
    console.log(`lstm one-step NRMSE ${nrmse.toExponential(3)}, persistence ${persistence.toExponential(3)}, ratio ${(nrmse / persistence).toFixed(3)}`);
    expect(persistence).toBeGreaterThan(0.02);
    expect(nrmse).toBeLessThan(persistence / 5);
  }, 120_000);
});
