// The equation family's known answers (issue 9): constants recovered from clean and noisy
// data, standard errors that cover the truth, and an unidentifiable pair named.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { Series } from '../../src/data/series.js';
import { compileSystem } from '../../src/equations/index.js';
import { equationFamily } from '../../src/models/equation.js';
import type { EquationConfig } from '../../src/models/equation.js';
import { solve } from '../../src/ode/index.js';

const linspace = (a: number, b: number, n: number) => Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

/** Simulates `text` (constants only) from y0 at `t`, observing the states `observed` (indices) as `names`. */
function simulateText(text: string, y0: number[], t: Float64Array, observed: number[], names: string[]): Series {
  const sys = compileSystem(text);
  const sol = solve({ term: sys.term(), solver: 'dopri5', t0: t[0], t1: t[t.length - 1], y0: Float64Array.from(y0), theta: new Float64Array(sys.nParams), saveAt: t, rtol: 1e-12, atol: 1e-14 });
  return { t, y: observed.map((k) => t.map((_, i) => sol.y[i * sys.dim + k])), names };
}

/** Gaussian noise of `relative` × each channel's standard deviation, seeded. */
function noisy(data: Series, relative: number, seed: number): Series {
  const rng = new Rng(seed);
  const y = data.y.map((c) => {
    const m = c.reduce((s, v) => s + v, 0) / c.length;
    const sd = Math.sqrt(c.reduce((s, v) => s + (v - m) ** 2, 0) / c.length);
    return c.map((v) => v + rng.normal(0, relative * sd));
  });
  return { ...data, y };
}

interface Estimate { name: string; value: number; stderr: number | null; interval: [number | null, number | null] }
interface Description { values: Estimate[]; initialState: Estimate[]; identifiability?: { message: string; direction: { name: string; loading: number }[] }[] }

async function fitText(equations: string, data: Series, extra: Partial<EquationConfig> = {}): Promise<Description> {
  const model = await equationFamily.fit({ family: 'equation', config: { ...equationFamily.defaults, equations, ...extra } }, data, { seed: 0 });
  return model.describe() as unknown as Description;
}

function relativeErrors(d: Description, truth: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(truth).map(([name, v]) => [name, Math.abs(d.values.find((p) => p.name === name)!.value - v) / Math.abs(v)]));
}

const LV_TRUTH = "prey' = 1.5*prey - 1*prey*predator\npredator' = 1*prey*predator - 3*predator";
const LV = `param alpha = 1 in [0.1, 5]
param beta = 0.6 in [0.1, 5]
param gamma = 2 in [0.1, 10]
param delta = 0.6 in [0.1, 5]
prey' = alpha*prey - beta*prey*predator
predator' = delta*prey*predator - gamma*predator
`;
const LV_CONSTANTS = { alpha: 1.5, beta: 1, gamma: 3, delta: 1 };
const lvData = () => simulateText(LV_TRUTH, [1, 1], linspace(0, 10, 101), [0, 1], ['prey', 'predator']);

const PENDULUM_TRUTH = "x'' = -1.5^2*sin(x) - 0.2*x' + 0.6*cos(1.1*t)";
const PENDULUM = `const W = 1.1 # the drive's angular frequency, known
param w = 1 in [0.2, 5]
param g = 0.1 in [0.001, 2]
param F = 0.3 in [0.01, 3]
x'' = -w^2*sin(x) - g*x' + F*cos(W*t)
observe angle = x
`;
const PENDULUM_CONSTANTS = { w: 1.5, g: 0.2, F: 0.6 };
const pendulumData = () => simulateText(PENDULUM_TRUTH, [1, 0], linspace(0, 20, 201), [0], ['angle']);

describe('equation family: known answers', () => {
  it('Lotka–Volterra (1.5, 1, 3, 1; x0 = (1, 1); t ∈ [0, 10]) within 5% from 2% noise, each with a standard error', async () => {
    const d = await fitText(LV, noisy(lvData(), 0.02, 1));
    const err = relativeErrors(d, LV_CONSTANTS);
    console.log(`LV, 2% noise: ${d.values.map((p) => `${p.name} = ${p.value.toFixed(4)} ± ${p.stderr?.toFixed(4)}`).join(', ')}`);
    for (const e of Object.values(err)) expect(e).toBeLessThan(0.05);
    for (const p of d.values) expect(p.stderr).toBeGreaterThan(0);
  }, 60_000);

  it('a damped driven pendulum recovers w, g and the forcing amplitude F within 1% (clean) and 5% (2% noise)', async () => {
    const clean = relativeErrors(await fitText(PENDULUM, pendulumData()), PENDULUM_CONSTANTS);
    const noise = relativeErrors(await fitText(PENDULUM, noisy(pendulumData(), 0.02, 2)), PENDULUM_CONSTANTS);
    console.log(`pendulum: clean ${JSON.stringify(clean)}, noisy ${JSON.stringify(noise)}`);
    for (const e of Object.values(clean)) expect(e).toBeLessThan(0.01);
    for (const e of Object.values(noise)) expect(e).toBeLessThan(0.05);
  }, 60_000);

  it('Van der Pol μ from one channel only (observe y = x)', async () => {
    const data = simulateText("x'' = 1.2*(1 - x^2)*x' - x", [2, 0], linspace(0, 15, 151), [0], ['y']);
    const d = await fitText("param mu = 0.5 in [0.01, 5]\nx'' = mu*(1 - x^2)*x' - x\nobserve y = x", data);
    expect(Math.abs(d.values[0].value - 1.2) / 1.2).toBeLessThan(0.01);
    // x'(0) was not observed, and is recovered too.
    expect(Math.abs(d.initialState.find((s) => s.name.startsWith("x'"))!.value)).toBeLessThan(0.01);
  }, 60_000);

  it('the 95% intervals are honest: over 20 noise seeds on Lotka–Volterra, the truth is inside in ≥ 80% of cases', async () => {
    const base = lvData();
    // From the declared truth as a guess, one start: this is about the errors, not the search.
    const near = LV.replace('alpha = 1 ', 'alpha = 1.5 ').replace('beta = 0.6', 'beta = 1').replace('gamma = 2', 'gamma = 3').replace('delta = 0.6', 'delta = 1');
    let inside = 0;
    let total = 0;
    for (let seed = 0; seed < 20; seed++) {
      const d = await fitText(near, noisy(base, 0.02, 100 + seed), { starts: 1 });
      for (const p of d.values) {
        const [lo, hi] = p.interval;
        total++;
        if (lo !== null && hi !== null && lo <= LV_CONSTANTS[p.name as keyof typeof LV_CONSTANTS] && LV_CONSTANTS[p.name as keyof typeof LV_CONSTANTS] <= hi) inside++;
      }
    }
    console.log(`LV interval coverage: ${inside}/${total} = ${((100 * inside) / total).toFixed(0)}%`);
    expect(inside / total).toBeGreaterThanOrEqual(0.8);
    expect(inside / total).toBeLessThan(1); // intervals that always cover are too wide to be 95% ones
  }, 120_000);

  it('an unidentifiable pair (x\' = −(a + b)·x) is flagged, with the combination the data do fix named', async () => {
    const data = simulateText("x' = -0.7*x", [1], linspace(0, 5, 51), [0], ['x']);
    const d = await fitText("param a = 0.2 in [0, 2]\nparam b = 0.3 in [0, 2]\nx' = -(a + b)*x", noisy(data, 0.01, 3), { starts: 1 });
    expect(d.identifiability).toHaveLength(1);
    const only = d.identifiability![0];
    expect(only.direction.map((x) => x.name).sort()).toEqual(['a', 'b']);
    expect(Math.abs(only.direction[0].loading + only.direction[1].loading)).toBeLessThan(1e-3); // a − b moves freely
    expect(only.message).toMatch(/only 1\.00·[ab] \+ 1\.00·[ab] is/);
    expect(d.values[0].stderr).toBeNull();
    expect(d.values[0].value + d.values[1].value).toBeCloseTo(0.7, 2);
    // x(0) is determined, with a finite error.
    expect(d.initialState[0].stderr).toBeGreaterThan(0);
  }, 30_000);
});
