// The recurrent families' shared machinery (models/recurrent/family.ts) through the GRU and
// the LSTM: training modes, free-run validation, stateful forecasts, saved forms.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import type { Series } from '../../src/data/series.js';
import { gruFamily } from '../../src/models/gru.js';
import { lstmFamily } from '../../src/models/lstm.js';
import type { RecurrentConfig } from '../../src/models/recurrent/config.js';
import { DEFAULTS } from '../../src/models/recurrent/config.js';
import { rolloutHorizon, statefulLanes, teacherRatio } from '../../src/models/recurrent/family.js';

/** Two damped modes, dt 0.05: a signal a small network can learn to run free. */
function twoModes(n: number): Series {
  const t = Float64Array.from({ length: n }, (_, i) => i * 0.05);
  const y = t.map((tt) => Math.exp(-0.02 * tt) * (Math.cos(1.3 * tt) + 0.5 * Math.cos(2.1 * tt + 1)));
  return { t, y: [y], names: ['y'] };
}

const tiny: Partial<RecurrentConfig> = { hidden: 4, window: 12, burnIn: 3, batch: 4, maxSteps: 20, evalEvery: 5, horizon: 16, horizonStart: 4 };
const spec = (family: string, c: Partial<RecurrentConfig>) => ({ family, config: { ...DEFAULTS, ...c } });

describe('recurrent families (lstm, gru)', () => {
  const series = twoModes(201);

  it('the rollout horizon doubles from horizonStart to horizon over the curriculum; the teacher-forcing ratio falls linearly from 1 to 0', () => {
    const c = { ...DEFAULTS, horizonStart: 10, horizon: 80, maxSteps: 600, curriculumFraction: 0.5 };
    // Three doublings over the first 300 steps: 100 steps each.
    expect([0, 99, 100, 199, 200, 299, 300, 599].map((i) => rolloutHorizon(c, i))).toEqual([10, 10, 20, 20, 40, 40, 80, 80]);
    expect(rolloutHorizon({ ...c, horizon: 50 }, 599)).toBe(50);
    expect(rolloutHorizon({ ...c, horizonStart: 80 }, 0)).toBe(80);
    expect([0, 150, 300, 450].map((i) => teacherRatio(c, i))).toEqual([1, 0.5, 0, 0]);
  });

  for (const family of [gruFamily, lstmFamily]) for (const training of ['one-step', 'rollout', 'scheduled'] as const) for (const stride of [1, 3]) {
    it(`${family.family} ${training}, stride ${stride}: round-trips through JSON; the first forecast equals the one-step prediction`, async () => {
      const f = await family.fit(spec(family.family, { ...tiny, training, increments: training !== 'one-step', stride }), series, { seed: 1 });
      const g = family.load(JSON.parse(JSON.stringify(f.toJSON())));
      const times = series.t.slice(150, 170);
      const ctx: Series = { t: series.t.slice(0, 150), y: [series.y[0].slice(0, 150)], names: ['y'] };
      expect(Array.from(g.forecast(times, ctx).mean[0])).toEqual(Array.from(f.forecast(times, ctx).mean[0]));
      expect(g.describe()).toEqual(f.describe());
      expect(f.describe().training).toBe(training);
      const p = f.predictOneStep!(series)[0];
      // The first prediction needs burnIn + 1 = 4 whole blocks of history.
      for (let j = 0; j < 4 * stride; j++) expect(p[j]).toBeNaN();
      expect(p[4 * stride]).not.toBeNaN();
      // The first, histories that are not whole blocks, and later ones (the sliding window, the span's end).
      for (const j of [4 * stride, 4 * stride + 1, 4 * stride + 2, 50, 150]) {
        const c: Series = { t: series.t.slice(0, j), y: [series.y[0].slice(0, j)], names: ['y'] };
        expect(Math.abs(f.forecast(series.t.slice(j, j + 1), c).mean[0][0] - p[j])).toBeLessThan(1e-12);
      }
    });
  }

  it('fits the window running free at a fine step: rollout-trained on blocks of 10 samples, free-run NRMSE ≤ 0.2; trained one step ahead, not', async () => {
    // Two modes at dt 0.01 (200–300 samples a period, as in the reference experiment), 6 s.
    const t = Float64Array.from({ length: 600 }, (_, i) => i * 0.01);
    const y = t.map((tt) => Math.cos(2 * tt) + 0.5 * Math.cos(3.1 * tt + 1));
    const fine: Series = { t, y: [y], names: ['y'] };
    const mean = y.reduce((a, v) => a + v, 0) / y.length;
    const sd = Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / y.length);
    // As the evaluator does: warm up on the first 10 % of the window, then run free to its end.
    const freeRunNrmse = (f: Awaited<ReturnType<typeof lstmFamily.fit>>) => {
      const ctx: Series = { t: t.slice(0, 60), y: [y.slice(0, 60)], names: ['y'] };
      const fc = f.forecast(t.slice(60), ctx).mean[0];
      let s = 0;
      for (let i = 0; i < fc.length; i++) s += (fc[i] - y[60 + i]) ** 2;
      return Math.sqrt(s / fc.length) / sd;
    };
    const budget = { hidden: 16, batch: 16, maxSteps: 800, validationFraction: 0 };
    const rollout = await lstmFamily.fit(spec('lstm', { ...budget, training: 'rollout', increments: true, stride: 10, window: 6, burnIn: 2, horizon: 53, horizonStart: 7 }), fine, { seed: 0 });
    const oneStep = await lstmFamily.fit(spec('lstm', { ...budget, window: 60, burnIn: 6 }), fine, { seed: 0 });
    const [r, o] = [freeRunNrmse(rollout), freeRunNrmse(oneStep)];
    console.log(`free-run in-window NRMSE: rollout, stride 10 ${r.toPrecision(3)}; one-step ${o.toPrecision(3)}`);
    expect(r).toBeLessThan(0.2);
    expect(o).toBeGreaterThan(0.2);
  }, 60_000);

  it('rollout and scheduled models are stopped on the free run through the held-out tail (its error recomputes from the fitted model)', async () => {
    for (const training of ['rollout', 'scheduled'] as const) {
      const f = await gruFamily.fit(spec('gru', { ...tiny, training, maxSteps: 40, lr: 0.05, finalPass: 'early-stopped' }), series, { seed: 3 });
      const best = f.describe().bestValidationLoss as number;
      const y = series.y[0], n = y.length;
      const mean = y.reduce((a, v) => a + v, 0) / n;
      const sd = Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
      // Held out: t > 8 (samples 161 …); the free run warms up on the 12 samples before.
      const ctx: Series = { t: series.t.slice(149, 161), y: [y.slice(149, 161)], names: ['y'] };
      const fc = f.forecast(series.t.slice(161), ctx).mean[0];
      let s = 0;
      for (let j = 161; j < n; j++) s += ((fc[j - 161] - y[j]) / sd) ** 2;
      expect(Math.abs(s / (n - 161) - best) / best, training).toBeLessThan(1e-10);
    }
  });

  it('refuses a horizon the training part cannot hold and an unknown training mode with ConfigError; an LSTM saved before the training options loads with their defaults', async () => {
    await expect(gruFamily.fit(spec('gru', { ...tiny, training: 'rollout', horizon: 300 }), series, { seed: 0 })).rejects.toThrow(/horizon/);
    await expect(gruFamily.fit(spec('gru', { ...tiny, training: 'rollout', horizon: 300 }), series, { seed: 0 })).rejects.toBeInstanceOf(ConfigError);
    await expect(gruFamily.fit(spec('gru', { ...tiny, training: 'teacher' as 'rollout' }), series, { seed: 0 })).rejects.toThrow(/training/);
    const f = await lstmFamily.fit(spec('lstm', tiny), series, { seed: 0 });
    const saved = JSON.parse(JSON.stringify(f.toJSON()));
    for (const k of ['training', 'horizon', 'horizonStart', 'curriculumFraction', 'inputNoise', 'increments', 'stateful']) delete saved.config[k];
    const g = lstmFamily.load(saved);
    expect(g.describe()).toEqual(f.describe());
    expect(() => gruFamily.load(f.toJSON())).toThrow(/family/);
  });

  it('stateful lanes start spread over the span, walk it in consecutive windows, and restart (only) past its end', () => {
    const lanes = 4, starts = 100, length = 30, walk = statefulLanes(lanes, starts, length), rng = new Rng(0);
    const first = Array.from({ length: lanes }, (_, b) => walk(b, rng));
    expect(first).toEqual([0, 25, 50, 75].map((start) => ({ start, restart: false })));
    for (let b = 0; b < lanes; b++) {
      let prev = first[b].start;
      for (let k = 0; k < 20; k++) {
        const { start, restart } = walk(b, rng);
        expect(restart).toBe(prev + length >= starts);
        if (restart) expect(start).toBeLessThan(length);
        else expect(start).toBe(prev + length);
        expect(start).toBeLessThan(starts);
        prev = start;
      }
    }
  });

  it('stateful windows: only for one-step training (ConfigError otherwise); the option is saved and read back, and changes the fit', async () => {
    const refusals: [typeof lstmFamily, Partial<RecurrentConfig>][] = [
      [lstmFamily, { training: 'rollout' }], [gruFamily, { training: 'scheduled' }], [lstmFamily, { stateful: 'yes' as unknown as boolean }],
    ];
    for (const [family, c] of refusals) {
      const fit = family.fit(spec(family.family, { ...tiny, stateful: true, ...c }), series, { seed: 0 });
      await expect(fit).rejects.toBeInstanceOf(ConfigError);
      await expect(family.fit(spec(family.family, { ...tiny, stateful: true, ...c }), series, { seed: 0 })).rejects.toThrow(/stateful/);
    }
    // The LSTM's fused kernel, the closed-loop kernel (GRU; LSTM with increments).
    for (const [family, c] of [[lstmFamily, {}], [gruFamily, {}], [lstmFamily, { increments: true }]] as const) {
      const f = await family.fit(spec(family.family, { ...tiny, ...c, stateful: true }), series, { seed: 0 });
      const saved = JSON.parse(JSON.stringify(f.toJSON()));
      expect(saved.config.stateful).toBe(true);
      const g = family.load(saved);
      expect(g.toJSON()).toEqual(f.toJSON());
      expect(g.predictOneStep!(series)).toEqual(f.predictOneStep!(series));
      // Predictions and forecasts carry the state from the start, as trained: the first forecast
      // after a context of m samples is the one-step prediction of sample m from the whole series.
      const m = 150, one = f.predictOneStep!(series)[0][m];
      const context = { t: series.t.subarray(0, m), y: [series.y[0].subarray(0, m)], names: series.names };
      expect(f.forecast(series.t.subarray(m, m + 1), context).mean[0][0]).toBeCloseTo(one, 9);
      const recent = { t: series.t.subarray(m - 40, m), y: [series.y[0].subarray(m - 40, m)], names: series.names };
      expect(Math.abs(f.forecast(series.t.subarray(m, m + 1), recent).mean[0][0] - one)).toBeGreaterThan(1e-6);
      const plain = await family.fit(spec(family.family, { ...tiny, ...c }), series, { seed: 0 });
      expect(plain.toJSON().params).not.toEqual(f.toJSON().params);
      expect(plain.toJSON().config.stateful).toBe(false);
    }
  });
});
