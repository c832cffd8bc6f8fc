/**
 * The bank's Laplace / Gauss–Newton uncertainty (issue 12): at the fitted θ, the Jacobian J_c
 * of the in-window predictions of each channel by central differences through the bank's own
 * simulator (the fast path the forecasts use, so the linearisation is of exactly what is
 * forecast), σ_c² from the residuals, Cov(θ) = (Σ_c J_cᵀJ_c/σ_c²)⁺ with the undetermined
 * directions dropped and named (models/uncertainty.ts), and the forecast's spread by linear
 * propagation, Var ŷ_c(t) = g_c(t)ᵀ Cov g_c(t). Linearised only: no sampling.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Series } from '../../data/series.js';
import { pseudoInverseCovariance, quadraticForm, transformedEstimate, type ParameterEstimate, type Unidentified } from '../uncertainty.js';
import { BankLevenbergMarquardt } from './levenberg-marquardt.js';
import { sigmoid } from '../../nn/activations.js';
import { softplus, type BankLayout } from './params.js';

/** Simulates the bank's channels at sorted `times`. */
export type BankSimulate = (theta: Float64Array, times: Float64Array) => Float64Array[];

/** What a bank keeps to forecast with intervals (saved in `extra.uncertainty`). */
export interface BankUncertainty {
  /** Cov(θ), P×P row-major (P = layout size), zero along undetermined directions. */
  covariance: number[];
  /** Residual standard deviation per channel, RSS_c/(N − P/C). */
  noiseSd: number[];
  undetermined: number[];
  unidentified: Unidentified[];
}

/** Relative step of the central differences: error ~h² ≈ 1e-12 against rounding ~ε/h ≈ 1e-10 of the signal. */
const STEP = 1e-5;

function step(x: number): number {
  return STEP * Math.max(1, Math.abs(x));
}

/** Per parameter, ∂ŷ_c/∂θ_j at `times` (columns[j][c][i]); null for parameters skipped. */
function jacobian(simulate: BankSimulate, theta: Float64Array, times: Float64Array, skip?: (j: number) => boolean): (Float64Array[] | null)[] {
  const th = Float64Array.from(theta);
  return Array.from(theta, (keep, j) => {
    if (skip?.(j)) return null;
    const h = step(keep);
    th[j] = keep + h;
    const up = simulate(th, times);
    th[j] = keep - h;
    const down = simulate(th, times);
    th[j] = keep;
    return up.map((u, c) => u.map((v, i) => (v - down[c][i]) / (2 * h)));
  });
}

/** Names of θ's entries, for undetermined combinations: "log ω1", "γ1*", "coupling 1–2*", "z0 x1", "z0 x1'", "W y·x1", "b y" (* softplus⁻¹ coordinate). */
export function bankParameterNames(lay: BankLayout, channels: readonly string[]): string[] {
  const K = lay.K;
  const names: string[] = [];
  for (let i = 0; i < K; i++) names.push(`log ω${i + 1}`);
  for (let i = 0; i < K; i++) names.push(`γ${i + 1}*`);
  for (let p = 0; p < lay.nPairs; p++) names.push(`coupling ${lay.pairI[p] + 1}–${lay.pairJ[p] + 1}*`);
  for (let i = 0; i < K; i++) names.push(`z0 x${i + 1}`);
  for (let i = 0; i < K; i++) names.push(`z0 x${i + 1}'`);
  for (const ch of channels) for (let i = 0; i < K; i++) names.push(`W ${ch}·x${i + 1}`);
  for (const ch of channels) names.push(`b ${ch}`);
  return names;
}

/** The bank's uncertainty at its optimum θ on the training series it was fitted to. */
export function bankUncertainty(simulate: BankSimulate, lay: BankLayout, theta: Float64Array, train: Series): BankUncertainty {
  const P = lay.size;
  const C = train.y.length;
  const N = train.t.length;
  const fit = simulate(theta, train.t);
  const noiseSd = train.y.map((y, c) => {
    let rss = 0;
    for (let i = 0; i < N; i++) rss += (y[i] - fit[c][i]) ** 2;
    return Math.sqrt(rss / Math.max(1, N - P / C));
  });
  // The information matrix from every q-th sample, times q: ≥ 12 samples per period of the
  // fastest mode and ≥ 4 rows per parameter, as the LM polish decimates its Jacobian. On the
  // demo window (q = 9) this cut the covariance from ~380 to ~60 ms; the sum is a Riemann sum
  // of a smooth integrand, so A changes by O(q·dt) of its own size.
  const dt = N > 1 ? (train.t[N - 1] - train.t[0]) / (N - 1) : 1;
  const q = Math.max(1, Math.min(Math.floor(0.5 / Math.max(BankLevenbergMarquardt.fastest(lay, theta) * dt, 1e-12)), Math.floor(N / (4 * P))));
  const rows = train.t.filter((_, i) => i % q === 0);
  const J = jacobian(simulate, theta, rows);
  const weight = N / rows.length;
  const A = new Float64Array(P * P);
  for (let c = 0; c < C; c++) {
    // A zero residual (a noise-free fit) would make every direction infinitely sure; floor σ at float64's resolution of the data.
    const w = weight / Math.max(noiseSd[c], 1e-12 * Math.max(1e-300, ...train.y[c].map(Math.abs))) ** 2;
    for (let a = 0; a < P; a++) {
      const ja = J[a]![c];
      for (let b = 0; b <= a; b++) {
        const jb = J[b]![c];
        let s = 0;
        for (let i = 0; i < rows.length; i++) s += ja[i] * jb[i];
        A[a * P + b] += w * s;
        if (a !== b) A[b * P + a] += w * s;
      }
    }
  }
  const cov = pseudoInverseCovariance(A, P, bankParameterNames(lay, train.names));
  return { covariance: Array.from(cov.covariance), noiseSd, undetermined: cov.undetermined, unidentified: cov.unidentified };
}

/** Standard deviation of each channel's predicted signal at sorted `times` (parameter uncertainty only). */
export function bankSignalSpread(simulate: BankSimulate, theta: Float64Array, u: BankUncertainty, times: Float64Array): Float64Array[] {
  const P = theta.length;
  const cov = Float64Array.from(u.covariance);
  // Parameters with no variance (dropped directions only) move nothing: skip their simulations.
  const silent = (j: number) => {
    for (let k = 0; k < P; k++) if (cov[j * P + k] !== 0) return false;
    return true;
  };
  const J = jacobian(simulate, theta, times, silent);
  const C = u.noiseSd.length;
  const g = new Float64Array(P);
  return Array.from({ length: C }, (_, c) =>
    times.map((_, i) => {
      for (let j = 0; j < P; j++) g[j] = J[j] ? J[j]![c][i] : 0;
      return Math.sqrt(quadraticForm(cov, g, P));
    }),
  );
}

/**
 * describe().estimates of the bank: ω_i = exp(u), γ_i and couplings = softplus(u), with
 * intervals mapped from u ± 1.96·se (so they stay positive) and standard errors by the delta
 * method; null where the data do not determine the parameter (one observed channel leaves
 * ω, γ and couplings per oscillator undetermined: the modes are what is identified).
 */
export function bankEstimates(lay: BankLayout, theta: Float64Array, u: BankUncertainty): ParameterEstimate[] {
  const P = lay.size;
  const undetermined = new Set(u.undetermined);
  const variance = (j: number) => (undetermined.has(j) ? null : u.covariance[j * P + j]);
  const out: ParameterEstimate[] = [];
  for (let i = 0; i < lay.K; i++) out.push(transformedEstimate(`ω${i + 1}`, theta[lay.omega + i], variance(lay.omega + i), Math.exp, Math.exp));
  for (let i = 0; i < lay.K; i++) out.push(transformedEstimate(`γ${i + 1}`, theta[lay.damping + i], variance(lay.damping + i), softplus, sigmoid));
  for (let p = 0; p < lay.nPairs; p++) {
    out.push(transformedEstimate(`coupling ${lay.pairI[p] + 1}–${lay.pairJ[p] + 1}`, theta[lay.coupling + p], variance(lay.coupling + p), softplus, sigmoid));
  }
  return out;
}

/** Damped normal modes of the bank at θ: frequency = Im λ, decay = −Re λ, by increasing frequency. */
function modesOf(lay: BankLayout, theta: Float64Array): { frequency: number; decay: number }[] {
  const n = 2 * lay.K;
  const A = new Float64Array(n * n);
  lay.matrix(theta, A, new Float64Array(lay.K * lay.K));
  const evd = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, (i + 1) * n)))));
  return evd.realEigenvalues
    .map((re, k) => ({ frequency: evd.imaginaryEigenvalues[k], decay: -re }))
    .filter((m) => m.frequency > 1e-12)
    .sort((a, b) => a.frequency - b.frequency);
}

/**
 * Standard errors and 95% intervals of the bank's normal modes (the quantities one channel
 * does identify): the modes' gradients over the dynamic parameters by central differences,
 * then gᵀ Cov g. A mode whose count or order changes under the perturbation gets none.
 */
export function modeEstimates(lay: BankLayout, theta: Float64Array, u: BankUncertainty): ParameterEstimate[] {
  const P = lay.size;
  const base = modesOf(lay, theta);
  const grads = base.map(() => ({ f: new Float64Array(P), d: new Float64Array(P), ok: true }));
  const th = Float64Array.from(theta);
  for (let j = 0; j < lay.z0; j++) {
    const keep = th[j];
    const h = step(keep);
    th[j] = keep + h;
    const up = modesOf(lay, th);
    th[j] = keep - h;
    const down = modesOf(lay, th);
    th[j] = keep;
    base.forEach((_, k) => {
      if (up.length !== base.length || down.length !== base.length) grads[k].ok = false;
      else {
        grads[k].f[j] = (up[k].frequency - down[k].frequency) / (2 * h);
        grads[k].d[j] = (up[k].decay - down[k].decay) / (2 * h);
      }
    });
  }
  const cov = Float64Array.from(u.covariance);
  const id = (x: number) => x;
  const one = () => 1;
  return base.flatMap((m, k) => {
    const g = grads[k];
    const vf = g.ok ? quadraticForm(cov, g.f, P) : null;
    const vd = g.ok ? quadraticForm(cov, g.d, P) : null;
    const fe = transformedEstimate(`mode ${k + 1} frequency`, m.frequency, vf, id, one);
    const de = transformedEstimate(`mode ${k + 1} decay`, m.decay, vd, id, one);
    return [fe, de];
  });
}
