/**
 * The bank's training loss and its exact gradient w.r.t. the flat θ:
 *
 *   ℓ(θ) = (1/C) Σ_c mean_n (ŷ_c(t_n) − y_c(t_n))² / var(y_c),   ŷ = W x + b,
 *
 * i.e. the squared NRMSE averaged over channels, with the latent trajectory and its adjoint
 * from propagator.ts (the linear bank's exact propagator, or RK4 for the pendulum bank).
 *
 * With `project`, W and b are solved in closed form for the current trajectory (variable
 * projection, Golub & Pereyra 1973): the dynamic gradient is then that of the full loss at
 * the optimal W, b (their own gradient vanishes there), so the prefix θ[0 : nDynamic] is
 * what the optimiser sees. An optional scale-invariant penalty on each oscillator's
 * contribution energy (`ridge`) keeps near-degenerate oscillators from cancelling into a
 * beat with huge weights. All buffers are allocated once here.
 */
import { createExpm } from '../../core/expm.js';
import { luFactor, luSolve } from '../../core/linalg.js';
import type { TrajectoryPath } from '../trajectory/base.js';
import type { BankLayout } from './params.js';
import { linearPropagator, pendulumPropagator } from './propagator.js';
import type { Propagator } from './propagator.js';

/**
 * One channel's share of ℓ: Σ_s w (W_c·x_s + b_c − y_s)² + λ w Σ_i Σ_s (W_ci x_i(s))²; with `gZ`, also accumulates
 * ∂ℓ/∂x_s into gZ and ∂ℓ/∂W_c, ∂ℓ/∂b_c into g (at offsets wAt, bAt).
 */
function observeChannel(
  yc: Float64Array,
  w: number,
  ridge: number,
  th: Float64Array,
  wAt: number,
  bAt: number,
  K: number,
  n: number,
  N: number,
  Z: Float64Array,
  gZ: Float64Array | null,
  g: Float64Array,
): number {
  const b = th[bAt];
  let loss = 0;
  let gb = 0;
  let pen = 0;
  for (let s = 0, p = 0; s < N; s++, p += n) {
    let yh = b;
    for (let i = 0; i < K; i++) {
      const xi = Z[p + i];
      yh += th[wAt + i] * xi;
      pen += th[wAt + i] * th[wAt + i] * xi * xi;
    }
    const r = yh - yc[s];
    loss += w * r * r;
    if (gZ !== null) {
      const gr = 2 * w * r;
      gb += gr;
      for (let i = 0; i < K; i++) {
        const wi = th[wAt + i];
        // ∂/∂x of λ w W² x² and ∂/∂W of λ w W² Σ x² (the contribution-energy penalty).
        gZ[p + i] += gr * wi + 2 * ridge * w * wi * wi * Z[p + i];
        g[wAt + i] += gr * Z[p + i] + 2 * ridge * w * wi * Z[p + i] * Z[p + i];
      }
    }
  }
  g[bAt] += gb;
  return loss + ridge * w * pen;
}

export interface BankLossOptions {
  /** Pendulum (sin) bank stepped by RK4 instead of the exact linear propagator. */
  nonlinear: boolean;
  /** RK4 steps per sampling interval (nonlinear bank only). */
  substeps: number;
}

/** ℓ(θ) and ∇ℓ on one uniformly sampled window (y_c at τ_n = n·dt, n < N). */
export class BankLoss implements TrajectoryPath {
  readonly N: number;
  /** The loss's own θ: evaluate() copies into it, and projected W, b are written here. */
  readonly theta: Float64Array;
  /** Latest trajectory (N × 2K). */
  readonly Z: Float64Array;
  /**
   * Weight λ ≥ 0 of the cancellation penalty λ Σ_c w_c Σ_i Σ_s (W_ci x_i(s))²: each
   * oscillator's contribution energy relative to the channel's variance. Invariant to the
   * scale of x_i (W_ci x_i is what is observed), it is ~λ for a bank whose oscillators each
   * carry a share of the signal and ~λ·A² for a pair of near-degenerate oscillators whose
   * contributions of amplitude A ≫ |y| cancel into a beat. In the projection it is the ridge
   * λ·diag(G). Default 0 (fit.ts sets it per fit).
   */
  ridge = 0;
  private readonly gZ: Float64Array;
  private readonly prop: Propagator;
  private readonly nonlinear: boolean;
  private readonly expm: (A: Float64Array, out: Float64Array) => void;
  private readonly Aq: Float64Array;
  private readonly Mq: Float64Array;
  private readonly zq: Float64Array;
  private readonly zq1: Float64Array;
  private readonly weight: Float64Array;
  private readonly G: Float64Array;
  private readonly rhs: Float64Array;
  private readonly piv: Int32Array;
  private readonly gFull: Float64Array;
  private readonly S: Float64Array;
  private rFull: Float64Array | undefined;

  constructor(
    readonly lay: BankLayout,
    private readonly y: Float64Array[],
    readonly dt: number,
    opts: BankLossOptions,
  ) {
    const N = y[0].length;
    this.N = N;
    const n = 2 * lay.K;
    this.theta = new Float64Array(lay.size);
    this.Z = new Float64Array(N * n);
    this.gZ = new Float64Array(N * n);
    this.prop = opts.nonlinear ? pendulumPropagator(lay, N, dt, opts.substeps, this.theta) : linearPropagator(lay, N, dt);
    this.nonlinear = opts.nonlinear;
    this.expm = createExpm(n);
    this.Aq = new Float64Array(n * n);
    this.Mq = new Float64Array(n * n);
    this.zq = new Float64Array(n);
    this.zq1 = new Float64Array(n);
    this.weight = new Float64Array(lay.C);
    for (let c = 0; c < lay.C; c++) {
      let m = 0;
      for (let i = 0; i < N; i++) m += y[c][i];
      m /= N;
      let v = 0;
      for (let i = 0; i < N; i++) v += (y[c][i] - m) ** 2;
      v /= N;
      this.weight[c] = 1 / (lay.C * N * (v > 0 ? v : 1));
    }
    const P = lay.K + 1;
    this.G = new Float64Array(P * P);
    this.rhs = new Float64Array(P);
    this.piv = new Int32Array(P);
    this.gFull = new Float64Array(lay.size);
    this.S = new Float64Array(lay.K * lay.K);
  }

  /**
   * ℓ at θ (length `lay.size`, or the dynamic prefix when `project`), writing ∇ℓ into
   * `grad` (same length) when given. Non-finite trajectories give +∞.
   */
  evaluate(theta: Float64Array, grad: Float64Array | null, project: boolean): number {
    const { lay, N, Z, gZ, y, weight } = this;
    const K = lay.K;
    const n = 2 * K;
    if (theta !== this.theta) this.theta.set(theta.subarray(0, Math.min(theta.length, lay.size)));
    const th = this.theta;
    if (!this.prop.forward(th, Z)) {
      grad?.fill(0);
      return Infinity;
    }
    if (project) this.project();
    const g = this.gFull;
    g.fill(0);
    if (grad) gZ.fill(0);
    let loss = 0;
    for (let c = 0; c < lay.C; c++) {
      loss += observeChannel(y[c], weight[c], this.ridge, th, lay.W + c * K, lay.offset + c, K, n, N, Z, grad ? gZ : null, g);
    }
    if (grad) {
      if (!Number.isFinite(loss)) {
        grad.fill(0);
        return Infinity;
      }
      this.prop.backward(th, Z, gZ, g);
      grad.set(g.subarray(0, grad.length));
    }
    return Number.isFinite(loss) ? loss : Infinity;
  }

  /**
   * The trajectory layer's interface (models/trajectory/base.ts): ℓ of the full θ with W, b as
   * given (no projection), plus the cancellation penalty when `ridge` > 0.
   */
  lossAndGrad(theta: Float64Array, grad: Float64Array | null): number {
    return this.evaluate(theta, grad, false);
  }

  /**
   * Weighted predictions √w_c·ŷ_c(t_n) into `out` (C·N) for θ's dynamic part and the
   * observation W, b currently held (not re-projected); false if not finite.
   */
  predict(theta: Float64Array, out: Float64Array): boolean {
    const { lay, N, Z, weight } = this;
    const K = lay.K;
    const n = 2 * K;
    if (theta !== this.theta) this.theta.set(theta.subarray(0, Math.min(theta.length, lay.size)));
    const th = this.theta;
    if (!this.prop.forward(th, Z)) return false;
    for (let c = 0; c < lay.C; c++) {
      const sw = Math.sqrt(weight[c]);
      for (let s = 0; s < N; s++) {
        let yh = th[lay.offset + c];
        for (let i = 0; i < K; i++) yh += th[lay.W + c * K + i] * Z[s * n + i];
        out[c * N + s] = sw * yh;
      }
    }
    return true;
  }

  /** The weight w_c = 1/(C·N·var y_c) of channel c in ℓ. */
  weightOf(c: number): number {
    return this.weight[c];
  }

  /**
   * Weighted residuals √w_c·(ŷ_c(t_n) − y_c(t_n)) into `out` (C·N) for the full θ (W, b as
   * given, not re-projected), so ℓ = ‖out‖² without the penalty; false if not finite.
   */
  residual(theta: Float64Array, out: Float64Array): boolean {
    if (!this.predict(theta, out)) return false;
    const { lay, N, y, weight } = this;
    for (let c = 0; c < lay.C; c++) {
      const sw = Math.sqrt(weight[c]);
      const yc = y[c];
      for (let s = 0; s < N; s++) out[c * N + s] -= sw * yc[s];
    }
    return true;
  }

  /**
   * The weighted residuals of samples 0, q, 2q, … (⌈N/q⌉ per channel, channel-major) into
   * `out`: the linear bank steps them exactly by e^{A q dt}, q times fewer steps than the
   * full trajectory (the data are oversampled for the bank's frequencies); the pendulum bank
   * simulates every step (and overwrites Z). Leaves Z alone otherwise. False if not finite.
   */
  residualEvery(q: number, theta: Float64Array, out: Float64Array): boolean {
    const { lay, N, y, weight } = this;
    const K = lay.K;
    const n = 2 * K;
    const m = Math.ceil(N / q);
    if (this.nonlinear) {
      const full = (this.rFull ??= new Float64Array(lay.C * N));
      if (!this.residual(theta, full)) return false;
      for (let c = 0; c < lay.C; c++) for (let k = 0; k < m; k++) out[c * m + k] = full[c * N + k * q];
      return true;
    }
    const { Aq, Mq, zq, zq1 } = this;
    lay.matrix(theta, Aq, this.S);
    for (let k = 0; k < n * n; k++) Aq[k] *= q * this.dt;
    this.expm(Aq, Mq);
    for (let i = 0; i < n; i++) zq[i] = theta[lay.z0 + i];
    for (let k = 0; k < m; k++) {
      for (let c = 0; c < lay.C; c++) {
        let yh = theta[lay.offset + c];
        for (let i = 0; i < K; i++) yh += theta[lay.W + c * K + i] * zq[i];
        out[c * m + k] = Math.sqrt(weight[c]) * (yh - y[c][k * q]);
      }
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += Mq[i * n + j] * zq[j];
        zq1[i] = acc;
      }
      zq.set(zq1);
    }
    for (let k = 0; k < lay.C * m; k++) if (!Number.isFinite(out[k])) return false;
    return true;
  }

  /** NRMSE (mean over channels, normalised by the window's std) of samples a ≤ n < b of the last evaluation. */
  segmentNrmse(a: number, b: number): number {
    const { lay, Z, y, weight, N } = this;
    const K = lay.K;
    const n = 2 * K;
    const th = this.theta;
    let total = 0;
    for (let c = 0; c < lay.C; c++) {
      let ss = 0;
      for (let s = a; s < b; s++) {
        let yh = th[lay.offset + c];
        for (let i = 0; i < K; i++) yh += th[lay.W + c * K + i] * Z[s * n + i];
        ss += (yh - y[c][s]) ** 2;
      }
      total += Math.sqrt((ss / (b - a)) * weight[c] * lay.C * N);
    }
    return total / lay.C;
  }

  /**
   * Largest contribution energy of one oscillator relative to its channel's variance,
   * max_{c,i} mean_s (W_ci x_i(s))² / var(y_c), over samples [0, b) of the last evaluation:
   * ≲ 1 when each oscillator carries a share of the signal, ≫ 1 when oscillators cancel.
   */
  contributionRatio(b = this.N): number {
    const { lay, Z, weight } = this;
    const K = lay.K;
    const n = 2 * K;
    const th = this.theta;
    let worst = 0;
    for (let c = 0; c < lay.C; c++) {
      for (let i = 0; i < K; i++) {
        let e = 0;
        for (let s = 0; s < b; s++) e += Z[s * n + i] * Z[s * n + i];
        const wi = th[lay.W + c * K + i];
        worst = Math.max(worst, ((wi * wi * e) / b) * weight[c] * lay.C * this.N);
      }
    }
    return worst;
  }

  /** Least-squares W_c, b_c for the current trajectory, written into `theta`. */
  private project(): void {
    const { lay, N, Z, y, G, rhs, piv } = this;
    const K = lay.K;
    const n = 2 * K;
    const P = K + 1;
    const th = this.theta;
    for (let c = 0; c < lay.C; c++) {
      G.fill(0);
      rhs.fill(0);
      const yc = y[c];
      for (let s = 0; s < N; s++) {
        const o = s * n;
        for (let i = 0; i < K; i++) {
          const xi = Z[o + i];
          for (let j = 0; j <= i; j++) G[i * P + j] += xi * Z[o + j];
          G[i * P + K] += xi;
          rhs[i] += xi * yc[s];
        }
        rhs[K] += yc[s];
      }
      G[K * P + K] = N;
      let tr = 0;
      for (let i = 0; i < P; i++) {
        for (let j = 0; j < i; j++) G[j * P + i] = G[i * P + j];
        if (i < K) G[K * P + i] = G[i * P + K];
        tr += G[i * P + i];
      }
      // The cancellation penalty is the ridge λ·G_ii on W (not on the offset); a relative
      // 1e-13 more keeps a dead oscillator (x ≡ 0) from making G singular.
      for (let i = 0; i < K; i++) G[i * P + i] *= 1 + this.ridge;
      for (let i = 0; i < P; i++) G[i * P + i] += 1e-13 * tr;
      if (!luFactor(G, P, piv)) continue;
      luSolve(G, P, piv, rhs);
      for (let i = 0; i < K; i++) th[lay.W + c * K + i] = rhs[i];
      th[lay.offset + c] = rhs[K];
    }
  }
}
