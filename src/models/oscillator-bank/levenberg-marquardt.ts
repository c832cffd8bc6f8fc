/**
 * Levenberg–Marquardt polish of the bank from a start that already fits (Marquardt 1963;
 * scaling by diag(JᵀJ), Moré 1978). The reference's fits are zero-residual problems whose
 * Jacobian has condition number ~5e4 (docs/peer-baselines.md): L-BFGS crawls along the
 * ill-conditioned directions (~60 iterations from NRMSE 1e-5 to 1e-9 on the bench task),
 * while Gauss–Newton converges in a few steps once close, each costing one Jacobian.
 *
 * The residual is r = √w (W x + b − y) over all of θ (W, b included, so no projection is
 * differentiated); its Jacobian is exact for W and b (x_i, 1) and by forward differences of
 * the propagator for the dynamic parameters — it only steers the step: every step is
 * accepted or rejected on the exact ℓ. No cancellation penalty here (fit.ts calls this only
 * when the penalty is off). Buffers are allocated once per instance.
 */
import { luFactor, luSolve } from '../../core/linalg.js';
import type { BankLoss } from './loss.js';

export interface PolishResult {
  /** Squared NRMSE at the end (= ‖r‖²). */
  loss: number;
  iterations: number;
  /** Forward simulations (residuals and Jacobian columns). */
  evaluations: number;
  /** Stopped because a step gained less than relTol (not on the iteration cap or a failed step). */
  converged: boolean;
}

export class BankLevenbergMarquardt {
  private readonly m: number;
  private readonly P: number;
  private readonly r: Float64Array;
  private readonly rTry: Float64Array;
  private readonly A: Float64Array;
  private readonly LU: Float64Array;
  private readonly g: Float64Array;
  private readonly step: Float64Array;
  private readonly trial: Float64Array;
  private readonly piv: Int32Array;
  private readonly S: Float64Array;
  /** Decimation q of the Jacobian's rows, their count per channel, the Jacobian (column-major) and its base residual. */
  private readonly q: number;
  private readonly mq: number;
  private readonly J: Float64Array;
  private readonly rq: Float64Array;
  private readonly rqTry: Float64Array;

  /**
   * @param fastest the largest |eigenvalue| the bank may reach (see `fastest`): the Jacobian
   *   uses every q-th sample, with ≥ 12 samples per period and ≥ 4 rows per parameter.
   *   The decimated problem's optimum differs from the full one only through the residual
   *   left (bench task: in-window NRMSE 3.6e-11 either way; two full-resolution steps more
   *   reached 3.3e-11 for 6 ms, not worth it).
   * @param holdObservation fit the dynamic prefix θ[0 : nDynamic] only, W and b kept as θ
   *   has them (a bank whose channels each observe one oscillator, W = I: fit.ts).
   */
  constructor(
    private readonly loss: BankLoss,
    fastest: number,
    holdObservation = false,
  ) {
    const { lay, N } = loss;
    this.m = lay.C * N;
    this.P = holdObservation ? lay.nDynamic : lay.size;
    const byFrequency = Math.floor(0.5 / Math.max(fastest * loss.dt, 1e-12));
    // Rows are counted over every channel (N = 16 pendulums observed: 15× fewer than per channel).
    const byRows = Math.floor((lay.C * N) / (4 * this.P));
    this.q = Math.max(1, Math.min(byFrequency, byRows));
    this.mq = Math.ceil(N / this.q);
    this.J = new Float64Array(lay.C * this.mq * this.P);
    this.rq = new Float64Array(lay.C * this.mq);
    this.rqTry = new Float64Array(lay.C * this.mq);
    this.r = new Float64Array(this.m);
    this.rTry = new Float64Array(this.m);
    this.A = new Float64Array(this.P * this.P);
    this.LU = new Float64Array(this.P * this.P);
    this.g = new Float64Array(this.P);
    this.step = new Float64Array(this.P);
    this.trial = new Float64Array(lay.size);
    this.piv = new Int32Array(this.P);
    this.S = new Float64Array(lay.K * lay.K);
  }

  /**
   * Polishes the full θ in place for at most `maxIterations` Jacobians; stops when a step
   * lowers ℓ by less than `relTol`·ℓ — past the Gauss–Newton phase, where each step gains
   * orders of magnitude, the forward-difference Jacobian only crawls (default 0.5).
   */
  polish(theta: Float64Array, maxIterations = 10, relTol = 0.5): PolishResult {
    const { loss, P, J, r, rTry, rq, rqTry, A, LU, g, step, trial, piv, q, mq } = this;
    const { lay, N } = loss;
    const K = lay.K;
    const n = 2 * K;
    const mJ = lay.C * mq;
    let evaluations = 1;
    if (!loss.residual(theta, r)) return { loss: Infinity, iterations: 0, evaluations, converged: false };
    let f = sumSq(r);
    let mu = 1e-6;
    let iterations = 0;
    while (iterations < maxIterations && f > 1e-30) {
      iterations++;
      // Jacobian of the decimated residual, column-major (column a at J[a·mJ …]): W and b
      // exactly from the trajectory of the last full residual (loss.Z), the dynamics by
      // forward differences of the decimated simulation.
      const Z = loss.Z;
      for (let c = 0; c < (P > lay.nDynamic ? lay.C : 0); c++) {
        const sw = Math.sqrt(loss.weightOf(c));
        for (let cc = 0; cc < lay.C; cc++) {
          const on = cc === c ? sw : 0;
          const rows = c * mq;
          for (let i = 0; i < K; i++) {
            const col = (lay.W + cc * K + i) * mJ + rows;
            for (let k = 0; k < mq; k++) J[col + k] = on * Z[k * q * n + i];
          }
          J.fill(on, (lay.offset + cc) * mJ + rows, (lay.offset + cc) * mJ + rows + mq);
        }
      }
      loss.residualEvery(q, theta, rq);
      evaluations++;
      for (let j = 0; j < lay.nDynamic; j++) {
        const keep = theta[j];
        const h = 1e-7 * Math.max(1, Math.abs(keep));
        theta[j] = keep + h;
        const ok = loss.residualEvery(q, theta, rqTry);
        evaluations++;
        theta[j] = keep;
        const col = j * mJ;
        for (let row = 0; row < mJ; row++) J[col + row] = ok ? (rqTry[row] - rq[row]) / h : 0;
      }
      // Normal equations A = J_qᵀJ_q, g = J_qᵀr_q (the same decimated rows: a consistent
      // least-squares problem; mixing in the exact full gradient with this A diverged, the
      // decimated A is too rough in the ill-conditioned directions), by column dot products.
      for (let a = 0; a < P; a++) {
        const ca = a * mJ;
        let ga = 0;
        for (let row = 0; row < mJ; row++) ga += J[ca + row] * rq[row];
        g[a] = ga;
        for (let b = 0; b <= a; b++) {
          const cb = b * mJ;
          let acc = 0;
          for (let row = 0; row < mJ; row++) acc += J[ca + row] * J[cb + row];
          A[a * P + b] = acc;
          A[b * P + a] = acc;
        }
      }
      // Damped steps until one lowers the exact ℓ on every sample.
      let accepted = false;
      for (let tries = 0; tries < 12 && !accepted; tries++) {
        LU.set(A);
        for (let a = 0; a < P; a++) LU[a * P + a] += mu * Math.max(A[a * P + a], 1e-300);
        for (let a = 0; a < P; a++) step[a] = -g[a];
        if (luFactor(LU, P, piv)) {
          luSolve(LU, P, piv, step);
          trial.set(theta);
          for (let a = 0; a < P; a++) trial[a] += step[a];
          const ok = loss.residual(trial, rTry);
          evaluations++;
          const fTry = ok ? sumSq(rTry) : Infinity;
          if (fTry < f) {
            accepted = true;
            theta.set(trial);
            r.set(rTry);
            const gain = (f - fTry) / f;
            f = fTry;
            mu = Math.max(mu / 5, 1e-12);
            if (gain < relTol || f <= 1e-30) return { loss: f, iterations, evaluations, converged: true };
            continue;
          }
        }
        mu *= 8;
      }
      // No damping found a lower ℓ: at the floor of the arithmetic, as good as converged.
      if (!accepted) return { loss: f, iterations, evaluations, converged: true };
      // residual() of the accepted trial left its trajectory in loss.Z for the next Jacobian.
      void N;
    }
    return { loss: f, iterations, evaluations, converged: f <= 1e-30 };
  }

  /** An upper bound on the bank's fastest |eigenvalue| at θ (Gershgorin on the stiffness, plus damping). */
  static fastest(lay: BankLoss['lay'], theta: Float64Array): number {
    const S = new Float64Array(lay.K * lay.K);
    lay.stiffness(theta, S);
    let w = 0;
    for (let i = 0; i < lay.K; i++) {
      let row = 0;
      for (let j = 0; j < lay.K; j++) row += Math.abs(S[i * lay.K + j]);
      w = Math.max(w, Math.sqrt(row) + lay.gammaOf(theta, i));
    }
    return w;
  }
}

function sumSq(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}
