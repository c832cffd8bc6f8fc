// The autoregressive MLP (src/models/mlp.ts): the free run's hand-written gradient against
// finite differences, a sinusoid it must continue, what stride means from outside, and the
// saved form's round trip.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import type { Series } from '../../src/data/series.js';
import { mlpFamily, MlpRollout } from '../../src/models/mlp.js';
import { initMlp, mlpLayout, type MlpShape } from '../../src/nn/mlp.js';

/** Two channels of a lightly damped two-frequency signal, sampled every dt. */
function twoTone(n: number, dt: number): Series {
  const t = Float64Array.from({ length: n }, (_, k) => k * dt);
  const a = t.map((s) => Math.sin(1.3 * s) + 0.5 * Math.cos(2.9 * s + 0.4));
  const b = t.map((s) => 0.8 * Math.cos(1.3 * s) - 0.3 * Math.sin(2.9 * s));
  return { t, y: [a, b], names: ['a', 'b'] };
}

function nrmse(pred: Float64Array, truth: Float64Array, sd: number): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i] - truth[i]) ** 2;
  return Math.sqrt(s / pred.length) / sd;
}

function sd(x: Float64Array): number {
  const m = x.reduce((a, v) => a + v, 0) / x.length;
  return Math.sqrt(x.reduce((a, v) => a + (v - m) ** 2, 0) / x.length);
}

describe('the mlp family', () => {
  it("the free run's gradient through its own predictions matches central differences", () => {
    const C = 2, d = 3, B = 4, H = 5;
    for (const activation of ['tanh', 'softplus'] as const) {
      const shape: MlpShape = { input: d * C, hidden: [7, 5], output: C, activation };
      const size = mlpLayout(shape).size;
      const rng = new Rng(3);
      const theta = new Float64Array(size);
      initMlp(shape, theta, rng);
      for (let i = 0; i < size; i++) theta[i] += rng.normal(0, 0.3);
      const incStd = Float64Array.of(0.7, 1.3);
      const roll = new MlpRollout(shape, d, B, H, incStd);
      const observed = Float64Array.from({ length: B * d * C }, () => rng.normal());
      const truth = Float64Array.from({ length: B * H * C }, () => rng.normal());
      const lossAt = (th: Float64Array, grad: Float64Array | null): number => {
        for (let b = 0; b < B; b++) roll.slots.set(observed.subarray(b * d * C, (b + 1) * d * C), b * (d + H) * C);
        roll.run(th, B, H);
        return roll.backward(th, B, H, truth, grad ?? new Float64Array(size));
      };
      const grad = new Float64Array(size);
      lossAt(theta, grad);
      const h = 1e-6;
      let worst = 0;
      for (let i = 0; i < size; i += 3) {
        const p = Float64Array.from(theta), m = Float64Array.from(theta);
        p[i] += h;
        m[i] -= h;
        const fd = (lossAt(p, null) - lossAt(m, null)) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - grad[i]) / Math.max(1e-3, Math.abs(fd)));
      }
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it('trained through its own rollout, it continues a two-tone signal beyond the window', async () => {
    const all = twoTone(1500, 0.02);
    const nTrain = 1000;
    const train: Series = { t: all.t.slice(0, nTrain), y: all.y.map((c) => c.slice(0, nTrain)), names: all.names };
    const config = { ...mlpFamily.defaults, stride: 5, hidden: [32], training: 'rollout' as const, horizon: 16, steps: 1500, lr: 5e-3, batch: 32 };
    const fitted = await mlpFamily.fit({ family: 'mlp', config }, train, { seed: 1 });
    const times = all.t.slice(nTrain);
    const fc = fitted.forecast(times, train);
    for (let c = 0; c < 2; c++) {
      const truth = all.y[c].slice(nTrain);
      // 10 time units beyond a 20-unit window: two periods of the slow tone.
      expect(nrmse(fc.mean[c], truth, sd(train.y[c]))).toBeLessThan(0.1);
    }
  }, 60_000);

  it('one model step is `stride` samples: one-step predictions start after (delays − 1)·stride + stride samples', async () => {
    const s = twoTone(300, 0.05);
    const fitted = await mlpFamily.fit({ family: 'mlp', config: { ...mlpFamily.defaults, ...mlpFamily.quick, delays: 3, stride: 4 } }, s, { seed: 0 });
    const one = fitted.predictOneStep!(s);
    const first = 2 * 4 + 4;
    for (let c = 0; c < 2; c++) {
      expect(Number.isNaN(one[c][first - 1])).toBe(true);
      expect(Number.isFinite(one[c][first])).toBe(true);
    }
    expect(() => fitted.forecast(Float64Array.of(20), { t: s.t.slice(0, 5), y: s.y.map((c) => c.slice(0, 5)), names: s.names })).toThrow(ConfigError);
  });

  it('reloads from its saved form to the same forecast, and names a damaged field', async () => {
    const s = twoTone(300, 0.05);
    const fitted = await mlpFamily.fit({ family: 'mlp', config: { ...mlpFamily.defaults, ...mlpFamily.quick, stride: 2 } }, s, { seed: 0 });
    const saved = JSON.parse(JSON.stringify(fitted.toJSON()));
    const again = mlpFamily.load(saved);
    const times = Float64Array.from({ length: 7 }, (_, i) => s.t[299] + 0.03 + 0.11 * i);
    expect(again.forecast(times, s).mean).toEqual(fitted.forecast(times, s).mean);
    expect(() => mlpFamily.load({ ...saved, extra: { ...saved.extra, incStd: [1] } }, 'm.json')).toThrow(/m\.json.*extra\.incStd/);
  });

  it('refuses a horizon the window cannot hold, naming it', async () => {
    const s = twoTone(100, 0.05);
    await expect(mlpFamily.fit({ family: 'mlp', config: { ...mlpFamily.defaults, training: 'rollout', horizon: 500, horizonStart: 2 } }, s, { seed: 0 })).rejects.toThrow(/horizon/);
  });
});
