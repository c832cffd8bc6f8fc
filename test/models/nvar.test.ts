// Next-generation reservoir computing (src/models/nvar.ts): the feature count, a quadratic
// map recovered exactly, the delays seen from outside, and Lorenz-63 after Gauthier et al. 2021.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import type { Series } from '../../src/data/series.js';
import { nvarFeatureCount } from '../../src/models/nvar-config.js';
import { nvarFamily } from '../../src/models/nvar.js';
import { gateVpt, lorenzGate } from './lorenz-gate.js';

/** n samples of x_{k+1} = f(x_k, x_{k−1}) on the clock t = k·dt. */
function mapSeries(n: number, f: (x: number, xPrev: number) => number, x0: number, x1: number): Series {
  const y = new Float64Array(n);
  y[0] = x0;
  y[1] = x1;
  for (let k = 1; k + 1 < n; k++) y[k + 1] = f(y[k], y[k - 1]);
  return { t: Float64Array.from(y, (_, k) => k * 0.1), y: [y], names: ['x'] };
}

describe('the nvar family', () => {
  it('counts 1 + linear + unique monomials: Gauthier\'s Lorenz NVAR has 1 + 6 + 21 = 28 features', () => {
    expect(nvarFeatureCount({ delays: 2, order: 2 }, 3)).toBe(28);
    expect(nvarFeatureCount({ delays: 1, order: 3 }, 2)).toBe(1 + 2 + 3 + 4);
    expect(nvarFeatureCount({ delays: 4, order: 1 }, 3)).toBe(13);
  });

  it('recovers a quadratic map with one delay exactly: x_{k+1} = 3.7 x_k (1 − x_k) − 0.2 x_{k−1}²', async () => {
    const f = (x: number, xp: number) => 3.7 * x * (1 - x) - 0.2 * xp * xp;
    const s = mapSeries(400, f, 0.3, 0.4);
    const fitted = await nvarFamily.fit({ family: 'nvar', config: { ...nvarFamily.defaults, delays: 2, order: 2, ridge: 0, increment: false } }, s, { seed: 0 });
    expect(fitted.nParams).toBe(1 * nvarFeatureCount({ delays: 2, order: 2 }, 1));
    const one = fitted.predictOneStep!(s)[0];
    expect(Number.isNaN(one[1])).toBe(true); // needs x_k and x_{k−1}
    for (let k = 2; k < 400; k++) expect(one[k]).toBeCloseTo(s.y[0][k], 9);
    // Free run from the last two samples follows the map for a few steps (it is chaotic).
    const times = Float64Array.from({ length: 5 }, (_, i) => s.t[399] + (i + 1) * 0.1);
    const fc = fitted.forecast(times, s).mean[0];
    let [xp, x] = [s.y[0][398], s.y[0][399]];
    for (let i = 0; i < 5; i++) {
      [xp, x] = [x, f(x, xp)];
      expect(fc[i]).toBeCloseTo(x, 6);
    }
  });

  it('with one delay it cannot see the earlier sample: the same map is fitted worse', async () => {
    const s = mapSeries(400, (x, xp) => 3.7 * x * (1 - x) - 0.2 * xp * xp, 0.3, 0.4);
    const fitted = await nvarFamily.fit({ family: 'nvar', config: { ...nvarFamily.defaults, delays: 1, order: 2, ridge: 0, increment: false } }, s, { seed: 0 });
    const one = fitted.predictOneStep!(s)[0];
    let worst = 0;
    for (let k = 2; k < 400; k++) worst = Math.max(worst, Math.abs(one[k] - s.y[0][k]));
    expect(worst).toBeGreaterThan(1e-3);
  });

  it('refuses impossible options and too few samples with a ConfigError naming them', async () => {
    expect(() => nvarFamily.check!({ ...nvarFamily.defaults, delays: 0 })).toThrow(/^delays: /);
    expect(() => nvarFamily.check!({ ...nvarFamily.defaults, order: 7 })).toThrow(/^order: /);
    expect(() => nvarFamily.check!({ ...nvarFamily.defaults, delays: 200, order: 3 })).toThrow(/^order: .*features/);
    const s = mapSeries(5, (x) => x / 2, 1, 0.5);
    await expect(nvarFamily.fit({ family: 'nvar', config: { ...nvarFamily.defaults, delays: 3, spacing: 2 } }, s, { seed: 0 })).rejects.toThrow(ConfigError);
    const fitted = await nvarFamily.fit({ family: 'nvar', config: { ...nvarFamily.defaults, delays: 2, spacing: 2 } }, mapSeries(50, (x) => x / 2 + 0.1, 1, 0.5), { seed: 0 });
    const short = { t: Float64Array.of(0, 0.1), y: [Float64Array.of(1, 2)], names: ['x'] };
    expect(() => fitted.forecast(Float64Array.of(0.2), short)).toThrow(/^forecast context: has 2 samples; .* 3/);
  });

  it('forecasts Lorenz-63 (Gauthier\'s setup: 2 delays, quadratic, increment; dt 0.01, trained on [0, 50]) for ≥ 5 Lyapunov times', async () => {
    const g = lorenzGate(0.01);
    const f = await nvarFamily.fit({ family: 'nvar', config: nvarFamily.defaults }, g.train, { seed: 0 });
    expect(f.nParams).toBe(3 * 28);
    const vpt = gateVpt(f, g);
    console.log(`NVAR Lorenz gate (dt 0.01): VPT ${vpt.lawful.toFixed(2)} Lyapunov times at running NRMSE 0.2; ${vpt.literature.toFixed(2)} at normalised error 0.4; in-window NRMSE one-step ${vpt.nrmseIn.toExponential(2)}, free-running ${vpt.nrmseInFreeRun.toFixed(3)}`);
    expect(vpt.lawful).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
