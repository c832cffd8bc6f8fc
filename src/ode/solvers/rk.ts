/**
 * Explicit Runge–Kutta machinery, written once (STYLE.md, after diffrax): a method is a
 * Butcher tableau; this file turns a tableau into a solver with an error estimate, a dense
 * output and the discrete adjoint of its step.
 *
 * Step (Hairer, Nørsett & Wanner I, II.1):
 *   Yᵢ = y₀ + h Σ_{j<i} a_ij k_j,  k_i = f(t₀ + c_i h, Y_i),  y₁ = y₀ + h Σ b_i k_i.
 * Adjoint of the step, with k̄_i the cotangent of k_i (initially h b_i ȳ₁), for i = s … 1:
 *   Ȳ_i = (∂f/∂y)(Y_i)ᵀ k̄_i,  θ̄ += (∂f/∂θ)(Y_i)ᵀ k̄_i,  ȳ₀ += Ȳ_i,  k̄_j += h a_ij Ȳ_i (j < i),
 * and ȳ₀ += ȳ₁ — backpropagation through exactly the arithmetic of the forward step.
 */
import type { Term } from '../term.js';
import type { DenseCotangent, Solver, Stepper } from './base.js';

export interface ButcherTableau {
  /** Nodes c_i (c₁ = 0). */
  readonly c: readonly number[];
  /** Strictly lower-triangular rows: a[i] has i entries. */
  readonly a: readonly (readonly number[])[];
  /** Weights of the propagated solution. */
  readonly b: readonly number[];
  /** Error weights e = b − b̂ of the embedded method (adaptive methods only). */
  readonly e?: readonly number[];
  /**
   * A second, lower-order error estimate (DOP853's third-order one). With it the error is
   * Hairer's combination, per component: err = ε₅·|ε₅|/√(ε₅² + 0.01·ε₃²), ε = h Σ e_i k_i
   * (SciPy's `DOP853._estimate_error`): of order h^(order) where ε₅ alone is of a lower one.
   */
  readonly e3?: readonly number[];
  /** First same as last: a[s−1] = b and c[s−1] = 1, so k_s is next step's k₁ (and y₁ = Y_s). */
  readonly fsal?: boolean;
  /**
   * Dense output y(t₀ + θh) = y₀ + h Σ b_i(θ) k_i with b_i(θ) = Σ_m dense[i][m] θ^(m+1)
   * (a continuous extension; b_i(1) = b_i).
   */
  readonly dense?: readonly (readonly number[])[];
  /**
   * Stages only the dense output needs (DOP853's three), computed on the first interpolation
   * inside a step: c and a rows as for the main stages (row e has s + e entries); `dense`
   * then has one row per main and extra stage.
   */
  readonly extra?: { readonly c: readonly number[]; readonly a: readonly (readonly number[])[] };
}

export interface ExplicitRKInfo {
  name: string;
  description: string;
  order: number;
  /** Order of the embedded method (when `tableau.e` is set). */
  errorOrder?: number;
}

/** A solver from a Butcher tableau. */
export function explicitRK(info: ExplicitRKInfo, tableau: ButcherTableau): Solver {
  const s = tableau.c.length;
  if (tableau.a.length !== s || tableau.b.length !== s) throw new Error(`${info.name}: inconsistent tableau sizes`);
  return {
    name: info.name,
    description: info.description,
    order: info.order,
    adaptive: tableau.e !== undefined,
    errorOrder: info.errorOrder ?? info.order,
    requires: 'any',
    init: (term, theta) => new ExplicitRKStepper(tableau, term, theta),
  };
}

class ExplicitRKStepper implements Stepper {
  fevals = 0;
  readonly dense: boolean;
  private readonly s: number;
  private readonly dim: number;
  private readonly c: Float64Array;
  private readonly a: Float64Array[];
  private readonly b: Float64Array;
  private readonly e: Float64Array | null;
  private readonly e3: Float64Array | null;
  /** Main and extra stages: s main, then the dense output's own. */
  private readonly S: number;
  /**
   * The dense output of the step just taken as a polynomial per component,
   * Q[m·dim + d] = h Σ_i P[i][m] k_i[d], formed on its first interpolation (with the extra
   * stages it needs): each save then costs one Horner pass per component.
   */
  private readonly Q: Float64Array;
  private denseReady = false;
  private readonly P: Float64Array[] | null;
  private readonly fsal: boolean;
  /** Stage derivatives k_i and stage states Y_i (Y_0 aliases y₀ in the vjp). */
  private k: Float64Array[];
  private readonly Y: Float64Array[];
  private readonly kbar: Float64Array[];
  private readonly Ybar: Float64Array;
  private readonly w: Float64Array;
  /** k[0] holds f(k1Time, y₀) for the next step's y₀ when valid. */
  private k1Valid = false;
  private k1Time = NaN;
  private lastH = 0;
  private lastT = 0;

  constructor(
    tab: ButcherTableau,
    private readonly term: Term,
    private readonly theta: Float64Array,
  ) {
    const s = (this.s = tab.c.length);
    const S = (this.S = s + (tab.extra?.c.length ?? 0));
    const dim = (this.dim = term.dim);
    this.c = Float64Array.from([...tab.c, ...(tab.extra?.c ?? [])]);
    this.a = [...tab.a, ...(tab.extra?.a ?? [])].map((row) => Float64Array.from(row));
    this.e3 = tab.e3 ? Float64Array.from(tab.e3) : null;
    this.b = Float64Array.from(tab.b);
    this.e = tab.e ? Float64Array.from(tab.e) : null;
    this.P = tab.dense ? tab.dense.map((row) => Float64Array.from(row)) : null;
    this.dense = this.P !== null;
    this.Q = new Float64Array((this.P?.[0].length ?? 0) * term.dim);
    this.fsal = tab.fsal === true;
    this.k = Array.from({ length: S }, () => new Float64Array(dim));
    this.Y = Array.from({ length: S }, () => new Float64Array(dim));
    this.kbar = Array.from({ length: S }, () => new Float64Array(dim));
    this.Ybar = new Float64Array(dim);
    this.w = new Float64Array(S);
  }

  /** Stage states and derivatives from (t0, y0); the last stage state goes to `yLast`. */
  private stages(t0: number, h: number, y0: Float64Array, keepY: boolean, yLast: Float64Array | null): void {
    const { s, k, term, theta } = this;
    if (!(this.k1Valid && this.k1Time === t0)) {
      term.f(t0, y0, theta, k[0]);
      this.fevals++;
    }
    if (keepY) this.Y[0].set(y0);
    for (let i = 1; i < s; i++) {
      const Yi = this.fsal && i === s - 1 && yLast ? yLast : this.Y[i];
      this.stage(i, t0, h, y0, Yi);
      if (keepY && Yi !== this.Y[i]) this.Y[i].set(Yi);
    }
    this.k1Valid = true;
    this.k1Time = t0;
  }

  /** The dense output's extra stages of the step from (t0, y0) of size h (after `stages`). */
  private extraStages(t0: number, h: number, y0: Float64Array): void {
    for (let i = this.s; i < this.S; i++) this.stage(i, t0, h, y0, this.Y[i]);
  }

  /** Stage i of the step from (t0, y0) of size h: its state Yi = y0 + h Σ_j a_ij k_j, and k_i = f(t0 + c_i h, Yi). */
  private stage(i: number, t0: number, h: number, y0: Float64Array, Yi: Float64Array): void {
    const { dim, k, a, c, term, theta } = this;
    const ai = a[i];
    for (let d = 0; d < dim; d++) {
      let acc = 0;
      for (let j = 0; j < i; j++) acc += ai[j] * k[j][d];
      Yi[d] = y0[d] + h * acc;
    }
    term.f(t0 + c[i] * h, Yi, theta, k[i]);
    this.fevals++;
  }

  step(t0: number, h: number, y0: Float64Array, y1: Float64Array, err: Float64Array | null): boolean {
    const { s, dim, k, b, e, e3 } = this;
    this.stages(t0, h, y0, false, y1);
    this.denseReady = false;
    if (!this.fsal) {
      for (let d = 0; d < dim; d++) {
        let acc = 0;
        for (let i = 0; i < s; i++) acc += b[i] * k[i][d];
        y1[d] = y0[d] + h * acc;
      }
    }
    if (err && e) {
      for (let d = 0; d < dim; d++) {
        let acc = 0;
        for (let i = 0; i < s; i++) acc += e[i] * k[i][d];
        err[d] = h * acc;
        if (e3) {
          let acc3 = 0;
          for (let i = 0; i < s; i++) acc3 += e3[i] * k[i][d];
          const denom = Math.hypot(acc, 0.1 * acc3);
          if (denom > 0) err[d] *= Math.abs(acc) / denom;
        }
      }
    }
    this.lastT = t0;
    this.lastH = h;
    return true;
  }

  accept(): void {
    if (this.fsal) {
      // k_s = f(t₀ + h, Y_s) with Y_s = y₁ bitwise, so it is next step's k₁.
      const s = this.s;
      const tmp = this.k[0];
      this.k[0] = this.k[s - 1];
      this.k[s - 1] = tmp;
      this.k1Time = this.lastT + this.lastH;
      this.k1Valid = true;
    } else {
      this.k1Valid = false;
    }
  }

  reset(): void {
    this.k1Valid = false;
  }

  /** w_i = b_i(θ) of the continuous extension. */
  private denseWeights(theta: number): void {
    const P = this.P!;
    for (let i = 0; i < this.S; i++) {
      const row = P[i];
      let acc = 0;
      for (let m = row.length - 1; m >= 0; m--) acc = (acc + row[m]) * theta;
      this.w[i] = acc;
    }
  }

  interpolate(y0: Float64Array, theta: number, out: Float64Array): void {
    const P = this.P;
    if (!P) throw new Error('this solver has no dense output');
    const { S, dim, k, Q } = this;
    const M = P[0].length;
    if (!this.denseReady) {
      if (S > this.s) this.extraStages(this.lastT, this.lastH, y0);
      const h = this.lastH;
      for (let m = 0; m < M; m++) {
        for (let d = 0; d < dim; d++) {
          let acc = 0;
          for (let i = 0; i < S; i++) acc += P[i][m] * k[i][d];
          Q[m * dim + d] = h * acc;
        }
      }
      this.denseReady = true;
    }
    for (let d = 0; d < dim; d++) {
      let acc = 0;
      for (let m = M - 1; m >= 0; m--) acc = (acc + Q[m * dim + d]) * theta;
      out[d] = y0[d] + acc;
    }
  }

  stepVjp(
    t0: number,
    h: number,
    y0: Float64Array,
    gy1: Float64Array,
    gy0: Float64Array,
    gTheta: Float64Array,
    dense: DenseCotangent | null,
  ): void {
    const { s, dim, kbar, Ybar, Y, a, b, c, term, theta } = this;
    this.k1Valid = false;
    this.stages(t0, h, y0, true, null);
    this.k1Valid = false;
    // The extra stages enter only through dense saves inside this step.
    const withDense = dense !== null && dense.to > dense.from;
    const S = withDense ? this.S : s;
    if (S > s) this.extraStages(t0, h, y0);
    this.denseReady = false;
    for (let i = 0; i < S; i++) {
      const hb = i < s ? h * b[i] : 0;
      const kb = kbar[i];
      for (let d = 0; d < dim; d++) kb[d] = hb * gy1[d];
    }
    gy0.set(gy1);
    if (dense && withDense) {
      for (let q = dense.from; q < dense.to; q++) {
        this.denseWeights(dense.fractions[q]);
        const off = q * dim;
        for (let i = 0; i < S; i++) {
          const hw = h * this.w[i];
          const kb = kbar[i];
          for (let d = 0; d < dim; d++) kb[d] += hw * dense.g[off + d];
        }
        for (let d = 0; d < dim; d++) gy0[d] += dense.g[off + d];
      }
    }
    for (let i = S - 1; i >= 0; i--) {
      Ybar.fill(0);
      term.vjp(t0 + c[i] * h, Y[i], theta, kbar[i], Ybar, gTheta);
      for (let d = 0; d < dim; d++) gy0[d] += Ybar[d];
      const ai = a[i];
      for (let j = 0; j < i; j++) {
        const ha = h * ai[j];
        if (ha === 0) continue;
        const kb = kbar[j];
        for (let d = 0; d < dim; d++) kb[d] += ha * Ybar[d];
      }
    }
  }
}
