/**
 * Singly diagonally implicit Runge–Kutta machinery for stiff problems (Hairer & Wanner,
 * Solving ODEs II, IV.6), written once; a method is a stiffly accurate tableau with
 * constant diagonal γ, so y₁ = Y_s and one LU of (I − hγJ) serves every stage.
 *
 * Stage i solves Y_i = S_i + hγ f(t_i, Y_i), S_i = y₀ + h Σ_{j<i} a_ij k_j, by Newton's
 * method with J = ∂f/∂y at (t₀, y₀), refreshed at the current iterate when convergence is
 * slow; k_i is then recovered from the stage relation, k_i = (Y_i − S_i)/(hγ), which
 * (unlike f(Y_i)) does not amplify the iteration error by hJ on stiff components. The
 * error estimate h Σ e_i k_i is filtered by (I − hγJ)⁻¹ (Hairer & Wanner II, IV.8) so it
 * stays bounded on stiff components. Every step is a function of (t₀, h, y₀) only (no
 * history), so the adjoint's recomputation reproduces it bitwise.
 *
 * Adjoint. At the converged stages (implicit function theorem), with J_i = ∂f/∂y(Y_i),
 * (I − hγJ_i) dk_i = J_i (dy₀ + h Σ_{j<i} a_ij dk_j) + f_θ dθ. Backwards over i, with k̄_i
 * starting at h b_i ȳ₁: w = (I − hγJ_i)⁻ᵀ k̄_i; then vjp(Y_i, w) gives J_iᵀ w (added to ȳ₀
 * and, times h a_ij, to k̄_j) and f_θᵀ w (added to θ̄). Only Jacobian-transpose solves are
 * needed: the Newton iteration is not differentiated, so no second derivatives of f are.
 */
import { luFactor, luSolve } from '../../core/linalg.js';
import type { Term } from '../term.js';
import type { DenseCotangent, Solver, Stepper } from './base.js';

export interface SdirkTableau {
  /** The diagonal a_ii = γ. */
  readonly gamma: number;
  readonly c: readonly number[];
  /** Strictly lower part: a[i] has i entries. The last row is b (stiffly accurate). */
  readonly a: readonly (readonly number[])[];
  readonly b: readonly number[];
  /** Error weights e = b − b̂. */
  readonly e: readonly number[];
}

export interface SdirkInfo {
  name: string;
  description: string;
  order: number;
  errorOrder: number;
}

/** Newton: stop when the scaled update is below TIGHT, or stagnates below LOOSE (roundoff). */
const TIGHT = 1e-14;
const LOOSE = 1e-9;
const MAX_ITER = 25;

export function sdirkSolver(info: SdirkInfo, tab: SdirkTableau): Solver {
  return {
    name: info.name,
    description: info.description,
    order: info.order,
    adaptive: true,
    errorOrder: info.errorOrder,
    requires: 'jacobian',
    init: (term, theta) => new SdirkStepper(tab, term, theta),
  };
}

class SdirkStepper implements Stepper {
  fevals = 0;
  readonly dense = false;
  private readonly s: number;
  private readonly dim: number;
  private readonly gamma: number;
  private readonly c: Float64Array;
  private readonly a: Float64Array[];
  private readonly b: Float64Array;
  private readonly e: Float64Array;
  private readonly k: Float64Array[];
  private readonly Y: Float64Array[];
  private readonly kbar: Float64Array[];
  private readonly S: Float64Array;
  private readonly fY: Float64Array;
  private readonly delta: Float64Array;
  private readonly Ybar: Float64Array;
  private readonly J: Float64Array;
  private readonly LU: Float64Array;
  private readonly piv: Int32Array;

  constructor(
    tab: SdirkTableau,
    private readonly term: Term,
    private readonly theta: Float64Array,
  ) {
    const s = (this.s = tab.c.length);
    const dim = (this.dim = term.dim);
    this.gamma = tab.gamma;
    this.c = Float64Array.from(tab.c);
    this.a = tab.a.map((r) => Float64Array.from(r));
    this.b = Float64Array.from(tab.b);
    this.e = Float64Array.from(tab.e);
    const vecs = () => Array.from({ length: s }, () => new Float64Array(dim));
    this.k = vecs();
    this.Y = vecs();
    this.kbar = vecs();
    this.S = new Float64Array(dim);
    this.fY = new Float64Array(dim);
    this.delta = new Float64Array(dim);
    this.Ybar = new Float64Array(dim);
    this.J = new Float64Array(dim * dim);
    this.LU = new Float64Array(dim * dim);
    this.piv = new Int32Array(dim);
  }

  /** LU of (I − hγJ(t, y)) — or of its transpose — into this.LU. */
  private factor(t: number, y: Float64Array, hg: number, transpose: boolean): boolean {
    const { dim, J, LU } = this;
    this.term.jac!(t, y, this.theta, J);
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++) {
        const v = -hg * (transpose ? J[j * dim + i] : J[i * dim + j]);
        LU[i * dim + j] = i === j ? 1 + v : v;
      }
    }
    return luFactor(LU, dim, this.piv);
  }

  /** Stages from (t0, y0); false if a Newton iteration failed. */
  private stages(t0: number, h: number, y0: Float64Array): boolean {
    const { s, dim, k, Y, a, c, S, fY, delta, term, theta } = this;
    const hg = h * this.gamma;
    if (!this.factor(t0, y0, hg, false)) return false;
    for (let i = 0; i < s; i++) {
      const ai = a[i];
      for (let d = 0; d < dim; d++) {
        let acc = 0;
        for (let j = 0; j < i; j++) acc += ai[j] * k[j][d];
        S[d] = y0[d] + h * acc;
      }
      // Predictor: the explicit part plus hγ times the previous stage derivative.
      const Yi = Y[i];
      if (i === 0) {
        term.f(t0, y0, theta, fY);
        this.fevals++;
        for (let d = 0; d < dim; d++) Yi[d] = S[d] + hg * fY[d];
      } else for (let d = 0; d < dim; d++) Yi[d] = S[d] + hg * k[i - 1][d];
      const ti = t0 + c[i] * h;
      let prev = Infinity;
      let converged = false;
      for (let it = 0; it < MAX_ITER; it++) {
        term.f(ti, Yi, theta, fY);
        this.fevals++;
        for (let d = 0; d < dim; d++) delta[d] = S[d] + hg * fY[d] - Yi[d];
        luSolve(this.LU, dim, this.piv, delta);
        let nrm = 0;
        for (let d = 0; d < dim; d++) {
          if (!Number.isFinite(delta[d])) return false;
          Yi[d] += delta[d];
          nrm = Math.max(nrm, Math.abs(delta[d]) / (Math.abs(Yi[d]) + 1e-8));
        }
        if (nrm <= TIGHT || (nrm <= LOOSE && nrm > 0.5 * prev)) {
          converged = true;
          break;
        }
        // Slow contraction: refresh the Jacobian at the current iterate.
        if (it >= 1 && nrm > 0.25 * prev && !this.factor(ti, Yi, hg, false)) return false;
        prev = nrm;
      }
      if (!converged) return false;
      const inv = 1 / hg;
      for (let d = 0; d < dim; d++) k[i][d] = (Yi[d] - S[d]) * inv;
    }
    return true;
  }

  step(t0: number, h: number, y0: Float64Array, y1: Float64Array, err: Float64Array | null): boolean {
    const { s, dim, k, e } = this;
    if (!this.stages(t0, h, y0)) return false;
    y1.set(this.Y[s - 1]);
    if (err) {
      for (let d = 0; d < dim; d++) {
        let acc = 0;
        for (let i = 0; i < s; i++) acc += e[i] * k[i][d];
        err[d] = h * acc;
      }
      luSolve(this.LU, dim, this.piv, err);
    }
    return true;
  }

  accept(): void {}
  reset(): void {}
  interpolate(): void {
    throw new Error('SDIRK steppers have no dense output (the loop steps onto save times)');
  }

  stepVjp(t0: number, h: number, y0: Float64Array, gy1: Float64Array, gy0: Float64Array, gTheta: Float64Array, _dense: DenseCotangent | null): void {
    const { s, dim, kbar, Ybar, Y, a, b, c, term, theta, delta } = this;
    this.stages(t0, h, y0);
    const hg = h * this.gamma;
    for (let i = 0; i < s; i++) {
      const hb = h * b[i];
      for (let d = 0; d < dim; d++) kbar[i][d] = hb * gy1[d];
    }
    gy0.set(gy1);
    for (let i = s - 1; i >= 0; i--) {
      const ti = t0 + c[i] * h;
      this.factor(ti, Y[i], hg, true);
      delta.set(kbar[i]);
      luSolve(this.LU, dim, this.piv, delta);
      Ybar.fill(0);
      term.vjp(ti, Y[i], theta, delta, Ybar, gTheta);
      for (let d = 0; d < dim; d++) gy0[d] += Ybar[d];
      const ai = a[i];
      for (let j = 0; j < i; j++) {
        const ha = h * ai[j];
        for (let d = 0; d < dim; d++) kbar[j][d] += ha * Ybar[d];
      }
    }
  }
}
