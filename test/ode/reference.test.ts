import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { solve } from '../../src/ode/solve.js';
import type { Term } from '../../src/ode/term.js';
import { lorenz, vanDerPol } from './problems.js';

/** The part of the `odex` package (CommonJS, untyped) these tests use. */
interface OdexSolver {
  relativeTolerance: number;
  absoluteTolerance: number;
  maxSteps: number;
  solve(f: (x: number, y: number[]) => number[], x: number, y0: number[], xEnd: number): { y: number[]; outcome: number };
}
const { Solver: Odex } = createRequire(import.meta.url)('odex') as { Solver: new (n: number) => OdexSolver };

/** ODEX (Gragg–Bulirsch–Stoer extrapolation, Hairer & Wanner) at tight tolerance, from t0 to t. */
function odexAt(term: Term, theta: Float64Array, y0: Float64Array, t: number, tol: number): Float64Array {
  const s = new Odex(term.dim);
  s.relativeTolerance = tol;
  s.absoluteTolerance = tol;
  s.maxSteps = 1e6;
  const y = new Float64Array(term.dim);
  const dy = new Float64Array(term.dim);
  const res = s.solve((x, yy) => {
    y.set(yy);
    term.f(x, y, theta, dy);
    return Array.from(dy);
  }, 0, Array.from(y0), t);
  expect(res.outcome).toBe(0);
  return Float64Array.from(res.y);
}

const cases = [
  { name: 'Van der Pol (μ = 1)', term: vanDerPol, theta: Float64Array.of(1), y0: Float64Array.of(2, 0), times: [1, 5, 10, 15, 20], rtol: 1e-11, tol: 1e-9 },
  // Chaotic: errors grow like e^(0.9 t), so compare at t ≤ 20 with tight tolerances on both sides.
  { name: 'Lorenz-63 (σ=10, ρ=28, β=8/3)', term: lorenz, theta: Float64Array.of(10, 28, 8 / 3), y0: Float64Array.of(1, 1, 1), times: [1, 5, 10, 15, 20], rtol: 1e-12, tol: 1e-6 },
];

describe('adaptive solvers against ODEX (independent extrapolation solver)', () => {
  for (const solver of ['dopri5', 'tsit5', 'dop853']) {
    for (const c of cases) {
      it(`${solver} matches odex on ${c.name} (dense output at save times)`, () => {
        const sol = solve({ term: c.term, solver, t0: 0, t1: 20, y0: c.y0, theta: c.theta, saveAt: Float64Array.from(c.times), rtol: c.rtol, atol: c.rtol * 1e-2 });
        let worst = 0;
        c.times.forEach((t, i) => {
          const ref = odexAt(c.term, c.theta, c.y0, t, 1e-14);
          for (let d = 0; d < c.term.dim; d++) {
            const diff = Math.abs(sol.y[i * c.term.dim + d] - ref[d]) / Math.max(1, Math.abs(ref[d]));
            worst = Math.max(worst, diff);
          }
        });
        console.log(`${solver} vs odex, ${c.name}: max scaled difference ${worst.toExponential(2)} over t ≤ 20 (${sol.stats.accepted} steps, ${sol.stats.rejected} rejected)`);
        expect(worst).toBeLessThan(c.tol);
      }, 20_000);
    }
  }
});
