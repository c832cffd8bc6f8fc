// The equation family: a user's system fitted to data recovers the parameters that made them.
import { describe, expect, it } from 'vitest';
import { AbortError, ConfigError, DataError } from '../../src/core/errors.js';
import { checkGradient } from '../../src/core/gradcheck.js';
import { compileSystem } from '../../src/equations/index.js';
import { fitProblem, misfit, toUnconstrained } from '../../src/models/equation-fit.js';
import type { Series } from '../../src/data/series.js';
import { equationFamily } from '../../src/models/equation.js';
import { boundTransform, equationProblem } from '../../src/models/equation-problem.js';
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

  it('statesFirst fits the initial states with the parameters held exactly at their start', () => {
    const data = lotkaVolterraData(linspace(0, 10, 201));
    const p = equationProblem(compileSystem(LV_GUESS.replace('alpha = 1 ', 'alpha = 1.5 ').replace('beta = 0.6', 'beta = 1').replace('gamma = 2', 'gamma = 3').replace('delta = 0.6', 'delta = 1')), data);
    const start = Float64Array.from([1.5, 1, 3, 1, 0.6, 1.4]);
    // No joint stage (horizons: []): what comes back is the states-first stage alone.
    const r = fitProblem(p, data, { solver: 'dopri5', rtol: 1e-10, atol: 1e-12 }, { maxIterations: 200, statesFirst: true, horizons: [], start });
    // Held to the rounding of the bounds' transform and back.
    [1.5, 1, 3, 1].forEach((v, k) => expect(r.natural[k]).toBeCloseTo(v, 12));
    expect(r.natural[4]).toBeCloseTo(1, 5);
    expect(r.natural[5]).toBeCloseTo(1, 5);
  });

  it('statesFirst that is not true or false is a ConfigError naming it', () => {
    expect(() => equationFamily.check!({ ...equationFamily.defaults, equations: "x' = -x", statesFirst: 'yes' as unknown as boolean })).toThrow(/^statesFirst: must be true or false/);
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

  it('the misfit gradient (adjoint + observation vjp + bounds) matches central differences', () => {
    const data = lotkaVolterraData(linspace(0, 3, 31));
    data.y[1][5] = NaN; // a missing sample is skipped, not propagated
    const text = LV_GUESS + 'observe prey = prey\nobserve predator = 2*predator - 0.1*gamma';
    const p = equationProblem(compileSystem(text), data);
    const fg = misfit(p, data, { solver: 'rk4', rtol: 1e-8, atol: 1e-10 });
    const z = toUnconstrained(p, p.initialGuess).map((v, i) => v + 0.1 * Math.sin(i));
    const r = checkGradient((x) => fg(x, new Float64Array(x.length)), (x) => {
      const g = new Float64Array(x.length);
      fg(x, g);
      return g;
    }, z);
    expect(Number.isFinite(fg(z, new Float64Array(z.length)))).toBe(true);
    expect(r.maxRelError).toBeLessThan(1e-6);
  });

  it("a driven, damped pendulum with an input, an observe line and a fixed x'(0) is recovered", async () => {
    // Truth: w = 2, g = 0.3, k = 0.8, x(0) = 0.5, x'(0) = 0, pulled towards u(t) = 0.3 sin(1.3 t).
    const truthText = "const w = 2\nconst g = 0.3\nconst k = 0.8\ninput u\nx'' = -w^2*sin(x) - g*x' + k*(u - x)";
    const truth = compileSystem(truthText);
    const t = linspace(0, 12, 241);
    const u = t.map((ti) => 0.3 * Math.sin(1.3 * ti));
    const term = truth.term((ti, out) => (out[0] = 0.3 * Math.sin(1.3 * ti)));
    const sol = solve({ term, solver: 'dopri5', t0: 0, t1: 12, y0: Float64Array.of(0.5, 0), saveAt: t, rtol: 1e-12, atol: 1e-14 });
    const angle = t.map((_, i) => sol.y[2 * i]);
    const data: Series = { t, y: [angle, u], names: ['angle', 'u'] };
    const text = "param w = 1.5 in [0, 10]\nparam g = 0.1 in [0, 5]\nparam k = 0.5 in [0, inf]\ninput u\nx'' = -w^2*sin(x) - g*x' + k*(u - x)\ninit x' = 0\nobserve angle = x";
    const model = await equationFamily.fit({ family: 'equation', config: { ...equationFamily.defaults, equations: text } }, data, { seed: 0 });
    const d = model.describe() as unknown as { values: { name: string; value: number }[] };
    const want: Record<string, number> = { w: 2, g: 0.3, k: 0.8 };
    for (const p of d.values) expect(Math.abs(p.value - want[p.name]) / want[p.name]).toBeLessThan(0.01);
    expect(model.nParams).toBe(4); // w, g, k and x(0); x'(0) is fixed
    // The forecast reads the input from the context, and echoes it as its channel.
    const f = model.forecast(t.subarray(200), data);
    expect(f.mean).toHaveLength(2);
    expect(f.mean[1]).toEqual(u.subarray(200));
    expect(Math.max(...f.mean[0].map((v, i) => Math.abs(v - angle[200 + i])))).toBeLessThan(0.01);
    expect(() => model.forecast(t, { t, y: [angle], names: ['angle'] })).toThrow(DataError);
  }, 60_000);

  it('a fit stops with an AbortError when its signal fires', async () => {
    const data = lotkaVolterraData(linspace(0, 10, 101));
    const ctl = new AbortController();
    ctl.abort('stop');
    await expect(equationFamily.fit({ family: 'equation', config: { ...equationFamily.defaults, equations: LV_GUESS } }, data, { seed: 0, signal: ctl.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('a saved model whose parameters do not fit its equations is refused', async () => {
    const data = lotkaVolterraData(linspace(0, 2, 21));
    const model = await equationFamily.fit({ family: 'equation', config: { ...equationFamily.defaults, equations: LV_GUESS, maxIterations: 2 } }, data, { seed: 0 });
    const saved = model.toJSON();
    expect(() => equationFamily.load({ ...saved, params: saved.params.slice(1) })).toThrow(/params: has 5 values; these equations need 6/);
  });
});
