/**
 * The solver contract (docs/architecture.md, after diffrax): a solver is a small, stateless object
 * that declares its `order`, whether it carries an error estimate, and the term kind it
 * needs; `init` binds it to one term and parameter vector and returns a {@link Stepper}
 * that owns every workspace, so the stepping loop in `loop.ts` never allocates.
 *
 * A stepper advances one step, interpolates inside the step just taken (when it has a
 * dense output), and differentiates a step: `stepVjp` is the discrete adjoint of exactly
 * the step `step` computes, so gradients are those of the numbers the solver produced.
 */
import { ConfigError } from '../../core/errors.js';
import type { Term } from '../term.js';

/** What a solver needs of its term. `jacobian`: any term that provides `jac`. */
export type TermRequirement = 'any' | 'split' | 'linear' | 'jacobian';

/**
 * Cotangents of states saved by dense output inside one step: save `i` (for `from ≤ i < to`)
 * sits at fraction `fractions[i]` ∈ (0, 1) of the step and has cotangent
 * `g[i·dim … (i+1)·dim)`. One object is reused by the backward pass (no allocation).
 */
export interface DenseCotangent {
  fractions: Float64Array;
  g: Float64Array;
  from: number;
  to: number;
}

export interface Stepper {
  /** Vector-field evaluations so far (for `Solution.stats.fevals`). */
  fevals: number;
  /** True when `interpolate` is available: the loop then hits save times by dense output. */
  readonly dense: boolean;
  /**
   * One step of size `h` from (t0, y0) into `y1` (y1 never aliases y0). When `err` is given
   * and the solver is adaptive, writes the local error estimate into it.
   * @returns false when the step could not be computed (an implicit stage iteration did not
   * converge); the loop then shrinks the step.
   */
  step(t0: number, h: number, y0: Float64Array, y1: Float64Array, err: Float64Array | null): boolean;
  /** The step just taken was accepted (first-same-as-last bookkeeping). */
  accept(): void;
  /** Forget cached stage values (the next step starts from an unrelated state). */
  reset(): void;
  /** State at fraction `s` ∈ [0, 1] of the step just taken from `y0`, into `out`. Only if `dense`. */
  interpolate(y0: Float64Array, s: number, out: Float64Array): void;
  /**
   * Discrete adjoint of one step: given `gy1` = ∂L/∂y1 (and, for dense saves inside the
   * step, their cotangents), OVERWRITES `gy0` with ∂L/∂y0 through this step and ACCUMULATES
   * ∂L/∂θ into `gTheta`. The step size is a constant. Recomputes what it needs from y0.
   */
  stepVjp(
    t0: number,
    h: number,
    y0: Float64Array,
    gy1: Float64Array,
    gy0: Float64Array,
    gTheta: Float64Array,
    dense: DenseCotangent | null,
  ): void;
  /** Called once before a backward pass (clears accumulators). */
  beginVjp?(): void;
  /** Called once after a backward pass: flushes accumulated parameter cotangents into `gTheta`. */
  endVjp?(gTheta: Float64Array): void;
}

export interface Solver {
  /** Registry name, e.g. `'dopri5'`. */
  readonly name: string;
  /** One line for help texts: method, citation. */
  readonly description: string;
  /** Global order of convergence; `Infinity` when the step is exact for its term kind. */
  readonly order: number;
  /** True when the solver has an embedded error estimate, so a controller may adapt h. */
  readonly adaptive: boolean;
  /** Order of the error estimate's lower-order method (the controller exponent is 1/(errorOrder+1)). */
  readonly errorOrder: number;
  /** The term kind this solver needs. */
  readonly requires: TermRequirement;
  init(term: Term, theta: Float64Array): Stepper;
}

function describeTerm(term: Term): string {
  const kind = term.kind ?? 'general';
  return `a term of kind ${kind}${term.jac ? ' with a Jacobian' : ' without a Jacobian'} (dim ${term.dim})`;
}

const NEEDS: Record<TermRequirement, string> = {
  any: 'any term',
  split: 'a split second-order term (kind "split": q\' = a(p), p\' = b(q))',
  linear: 'a linear term (kind "linear": y\' = A(θ) y)',
  jacobian: 'a term with a Jacobian (term.jac)',
};

/** Rejects a solver/term combination that cannot work, naming both (STYLE.md §5). */
export function checkTermFits(solver: Solver, term: Term): void {
  const ok =
    solver.requires === 'any' ||
    (solver.requires === 'split' && term.kind === 'split') ||
    (solver.requires === 'linear' && term.kind === 'linear') ||
    (solver.requires === 'jacobian' && typeof term.jac === 'function');
  if (!ok) throw new ConfigError(`${solver.name} needs ${NEEDS[solver.requires]}; got ${describeTerm(term)}`, 'solver');
}
