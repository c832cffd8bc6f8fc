// A compiled system is a Term like any hand-written one: the compiled Lotka–Volterra
// integrates to the same numbers as src/systems/lotka-volterra.ts with the same solver and
// steps, and its adjoint gradients match finite differences.
import { describe, expect, it } from 'vitest';
import { checkGradient } from '../../src/core/gradcheck.js';
import { compileSystem } from '../../src/equations/index.js';
import { solve, solveWithAdjoint } from '../../src/ode/index.js';
import { lotkaVolterra } from '../../src/systems/lotka-volterra.js';
import { LOTKA_VOLTERRA } from './examples.js';

const linspace = (a: number, b: number, n: number) => Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

// The reference's θ order is [alpha, beta, gamma, delta]; the example's is [a, b, c, d] with the same roles.
const theta = Float64Array.of(1.5, 1, 3, 1);
const y0 = Float64Array.of(1, 1);
const saveAt = linspace(0, 10, 101);

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

describe('equation language: a compiled system in the ODE layer', () => {
  const reference = lotkaVolterra.build({ alpha: 1.5, beta: 1, gamma: 3, delta: 1, x0: [1, 1] });
  const compiled = compileSystem(LOTKA_VOLTERRA);

  for (const [solver, extra] of [
    ['dopri5', { rtol: 1e-10, atol: 1e-12 }],
    ['rk4', { dt: 0.01 }],
    ['sdirk4', { rtol: 1e-8, atol: 1e-10 }],
  ] as const) {
    it(`Lotka–Volterra: the same trajectory as systems/lotka-volterra.ts to 1e-12 (${solver})`, () => {
      const a = solve({ term: compiled.term(), solver, t0: 0, t1: 10, y0, theta, saveAt, ...extra });
      const b = solve({ term: reference.term, solver, t0: 0, t1: 10, y0, theta, saveAt, ...extra });
      expect(a.stats.accepted).toBe(b.stats.accepted);
      expect(maxRelDiff(a.y, b.y)).toBeLessThan(1e-12);
    });
  }

  it('Lotka–Volterra: adjoint gradients equal the reference’s and central differences', () => {
    const target = solve({ term: reference.term, solver: 'dopri5', t0: 0, t1: 10, y0, theta, saveAt, rtol: 1e-10, atol: 1e-12 }).y.map((v, i) => v * (1 + 0.05 * Math.sin(i)));
    const opts = { solver: 'dopri5', t0: 0, t1: 10, y0, saveAt, rtol: 1e-10, atol: 1e-12 } as const;
    const gradient = (term: typeof reference.term) => (th: Float64Array) => {
      const sol = solveWithAdjoint({ ...opts, term, theta: th });
      return sol.backward(sol.y.map((v, i) => v - target[i])).dTheta;
    };
    const mine = gradient(compiled.term())(theta);
    const theirs = gradient(reference.term)(theta);
    expect(maxRelDiff(mine, theirs)).toBeLessThan(1e-10);
    // Frozen steps, so the finite differences differentiate the same discrete map; a linear
    // loss gᵀy over t ≤ 4 keeps the central differences' truncation error small.
    const short = { ...opts, t1: 4, saveAt: linspace(0, 4, 41) };
    const gY = Float64Array.from({ length: 82 }, (_, i) => Math.cos(i));
    const steps = solve({ ...short, term: reference.term, theta }).stepTimes;
    const term = compiled.term();
    const loss = (th: Float64Array) => solve({ ...short, term, theta: th, steps }).y.reduce((s, v, i) => s + gY[i] * v, 0);
    const grad = (th: Float64Array) => solveWithAdjoint({ ...short, term, theta: th, steps }).backward(gY).dTheta;
    expect(checkGradient(loss, grad, Float64Array.from(theta), {}).maxRelError).toBeLessThan(1e-6);
  });

  it('the interpreter integrates to the same numbers as the generated code', () => {
    const interpreted = compileSystem(LOTKA_VOLTERRA, { evaluator: 'interpreted' });
    const a = solve({ term: compiled.term(), solver: 'dopri5', t0: 0, t1: 10, y0, theta, saveAt });
    const b = solve({ term: interpreted.term(), solver: 'dopri5', t0: 0, t1: 10, y0, theta, saveAt });
    expect(b.y).toEqual(a.y);
  });
});
