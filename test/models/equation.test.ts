// The equation family: a user's system fitted to data recovers the parameters that made them.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import type { Series } from '../../src/data/series.js';
import { equationFamily } from '../../src/models/equation.js';
import { boundTransform } from '../../src/models/equation-problem.js';
import { solve } from '../../src/ode/index.js';
import { lotkaVolterra } from '../../src/systems/lotka-volterra.js';

const linspace = (a: number, b: number, n: number) => Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

function lotkaVolterraData(t: Float64Array): Series {
  const sys = lotkaVolterra.build({ alpha: 1.5, beta: 1, gamma: 3, delta: 1, x0: [1, 1] });
  const sol = solve({ term: sys.term, solver: 'dopri5', t0: t[0], t1: t[t.length - 1], y0: sys.y0, theta: sys.theta, saveAt: t, rtol: 1e-12, atol: 1e-14 });
  return { t, y: [0, 1].map((k) => t.map((_, i) => sol.y[2 * i + k])), names: ['prey', 'predator'] };
}

const LV_GUESS = `# Lotka–Volterra, from rough guesses
param alpha = 1 in [0, 5]
param beta = 0.6 in [0, 5]
param gamma = 2 in [0, 10]
param delta = 0.6 in [0, 5]
prey' = alpha*prey - beta*prey*predator
predator' = delta*prey*predator - gamma*predator
`;

describe('equation family', () => {
  it('Lotka–Volterra (α, β, γ, δ = 1.5, 1, 3, 1; x0 = (1, 1); t ∈ [0, 10]) is recovered within 1% from clean data', async () => {
    const data = lotkaVolterraData(linspace(0, 10, 101));
    const model = await equationFamily.fit({ family: 'equation', config: { ...equationFamily.defaults, equations: LV_GUESS } }, data, { seed: 0 });
    const d = model.describe() as unknown as { values: { name: string; value: number }[]; initialState: { value: number }[]; loss: number };
    const truth: Record<string, number> = { alpha: 1.5, beta: 1, gamma: 3, delta: 1 };
    console.log(`equation family, Lotka–Volterra: ${d.values.map((p) => `${p.name} = ${p.value.toPrecision(8)}`).join(', ')}; x0 = ${d.initialState.map((s) => s.value.toPrecision(8)).join(', ')}; loss ${d.loss.toExponential(2)}`);
    for (const p of d.values) expect(Math.abs(p.value - truth[p.name]) / truth[p.name]).toBeLessThan(0.01);
    for (const s of d.initialState) expect(Math.abs(s.value - 1)).toBeLessThan(0.01);
    // It forecasts beyond the window, and a saved model forecasts the same numbers.
    const times = linspace(10, 15, 51);
    const future = lotkaVolterraData(linspace(0, 15, 151));
    const f = model.forecast(times, data);
    const truthOut = future.y[0].slice(100);
    expect(Math.max(...f.mean[0].map((v, i) => Math.abs(v - truthOut[i])))).toBeLessThan(0.05 * Math.max(...truthOut));
    const again = equationFamily.load(JSON.parse(JSON.stringify(model.toJSON())));
    expect(again.forecast(times, data).mean).toEqual(f.mean);
  }, 60_000);

  it('a mistake in the equations is a ConfigError on "equations" that keeps line:column', () => {
    expect(() => equationFamily.check!({ ...equationFamily.defaults, equations: "param k = 1\nx' = -k*q" })).toThrow(ConfigError);
    expect(() => equationFamily.check!({ ...equationFamily.defaults, equations: "param k = 1\nx' = -k*q" })).toThrow(/^equations: unknown name "q" at 2:9/);
    expect(() => equationFamily.check!({ ...equationFamily.defaults, equations: '' })).toThrow(/equations: the system to fit/);
    expect(() => equationFamily.check!({ ...equationFamily.defaults, equations: "x' = -x", solver: 'nope' })).toThrow(/^solver: /);
  });

  it('bounds transforms map onto their interval, invert, and have the right slope', () => {
    for (const [lo, hi] of [[0, 1], [0, Infinity], [-Infinity, 2], [-Infinity, Infinity]]) {
      const b = boundTransform(lo, hi);
      for (const z of [-3, -0.5, 0, 0.7, 2]) {
        const th = b.toNatural(z);
        expect(th).toBeGreaterThanOrEqual(lo);
        expect(th).toBeLessThanOrEqual(hi);
        expect(b.toUnconstrained(th)).toBeCloseTo(z, 10);
        const h = 1e-6;
        expect(b.slope(z)).toBeCloseTo((b.toNatural(z + h) - b.toNatural(z - h)) / (2 * h), 7);
      }
    }
  });
});
