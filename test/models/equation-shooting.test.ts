// Multiple shooting for the equation family: its gradient is exact, and it finds the
// constants of a long oscillating series from a poor start where single shooting does not.
import { describe, expect, it } from 'vitest';
import { checkGradient } from '../../src/core/gradcheck.js';
import type { Series } from '../../src/data/series.js';
import { compileSystem } from '../../src/equations/index.js';
import { toUnconstrained } from '../../src/models/equation-fit.js';
import { equationFamily } from '../../src/models/equation.js';
import { equationProblem } from '../../src/models/equation-problem.js';
import { segmentBounds, shootingMisfit } from '../../src/models/equation-shooting.js';
import { solve } from '../../src/ode/index.js';

function lotkaVolterra(T: number): Series {
  const t = Float64Array.from({ length: 10 * T + 1 }, (_, i) => i / 10);
  const truth = compileSystem("prey' = 1.5*prey - 1*prey*predator\npredator' = 1*prey*predator - 3*predator");
  const sol = solve({ term: truth.term(), solver: 'dopri5', t0: 0, t1: T, y0: Float64Array.of(1, 1), theta: new Float64Array(0), saveAt: t, rtol: 1e-12, atol: 1e-14 });
  return { t, y: [0, 1].map((k) => t.map((_, i) => sol.y[2 * i + k])), names: ['prey', 'predator'] };
}

// Every constant off by a factor 3 or more, on the wrong side.
const POOR = `param alpha = 0.5 in [0.1, 5]
param beta = 3 in [0.1, 5]
param gamma = 0.5 in [0.1, 10]
param delta = 3 in [0.1, 5]
prey' = alpha*prey - beta*prey*predator
predator' = delta*prey*predator - gamma*predator`;
const TRUTH: Record<string, number> = { alpha: 1.5, beta: 1, gamma: 3, delta: 1 };

describe('equation family: multiple shooting', () => {
  it('segments share their boundary samples and cover the window', () => {
    expect(segmentBounds(101, 4)).toEqual([0, 25, 50, 75, 100]);
    expect(segmentBounds(5, 10)).toEqual([0, 2, 4]); // at least two intervals per segment
  });

  it('the shooting misfit gradient (segments, continuity, bounds) matches central differences', () => {
    const data = lotkaVolterra(4);
    const p = equationProblem(compileSystem(POOR + "\nobserve prey = prey\nobserve predator = predator"), data);
    const bounds = segmentBounds(data.t.length, 4);
    const fg = shootingMisfit(p, data, { solver: 'rk4', rtol: 1e-8, atol: 1e-10 }, bounds, 10);
    const z = new Float64Array(p.size + 3 * 2);
    z.set(toUnconstrained(p, p.initialGuess));
    for (let k = p.size; k < z.length; k++) z[k] = 0.8 + 0.1 * Math.sin(k);
    const r = checkGradient((x) => fg(x, new Float64Array(x.length)), (x) => {
      const g = new Float64Array(x.length);
      fg(x, g);
      return g;
    }, z);
    expect(r.maxRelError).toBeLessThan(1e-6);
  });

  it('on Lotka–Volterra over [0, 40] from a poor start, single shooting fails and 20 segments recover every constant within 1%', async () => {
    const data = lotkaVolterra(40);
    const fit = async (segments: number) => {
      const model = await equationFamily.fit({ family: 'equation', config: { ...equationFamily.defaults, equations: POOR, starts: 1, shooting: { segments } } }, data, { seed: 0 });
      const d = model.describe() as unknown as { values: { name: string; value: number }[] };
      return Math.max(...d.values.map((p) => Math.abs(p.value - TRUTH[p.name]) / TRUTH[p.name]));
    };
    const single = await fit(1);
    const shooting = await fit(20);
    console.log(`LV [0, 40] from a poor start: worst relative error ${single.toFixed(3)} single shooting, ${shooting.toExponential(1)} with 20 segments`);
    expect(single).toBeGreaterThan(0.3);
    expect(shooting).toBeLessThan(0.01);
  }, 60_000);

  it('a shooting configuration that is not a positive whole number of segments is a ConfigError naming shooting.segments', () => {
    expect(() => equationFamily.check!({ ...equationFamily.defaults, equations: "x' = -x", shooting: { segments: 0 } })).toThrow(/^shooting\.segments: must be a positive integer/);
  });
});
