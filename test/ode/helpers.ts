/** Picks a test problem with a closed form that fits each solver's term requirement. */
import { expm } from '../../src/core/expm.js';
import type { Solver } from '../../src/ode/solvers/base.js';
import type { Term } from '../../src/ode/term.js';
import { harmonicExact, harmonicSplit, linearTerm, rotor, rotorExact } from './problems.js';

export interface TestProblem {
  name: string;
  term: Term;
  theta: Float64Array;
  y0: Float64Array;
  t1: number;
  exact(t: number): Float64Array;
}

/** A stable, non-normal 3×3 matrix with complex eigenvalues. */
export const A3 = Float64Array.from([-0.3, 1.2, 0.1, -1.1, -0.2, 0.4, 0.05, -0.3, -0.5]);

export function problemFor(solver: Solver): TestProblem {
  switch (solver.requires) {
    case 'split': {
      const theta = Float64Array.of(1.3, 2.1, 0.8);
      const y0 = Float64Array.of(0.7, -0.4, 0.3, 0.9);
      return { name: 'two harmonic oscillators', term: harmonicSplit(2), theta, y0, t1: 2, exact: (t) => harmonicExact(2, theta, y0, t) };
    }
    case 'linear': {
      const theta = Float64Array.from(A3);
      const y0 = Float64Array.of(1, -0.5, 0.25);
      const exact = (t: number) => {
        const M = expm(theta.map((a) => a * t), 3);
        return Float64Array.from([0, 1, 2], (i) => M[3 * i] * y0[0] + M[3 * i + 1] * y0[1] + M[3 * i + 2] * y0[2]);
      };
      return { name: "y' = Ay", term: linearTerm(3), theta, y0, t1: 2, exact };
    }
    default: {
      const theta = Float64Array.of(1, 2, 2);
      const y0 = Float64Array.of(0.6, 0.3, 1);
      return { name: 'amplitude-dependent rotation with forcing', term: rotor, theta, y0, t1: 3, exact: (t) => rotorExact(theta, y0, t) };
    }
  }
}

export function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Least-squares slope of log(err) against log(h). */
export function slope(hs: number[], errs: number[]): number {
  const x = hs.map(Math.log);
  const y = errs.map(Math.log);
  const mx = x.reduce((a, b) => a + b) / x.length;
  const my = y.reduce((a, b) => a + b) / y.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i] - mx) * (y[i] - my);
    den += (x[i] - mx) ** 2;
  }
  return num / den;
}

export function errNorm(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}
