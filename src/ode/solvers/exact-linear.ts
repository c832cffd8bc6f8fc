/**
 * Exact stepper for linear time-invariant terms y' = A(θ) y: y_{n+1} = M y_n with
 * M = e^{hA} (Higham 2005 scaling and squaring, `core/expm`). Exact for any step, so its
 * `order` is Infinity; one exponential per distinct step size, cached.
 *
 * Adjoint (Van Loan 1978; Najfeld & Havel 1995). With λ_{n+1} = ∂L/∂y_{n+1}, each step
 * gives λ_n = Mᵀ λ_{n+1} and contributes ⟨λ_{n+1} y_nᵀ, dM⟩ to dL, so per step size h
 *   Ḡ_h = Σ_n λ_{n+1} y_nᵀ  and  dL = ⟨Ḡ_h, dM⟩,  dM = L_exp(hA, h dA),
 * where L_exp(X, E) = ∫₀¹ e^{sX} E e^{(1−s)X} ds is the Fréchet derivative of exp. Its
 * adjoint under ⟨X, Y⟩ = tr(XᵀY) is L_exp(Xᵀ, ·), hence
 *   ∂L/∂A = h · L_exp(hAᵀ, Ḡ_h) = upper-right block of exp([[hAᵀ, hḠ_h], [0, hAᵀ]]),
 * computed once per distinct h at the end of the backward pass, then mapped to θ by
 * `term.matrixVjp`. The per-step work is two n×n matrix–vector products and one rank-1
 * update, with no allocation: the backward pass costs about as much as the forward one.
 */
import { createExpm, createExpmFrechet } from '../../core/expm.js';
import type { LinearTerm } from '../term.js';
import type { DenseCotangent, Solver, Stepper } from './base.js';

/** More distinct step sizes than this (e.g. forced `steps`) and the caches start over. */
const MAX_CACHED = 64;

class ExactLinearStepper implements Stepper {
  fevals = 0;
  readonly dense = false;
  private readonly n: number;
  private readonly A: Float64Array;
  private readonly X: Float64Array;
  private readonly expm: (A: Float64Array, out?: Float64Array) => Float64Array;
  private frechet: ((A: Float64Array, E: Float64Array, expOut: Float64Array, lOut: Float64Array) => void) | null = null;
  private readonly props = new Map<number, Float64Array>();
  private readonly grads = new Map<number, Float64Array>();
  private lastH = NaN;
  private lastM: Float64Array | null = null;
  private lastGH = NaN;
  private lastG: Float64Array | null = null;

  constructor(
    private readonly term: LinearTerm,
    private readonly theta: Float64Array,
  ) {
    const n = (this.n = term.dim);
    this.A = new Float64Array(n * n);
    this.X = new Float64Array(n * n);
    term.matrix(theta, this.A);
    this.expm = createExpm(n);
  }

  /** M = e^{hA}, cached per h. */
  private propagator(h: number): Float64Array {
    if (h === this.lastH && this.lastM) return this.lastM;
    let M = this.props.get(h);
    if (!M) {
      if (this.props.size >= MAX_CACHED) this.props.clear();
      const { A, X } = this;
      for (let i = 0; i < A.length; i++) X[i] = h * A[i];
      M = this.expm(X, new Float64Array(A.length));
      this.props.set(h, M);
    }
    this.lastH = h;
    this.lastM = M;
    return M;
  }

  step(_t0: number, h: number, y0: Float64Array, y1: Float64Array): boolean {
    const M = this.propagator(h);
    const n = this.n;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) acc += M[row + j] * y0[j];
      y1[i] = acc;
    }
    this.fevals++;
    return true;
  }

  accept(): void {}
  reset(): void {}
  interpolate(): void {
    throw new Error('exact-linear has no dense output (it steps exactly onto save times)');
  }

  beginVjp(): void {
    for (const G of this.grads.values()) G.fill(0);
    this.lastGH = NaN;
  }

  stepVjp(_t0: number, h: number, y0: Float64Array, gy1: Float64Array, gy0: Float64Array, _gTheta: Float64Array, _dense: DenseCotangent | null): void {
    const n = this.n;
    const M = this.propagator(h);
    let G = this.lastG;
    if (h !== this.lastGH || !G) {
      G = this.grads.get(h) ?? null;
      if (!G) {
        // Distinct step sizes beyond the cache bound keep their own accumulator anyway:
        // gradients must stay exact.
        G = new Float64Array(n * n);
        this.grads.set(h, G);
      }
      this.lastGH = h;
      this.lastG = G;
    }
    gy0.fill(0);
    for (let i = 0; i < n; i++) {
      const li = gy1[i];
      if (li === 0) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) {
        gy0[j] += M[row + j] * li;
        G[row + j] += li * y0[j];
      }
    }
  }

  endVjp(gTheta: Float64Array): void {
    const n = this.n;
    const nn = n * n;
    this.frechet ??= createExpmFrechet(n);
    const Abar = new Float64Array(nn);
    const L = new Float64Array(nn);
    const E = new Float64Array(nn);
    const { A, X } = this;
    for (const [h, G] of this.grads) {
      let any = false;
      for (let i = 0; i < nn; i++) if (G[i] !== 0) any = true;
      if (!any) continue;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) X[i * n + j] = h * A[j * n + i];
      this.frechet(X, G, E, L);
      for (let i = 0; i < nn; i++) Abar[i] += h * L[i];
    }
    this.term.matrixVjp(this.theta, Abar, gTheta);
  }
}

export const exactLinear: Solver = {
  name: 'exact-linear',
  description: 'exact propagation e^{hA} of a linear time-invariant term (Higham 2005 expm), Van Loan adjoint',
  order: Infinity,
  adaptive: false,
  errorOrder: Infinity,
  requires: 'linear',
  init: (term, theta) => new ExactLinearStepper(term as LinearTerm, theta),
};
