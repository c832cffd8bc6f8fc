/**
 * `solve` — the one entry point for integrating a term (docs/architecture.md, after diffrax's
 * `diffeqsolve`): the maths first (term, solver, t0, t1, y0, θ), then the strategies
 * (what to save, the step-size controller). The stepping loop lives in `loop.ts`; the
 * discrete adjoint in `adjoint.ts` runs that same loop with a recorder.
 *
 * @example
 *   const sol = solve({ term, solver: 'dopri5', t0: 0, t1: 10, y0, theta, saveAt: linspace(0, 10, 101) });
 *   sol.y[i * sol.dim + k]   // component k at sol.t[i]
 */
import { prepareSolve, runLoop } from './loop.js';
import type { Solution, SolveOptions } from './types.js';

export type { Solution, SolveOptions } from './types.js';

/** Integrates `term` from t0 to t1 and returns the states at `saveAt`. */
export function solve(opts: SolveOptions): Solution {
  return runLoop(prepareSolve(opts), null);
}

export { solveWithAdjoint } from './adjoint.js';
export type { AdjointSolution, SolveWithAdjointOptions } from './adjoint.js';
