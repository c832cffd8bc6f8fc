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
import type { StepSizeController } from './controller.js';
import { prepareSolve, runLoop } from './loop.js';
import type { Solver } from './solvers/base.js';
import type { Term } from './term.js';

export interface SolveOptions {
  /** The vector field y' = f(t, y, θ). */
  term: Term;
  /** A solver object or a registry name ('euler', 'rk4', 'dopri5', 'tsit5', 'leapfrog', 'yoshida4', 'sdirk4', 'exact-linear'). */
  solver: Solver | string;
  /** Start time. */
  t0: number;
  /** End time (t1 ≥ t0). */
  t1: number;
  /** Initial state, length term.dim (not modified). */
  y0: Float64Array;
  /** Parameters θ, length term.nParams. Default: empty. */
  theta?: Float64Array;
  /** Times to save at (must lie in [t0,t1], increasing); default [t1]. Adaptive solvers hit them by dense output (do not shorten steps), fixed-step solvers require dt to divide evenly or step exactly to them. */
  saveAt?: Float64Array;
  /** Fixed step for non-adaptive solvers (required for them unless `steps` is given); initial step for adaptive ones (default: automatic, Hairer's initial-step heuristic). Unit of t. */
  dt?: number;
  /** Relative tolerance of adaptive solvers. Default 1e-6. */
  rtol?: number;
  /** Absolute tolerance of adaptive solvers. Default 1e-9. */
  atol?: number;
  /**
   * Step-size controller of adaptive solvers. Default: a fresh `PIController()`
   * (Hairer/Gustafsson). Pass `new ConstantStepSize()` to run an adaptive solver with fixed `dt`.
   */
  controller?: StepSizeController;
  /** Largest number of trial steps (accepted + rejected). Default 1e6; exceeding it throws SolverError('max-steps'). */
  maxSteps?: number;
  /** Force this exact sequence of step END times (increasing, last = t1); freezes adaptive steps, for gradient checks. */
  steps?: Float64Array;
  /** Aborts the solve (AbortError) when fired; checked every step. */
  signal?: AbortSignal;
}

export interface Solution {
  /** The save times (a copy of saveAt). */
  t: Float64Array;
  /** Saved states, row-major t.length × dim. */
  y: Float64Array;
  dim: number;
  /** steps = accepted + rejected trial steps; fevals counts vector-field evaluations. */
  stats: { steps: number; accepted: number; rejected: number; fevals: number };
  /** End times of the accepted steps. */
  stepTimes: Float64Array;
}

/** Integrates `term` from t0 to t1 and returns the states at `saveAt`. */
export function solve(opts: SolveOptions): Solution {
  return runLoop(prepareSolve(opts), null);
}

export { solveWithAdjoint } from './adjoint.js';
export type { AdjointSolution, SolveWithAdjointOptions } from './adjoint.js';
