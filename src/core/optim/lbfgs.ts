/**
 * Limited-memory BFGS (Nocedal & Wright 2006, Alg. 7.5): the search direction comes from
 * the two-loop recursion (Alg. 7.4) over the last `memory` pairs (s, y), with the initial
 * inverse Hessian γI, γ = sᵀy / yᵀy (eq. 7.20), and each step from a strong Wolfe line
 * search (Alg. 3.5/3.6, see linesearch.ts). Every buffer is allocated once, before the loop.
 *
 * A non-finite objective or gradient never reaches the result: the line search backtracks
 * from it, and if no finite better point can be found the last good x is returned with
 * reason 'line-search' (a caller may turn that into a `DivergenceError`).
 */
import { ConfigError } from '../errors.js';
import { normInf } from '../linalg.js';
import type { ObjectiveWithGradient } from './base.js';
import { StrongWolfeLineSearch } from './linesearch.js';

/** Options of {@link lbfgs}. */
export interface LbfgsOptions {
  /** Largest number of iterations (accepted steps). Default 100. */
  maxIterations?: number;
  /** Number of (s, y) correction pairs kept. Default 10. */
  memory?: number;
  /** Converged when ‖∇f‖∞ ≤ gradTol (absolute). Default 1e-8. */
  gradTol?: number;
  /** Converged when (f_prev − f) ≤ fTol·max(|f_prev|, |f|, 1) after a step. Default 1e-12; 0 disables. */
  fTol?: number;
  /** Sufficient-decrease constant of the strong Wolfe conditions. Default 1e-4. */
  c1?: number;
  /** Curvature constant of the strong Wolfe conditions. Default 0.9. */
  c2?: number;
  /** Largest total number of objective evaluations. Default 20 × maxIterations. */
  maxEvaluations?: number;
  /**
   * Called after each accepted step with the number of completed iterations (1-based), f and
   * the current x (a live buffer: copy it to keep it). Return true to stop ('stopped').
   */
  onIteration?: (it: number, f: number, x: Float64Array) => boolean | void;
  /** Checked before each iteration; when it fires, the best x so far is returned with reason 'stopped'. */
  signal?: AbortSignal;
}

/** Why {@link lbfgs} stopped. 'gradient' and 'ftol' count as converged. */
export type LbfgsReason = 'gradient' | 'ftol' | 'max-iterations' | 'max-evaluations' | 'line-search' | 'stopped';

export interface LbfgsResult {
  /** Best point found (a fresh array; finite whenever `x0` gave a finite f). */
  x: Float64Array;
  /** f(x). */
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: LbfgsReason;
}

/**
 * Minimises f from `x0` (which is not modified).
 * @param fg computes f(x) and writes ∇f(x) into g.
 * @example const r = lbfgs((x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) ** 2; }, Float64Array.of(0));
 */
export function lbfgs(fg: ObjectiveWithGradient, x0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const maxIterations = opts.maxIterations ?? 100;
  const mem = opts.memory ?? 10;
  const gradTol = opts.gradTol ?? 1e-8;
  const fTol = opts.fTol ?? 1e-12;
  const maxEvaluations = opts.maxEvaluations ?? 20 * maxIterations;
  if (!(mem >= 1)) throw new ConfigError(`must be ≥ 1; got ${mem}`, 'memory');
  const search = new StrongWolfeLineSearch(n, { c1: opts.c1, c2: opts.c2 });

  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const d = new Float64Array(n);
  const S = Array.from({ length: mem }, () => new Float64Array(n));
  const Y = Array.from({ length: mem }, () => new Float64Array(n));
  const rho = new Float64Array(mem);
  const alpha = new Float64Array(mem);
  let stored = 0; // pairs in memory
  let newest = -1; // slot of the newest pair

  let f = fg(x, g);
  let evaluations = 1;
  let iterations = 0;
  const result = (reason: LbfgsReason): LbfgsResult => ({
    x: Float64Array.from(x),
    f,
    iterations,
    evaluations,
    converged: reason === 'gradient' || reason === 'ftol',
    reason,
  });
  if (!Number.isFinite(f) || !allFinite(g)) return result('line-search');
  if (normInf(g) <= gradTol) return result('gradient');

  while (iterations < maxIterations) {
    if (opts.signal?.aborted) return result('stopped');
    if (evaluations >= maxEvaluations) return result('max-evaluations');

    twoLoop(g, S, Y, rho, alpha, stored, newest, d);
    let slope = 0;
    for (let i = 0; i < n; i++) slope += g[i] * d[i];
    if (!(slope < 0)) {
      // Rounding made the quasi-Newton direction useless: restart from steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
    }
    // The first step of a (re)start has no curvature information: take a unit-length step.
    const alpha0 = stored === 0 ? Math.min(1, 1 / norm2(g)) : 1;
    let ls = search.search(fg, x, f, g, d, alpha0, maxEvaluations - evaluations);
    evaluations += ls.evaluations;
    if (ls.status === 'failed' && stored > 0 && evaluations < maxEvaluations) {
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      ls = search.search(fg, x, f, g, d, Math.min(1, 1 / norm2(g)), maxEvaluations - evaluations);
      evaluations += ls.evaluations;
    }
    if (ls.status === 'failed') return result(evaluations >= maxEvaluations ? 'max-evaluations' : 'line-search');

    // New pair s = x⁺ − x, y = g⁺ − g, kept only with enough positive curvature
    // (always true after a Wolfe step, not guaranteed after an Armijo-only one).
    const slot = (newest + 1) % mem;
    const s = S[slot];
    const y = Y[slot];
    let sy = 0;
    let ss = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const si = (s[i] = search.x[i] - x[i]);
      const yi = (y[i] = search.g[i] - g[i]);
      sy += si * yi;
      ss += si * si;
      yy += yi * yi;
    }
    if (sy > 1e-10 * Math.sqrt(ss * yy)) {
      rho[slot] = 1 / sy;
      newest = slot;
      stored = Math.min(stored + 1, mem);
    } else if (stored === mem) {
      stored--; // the rejected pair overwrote the oldest one
    }
    const fPrev = f;
    x.set(search.x);
    g.set(search.g);
    f = ls.f;
    iterations++;

    if (opts.onIteration?.(iterations, f, x) === true) return result('stopped');
    if (normInf(g) <= gradTol) return result('gradient');
    if (fPrev - f <= fTol * Math.max(Math.abs(fPrev), Math.abs(f), 1)) return result('ftol');
  }
  return result('max-iterations');
}

/**
 * d = −H g by the two-loop recursion (N&W Alg. 7.4) over the `stored` newest pairs, the
 * newest in slot `newest` of the circular buffers S, Y.
 */
function twoLoop(
  g: Float64Array,
  S: Float64Array[],
  Y: Float64Array[],
  rho: Float64Array,
  alpha: Float64Array,
  stored: number,
  newest: number,
  d: Float64Array,
): void {
  const n = g.length;
  const mem = S.length;
  for (let i = 0; i < n; i++) d[i] = -g[i];
  if (stored === 0) return;
  for (let k = 0; k < stored; k++) {
    const j = (newest - k + mem) % mem;
    const s = S[j];
    const y = Y[j];
    let a = 0;
    for (let i = 0; i < n; i++) a += s[i] * d[i];
    a *= rho[j];
    alpha[j] = a;
    for (let i = 0; i < n; i++) d[i] -= a * y[i];
  }
  // H₀ = γ I with γ = sᵀy / yᵀy of the newest pair (N&W eq. 7.20).
  const yN = Y[newest];
  let yy = 0;
  for (let i = 0; i < n; i++) yy += yN[i] * yN[i];
  const gamma = 1 / (rho[newest] * yy);
  for (let i = 0; i < n; i++) d[i] *= gamma;
  for (let k = stored - 1; k >= 0; k--) {
    const j = (newest - k + mem) % mem;
    const s = S[j];
    const y = Y[j];
    let b = 0;
    for (let i = 0; i < n; i++) b += y[i] * d[i];
    b *= rho[j];
    const c = alpha[j] - b;
    for (let i = 0; i < n; i++) d[i] += c * s[i];
  }
}

function norm2(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}
