// sumTerms: f = Σ fᵢ with θ = [θ₁, θ₂, …], its vjp and jac, seen from outside — against the
// parts evaluated one by one, central finite differences, and the closed form of a linear sum.
import { describe, expect, it } from 'vitest';
import { expm } from '../../src/core/expm.js';
import { checkGradient, numericGradient } from '../../src/core/gradcheck.js';
import { Rng } from '../../src/core/rng.js';
import { solve, solveWithAdjoint } from '../../src/ode/solve.js';
import { sumTerms } from '../../src/ode/term.js';
import type { Term } from '../../src/ode/term.js';
import { limitCycle, linearTerm, lorenz, vanDerPol } from './problems.js';

const rng = new Rng(11);
const A = Float64Array.of(-0.2, 1.1, -0.9, 0.1);
const MU = 0.7;
/** A linear term (4 parameters) plus van der Pol (1): θ = [A, μ]. */
const sum = () => sumTerms(linearTerm(2), vanDerPol);
const THETA = Float64Array.of(...A, MU);
const Y = Float64Array.of(0.8, -0.3);

function fOf(term: Term, y: Float64Array, theta: Float64Array): Float64Array {
  const dy = new Float64Array(term.dim);
  term.f(0.4, y, theta, dy);
  return dy;
}

describe('sumTerms', () => {
  it('f is the sum of the parts, each reading its own slice of θ', () => {
    const s = sum();
    expect([s.dim, s.nParams]).toEqual([2, 5]);
    const a = fOf(linearTerm(2), Y, A);
    const b = fOf(vanDerPol, Y, Float64Array.of(MU));
    const got = fOf(s, Y, THETA);
    // By hand: A y = (−0.16 − 0.33, −0.72 − 0.03); van der Pol: (y₂, μ(1 − y₁²) y₂ − y₁).
    expect(a[0]).toBeCloseTo(-0.49, 15);
    expect(b[1]).toBeCloseTo(0.7 * (1 - 0.64) * -0.3 - 0.8, 15);
    for (let k = 0; k < 2; k++) expect(got[k]).toBe(a[k] + b[k]);
    // f overwrites dy: a dirty output array gives the same answer.
    const dirty = Float64Array.of(99, -99);
    s.f(0.4, Y, THETA, dirty);
    expect([...dirty]).toEqual([...got]);
  });

  it('vjp matches central differences in y and in every parameter of every part, and accumulates', () => {
    for (const [s, theta, y] of [
      [sum(), THETA, Y],
      [sumTerms(lorenz, lorenz, linearTerm(3)), Float64Array.of(10, 28, 8 / 3, 1, 2, 0.5, ...Array.from({ length: 9 }, () => rng.normal())), Float64Array.of(1, -2, 3)],
    ] as const) {
      const v = rng.fillNormal(new Float64Array(s.dim));
      const dot = (dy: Float64Array) => dy.reduce((acc, x, k) => acc + x * v[k], 0);
      const vjp = () => {
        const dyOut = new Float64Array(s.dim);
        const dTheta = new Float64Array(s.nParams);
        s.vjp(0.4, y, theta, v, dyOut, dTheta);
        return { dyOut, dTheta };
      };
      const gy = checkGradient((yy) => dot(fOf(s, yy, theta)), () => vjp().dyOut, Float64Array.from(y));
      const gt = checkGradient((th) => dot(fOf(s, y, th)), () => vjp().dTheta, Float64Array.from(theta));
      expect(gy.maxRelError).toBeLessThan(1e-7);
      expect(gt.maxRelError).toBeLessThan(1e-7);
      // Accumulation: starting from non-zero outputs adds the same products.
      const dyOut = Float64Array.from({ length: s.dim }, (_, k) => k + 1);
      const dTheta = Float64Array.from({ length: s.nParams }, (_, k) => -k);
      s.vjp(0.4, y, theta, v, dyOut, dTheta);
      const fresh = vjp();
      dyOut.forEach((x, k) => expect(x).toBeCloseTo(k + 1 + fresh.dyOut[k], 12));
      dTheta.forEach((x, k) => expect(x).toBeCloseTo(-k + fresh.dTheta[k], 12));
    }
  });

  it('jac is the sum of the parts’ Jacobians (checked by differences), and absent if a part has none', () => {
    const s = sum();
    const J = new Float64Array(4);
    s.jac!(0.4, Y, THETA, J);
    for (let i = 0; i < 2; i++) {
      const row = numericGradient((yy) => fOf(s, yy, THETA)[i], Float64Array.from(Y));
      for (let j = 0; j < 2; j++) expect(J[i * 2 + j]).toBeCloseTo(row[j], 8);
    }
    const noJac: Term = { dim: 2, nParams: 0, f: (_t, y, _th, dy) => dy.set(y), vjp: (_t, _y, _th, v, dyOut) => v.forEach((x, k) => (dyOut[k] += x)) };
    expect(sumTerms(vanDerPol, noJac).jac).toBeUndefined();
    expect(sumTerms(vanDerPol, noJac).f).toBeTypeOf('function');
  });

  it('a sum of two linear terms integrates to expm((A + B) t) y0, and its adjoint gradient matches differences', () => {
    const B = Float64Array.of(0.05, -0.4, 0.6, -0.3);
    const s = sumTerms(linearTerm(2), linearTerm(2));
    const theta = Float64Array.of(...A, ...B);
    const y0 = Float64Array.of(1, 0.5);
    const t1 = 3;
    const sol = solve({ term: s, solver: 'dopri5', t0: 0, t1, y0, theta, rtol: 1e-12, atol: 1e-14 });
    const M = expm(A.map((a, k) => (a + B[k]) * t1), 2);
    const exact = [M[0] * y0[0] + M[1] * y0[1], M[2] * y0[0] + M[3] * y0[1]];
    for (let k = 0; k < 2; k++) expect(Math.abs(sol.y[k] - exact[k])).toBeLessThan(1e-10);
    // Loss = y(t1)·g through the discrete adjoint of rk4 steps, against differences of the same solve.
    const g = Float64Array.of(0.3, -1.2);
    const opts = { term: s, solver: 'rk4', t0: 0, t1, y0, dt: t1 / 60 } as const;
    const loss = (th: Float64Array) => {
      const y = solve({ ...opts, theta: th }).y;
      return y[0] * g[0] + y[1] * g[1];
    };
    const r = checkGradient(loss, (th) => solveWithAdjoint({ ...opts, theta: th }).backward(g).dTheta, Float64Array.from(theta));
    expect(r.maxRelError).toBeLessThan(1e-6);
  });

  it('refuses an empty sum and parts on different state sizes, naming the sizes', () => {
    expect(() => sumTerms()).toThrow(/at least one term/);
    expect(() => sumTerms(vanDerPol, lorenz)).toThrow(/different state sizes \(2 and 3\)/);
    expect(sumTerms(limitCycle).nParams).toBe(limitCycle.nParams);
  });
});
