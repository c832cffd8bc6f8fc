/**
 * Line search for the strong Wolfe conditions (Nocedal & Wright 2006, Alg. 3.5 with the
 * `zoom` of Alg. 3.6, trial steps from the cubic interpolant of eq. 3.59). Along a
 * direction d from x, with φ(α) = f(x + αd), it finds α with
 *   φ(α) ≤ φ(0) + c₁ α φ′(0)            (sufficient decrease)
 *   |φ′(α)| ≤ c₂ |φ′(0)|                (strong curvature).
 * Non-finite values are treated as "too far": the bracket shrinks towards the last finite
 * point, so an overflow in the objective never leaks into the accepted step.
 */
import { ConfigError } from '../errors.js';
import type { ObjectiveWithGradient } from './base.js';

/** Options of {@link StrongWolfeLineSearch}. */
export interface LineSearchOptions {
  /** Sufficient-decrease constant c₁ ∈ (0, c₂). Default 1e-4. */
  c1?: number;
  /** Curvature constant c₂ ∈ (c₁, 1); 0.9 suits quasi-Newton directions. Default 0.9. */
  c2?: number;
  /** Largest step tried, in units of the direction. Default 1e10. */
  alphaMax?: number;
  /** Objective evaluations allowed per search. Default 30. */
  maxEvaluations?: number;
}

/**
 * How a search ended. `wolfe`: both strong Wolfe conditions hold at the accepted point.
 * `armijo`: the budget ran out, and the accepted point is the best one found that satisfies
 * sufficient decrease only (a usable step; a quasi-Newton method may skip its update).
 * `failed`: no point with sufficient decrease was found; `x`, `g` are not meaningful.
 */
export type LineSearchStatus = 'wolfe' | 'armijo' | 'failed';

/** Outcome of one search; the accepted point and gradient are in the search's `x` and `g`. */
export interface LineSearchResult {
  status: LineSearchStatus;
  /** Accepted step length (NaN when failed). */
  alpha: number;
  /** φ(alpha) = f(x + alpha·d). */
  f: number;
  /** φ′(alpha) = ∇f(x + alpha·d)·d. */
  slope: number;
  /** Objective evaluations this search used. */
  evaluations: number;
}

/** A reusable strong Wolfe line search for vectors of length n (buffers allocated once). */
export class StrongWolfeLineSearch {
  /** The accepted point x + αd after a successful `search`. */
  readonly x: Float64Array;
  /** ∇f at the accepted point. */
  readonly g: Float64Array;
  private readonly xBest: Float64Array;
  private readonly gBest: Float64Array;
  private readonly c1: number;
  private readonly c2: number;
  private readonly alphaMax: number;
  private readonly maxEvaluations: number;

  constructor(n: number, opts: LineSearchOptions = {}) {
    this.c1 = opts.c1 ?? 1e-4;
    this.c2 = opts.c2 ?? 0.9;
    this.alphaMax = opts.alphaMax ?? 1e10;
    this.maxEvaluations = opts.maxEvaluations ?? 30;
    if (!(this.c1 > 0 && this.c1 < this.c2 && this.c2 < 1)) {
      throw new ConfigError(`the strong Wolfe line search needs 0 < c1 < c2 < 1; got c1 = ${this.c1}, c2 = ${this.c2}`, 'c1, c2');
    }
    this.x = new Float64Array(n);
    this.g = new Float64Array(n);
    this.xBest = new Float64Array(n);
    this.gBest = new Float64Array(n);
  }

  /**
   * Searches along `d` from `x0` (where f = `f0`, ∇f = `g0`), first trying `alpha0`.
   * `d` must be a descent direction (g0·d < 0), else the search fails at once.
   * @param maxEvaluations optional tighter budget for this call (e.g. what remains overall).
   */
  search(
    fg: ObjectiveWithGradient,
    x0: Float64Array,
    f0: number,
    g0: Float64Array,
    d: Float64Array,
    alpha0: number,
    maxEvaluations = this.maxEvaluations,
  ): LineSearchResult {
    const { c1, c2, x, g } = this;
    const budget = Math.min(maxEvaluations, this.maxEvaluations);
    const n = x0.length;
    let slope0 = 0;
    for (let i = 0; i < n; i++) slope0 += g0[i] * d[i];
    let evaluations = 0;
    let bestF = Infinity;
    let bestAlpha = NaN;
    let bestSlope = NaN;

    /** φ and φ′ at α; x and g then hold the point. Non-finite φ′ makes φ NaN too. */
    const phi = (alpha: number): [number, number] => {
      for (let i = 0; i < n; i++) x[i] = x0[i] + alpha * d[i];
      const f = fg(x, g);
      evaluations++;
      let s = 0;
      for (let i = 0; i < n; i++) s += g[i] * d[i];
      if (!Number.isFinite(f) || !Number.isFinite(s)) return [NaN, NaN];
      if (f <= f0 + c1 * alpha * slope0 && f < bestF) {
        bestF = f;
        bestAlpha = alpha;
        bestSlope = s;
        this.xBest.set(x);
        this.gBest.set(g);
      }
      return [f, s];
    };
    const done = (status: LineSearchStatus, alpha: number, f: number, slope: number): LineSearchResult => ({
      status,
      alpha,
      f,
      slope,
      evaluations,
    });
    const fallback = (): LineSearchResult => {
      if (Number.isNaN(bestAlpha)) return done('failed', NaN, NaN, NaN);
      x.set(this.xBest);
      g.set(this.gBest);
      return done('armijo', bestAlpha, bestF, bestSlope);
    };
    const sufficient = (alpha: number, f: number) => f <= f0 + c1 * alpha * slope0; // false for NaN
    const curvature = (s: number) => Math.abs(s) <= -c2 * slope0;

    if (!(slope0 < 0) || !Number.isFinite(f0)) return done('failed', NaN, NaN, NaN);

    /** Alg. 3.6: shrink the bracket [lo, hi] (lo satisfies sufficient decrease, lowest f). */
    const zoom = (aLo: number, fLo: number, sLo: number, aHi: number, fHi: number, sHi: number): LineSearchResult => {
      while (evaluations < budget) {
        const width = Math.abs(aHi - aLo);
        if (width <= 1e-16 * Math.max(1, Math.abs(aLo), Math.abs(aHi))) break;
        const a = trialStep(aLo, fLo, sLo, aHi, fHi, sHi);
        const [f, s] = phi(a);
        if (!sufficient(a, f) || f >= fLo) {
          aHi = a;
          fHi = f;
          sHi = s;
        } else {
          if (curvature(s)) return done('wolfe', a, f, s);
          if (s * (aHi - aLo) >= 0) {
            aHi = aLo;
            fHi = fLo;
            sHi = sLo;
          }
          aLo = a;
          fLo = f;
          sLo = s;
        }
      }
      return fallback();
    };

    // Alg. 3.5: expand α until the minimiser along d is bracketed or a Wolfe point is hit.
    let aPrev = 0;
    let fPrev = f0;
    let sPrev = slope0;
    let a = Math.min(alpha0, this.alphaMax);
    for (let i = 1; evaluations < budget; i++) {
      const [f, s] = phi(a);
      if (!sufficient(a, f) || (i > 1 && f >= fPrev)) return zoom(aPrev, fPrev, sPrev, a, f, s);
      if (curvature(s)) return done('wolfe', a, f, s);
      if (s >= 0) return zoom(a, f, s, aPrev, fPrev, sPrev);
      if (a >= this.alphaMax) break;
      aPrev = a;
      fPrev = f;
      sPrev = s;
      a = Math.min(2 * a, this.alphaMax);
    }
    return fallback();
  }
}

/**
 * Minimiser of the cubic that interpolates φ and φ′ at both ends (N&W eq. 3.59),
 * safeguarded to the middle 80 % of the bracket; bisection if the cubic has no minimiser
 * there or an end value is not finite.
 */
export function trialStep(a0: number, f0: number, s0: number, a1: number, f1: number, s1: number): number {
  const lo = Math.min(a0, a1);
  const hi = Math.max(a0, a1);
  const w = hi - lo;
  const mid = 0.5 * (a0 + a1);
  if (!Number.isFinite(f0 + f1 + s0 + s1)) return mid;
  const d1 = s0 + s1 - (3 * (f0 - f1)) / (a0 - a1);
  const disc = d1 * d1 - s0 * s1;
  if (!(disc >= 0)) return mid;
  const d2 = Math.sign(a1 - a0) * Math.sqrt(disc);
  const a = a1 - (a1 - a0) * ((s1 + d2 - d1) / (s1 - s0 + 2 * d2));
  if (!Number.isFinite(a)) return mid;
  return Math.min(Math.max(a, lo + 0.1 * w), hi - 0.1 * w);
}
