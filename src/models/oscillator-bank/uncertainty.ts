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
import { correlationLength, differenceNoiseSd, pseudoInverseCovariance, quadraticForm, sandwichCovariance, transformedEstimate, type ParameterEstimate, type Unidentified } from '../uncertainty.js';
import { BankLevenbergMarquardt } from './levenberg-marquardt.js';
import { sigmoid } from '../../nn/activations.js';
import { softplus, type BankLayout } from './params.js';

/** Simulates the bank's channels at sorted `times`. */
export type BankSimulate = (theta: Float64Array, times: Float64Array) => Float64Array[];

/** What a bank keeps to forecast with intervals (saved in `extra.uncertainty`). */
export interface BankUncertainty {
  /** Cov(θ), P×P row-major (P = layout size), zero along undetermined directions: the sandwich covariance (see bankUncertainty). */
  covariance: number[];
  /**
   * Observation noise per channel: the data's own noise estimated from differences
   * (models/uncertainty.ts, differenceNoiseSd). In models saved before the discrepancy was
   * split off, the residual standard deviation RSS_c/(N − P/C).
   */
  noiseSd: number[];
  /**
   * Model discrepancy per channel: √(residual variance − noise variance), the part of the
   * in-window misfit that is structure the bank does not reproduce. The clean signal differs
   * from the bank's by about this much at every time, so the signal's band includes it.
   */
  discrepancySd?: number[];
  /**
   * Per channel, the largest signal spread the band may claim: √2 × the window's standard
   * deviation, the spread of the difference between two unrelated signals of the window's
   * variance (the forecast has lost its phase; see bankSignalSpread).
   */
  ceilingSd?: number[];
  /** Bartlett bandwidth of the sandwich, in samples (the residuals' correlation length). */
  bandwidth?: number;
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

/**
 * The bank's uncertainty at its optimum θ on the training series it was fitted to.
 *
 * The Gauss–Newton covariance (Σ_c J_cᵀJ_c/σ_c²)⁺ assumes white residuals of variance σ_c².
 * A bank that leaves structure in its residuals (too few oscillators, or a local optimum:
 * the demo's K = 4 bank on 5% noise leaves a misfit of 0.065 beside noise of 0.05, with
 * lag-one autocorrelation 0.6) breaks that assumption and was 2–10 times too sure. So the
 * covariance is the sandwich A⁺BA⁺ (models/uncertainty.ts) with the Bartlett bandwidth the
 * residuals' correlation length, which reduces to the Gauss–Newton one for white residuals;
 * and the residual variance is split into observation noise (from the data's differences)
 * and model discrepancy, which the clean signal carries beyond the window as well.
 */
export function bankUncertainty(simulate: BankSimulate, lay: BankLayout, theta: Float64Array, train: Series): BankUncertainty {
  const P = lay.size;
  const C = train.y.length;
  const N = train.t.length;
  const fit = simulate(theta, train.t);
  const residuals = train.y.map((y, c) => y.map((v, i) => v - fit[c][i]));
  const residualSd = residuals.map((r) => {
    let rss = 0;
    for (let i = 0; i < N; i++) rss += r[i] ** 2;
    return Math.sqrt(rss / Math.max(1, N - P / C));
  });
  const noiseSd = train.y.map((y, c) => Math.min(differenceNoiseSd(y), residualSd[c]));
  const discrepancySd = residualSd.map((r, c) => Math.sqrt(Math.max(0, r * r - noiseSd[c] ** 2)));
  const ceilingSd = train.y.map((y) => {
    const m = y.reduce((a, b) => a + b, 0) / N;
    return Math.SQRT2 * Math.sqrt(y.reduce((a, b) => a + (b - m) ** 2, 0) / N);
  });
  // The information matrix from every q-th sample, times q: ≥ 12 samples per period of the
  // fastest mode and ≥ 4 rows (over all channels) per parameter, as the LM polish decimates its Jacobian. On the
  // demo window (q = 9) this cut the covariance from ~380 to ~60 ms; the sum is a Riemann sum
  // of a smooth integrand, so A changes by O(q·dt) of its own size.
  const dt = N > 1 ? (train.t[N - 1] - train.t[0]) / (N - 1) : 1;
  const q = Math.max(1, Math.min(Math.floor(0.5 / Math.max(BankLevenbergMarquardt.fastest(lay, theta) * dt, 1e-12)), Math.floor((C * N) / (4 * P))));
  const rowIndex = Array.from({ length: Math.ceil(N / q) }, (_, k) => k * q);
  if (rowIndex[rowIndex.length - 1] !== N - 1) rowIndex.push(N - 1);
  const rows = Float64Array.from(rowIndex, (i) => train.t[i]);
  const J = jacobian(simulate, theta, rows);
  // A zero residual (a noise-free fit) would make every direction infinitely sure; floor σ at float64's resolution of the data.
  const weight = residualSd.map((s, c) => 1 / Math.max(s, 1e-12 * Math.max(1e-300, ...train.y[c].map(Math.abs))) ** 2);
  const A = new Float64Array(P * P);
  for (let c = 0; c < C; c++) {
    const w = (weight[c] * N) / rows.length;
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
  const gn = pseudoInverseCovariance(A, P, bankParameterNames(lay, train.names));
  // Scores at every sample: the Jacobian is smooth on the scale of q samples (≥ 12 per period), so linear interpolation between rows is within ~1% of it.
  const scores = Array.from({ length: N }, () => new Float64Array(P));
  let k = 0;
  for (let i = 0; i < N; i++) {
    while (k + 1 < rowIndex.length - 1 && rowIndex[k + 1] <= i) k++;
    const i0 = rowIndex[k];
    const i1 = rowIndex[Math.min(k + 1, rowIndex.length - 1)];
    const f = i1 > i0 ? (i - i0) / (i1 - i0) : 0;
    const s = scores[i];
    for (let c = 0; c < C; c++) {
      const r = residuals[c][i] * weight[c];
      for (let j = 0; j < P; j++) {
        const col = J[j]![c];
        s[j] += r * (col[k] + f * (col[Math.min(k + 1, rowIndex.length - 1)] - col[k]));
      }
    }
  }
  const bandwidth = correlationLength(residuals);
  const covariance = sandwichCovariance(gn.covariance, scores, P, bandwidth);
  return { covariance: Array.from(covariance), noiseSd, discrepancySd, ceilingSd, bandwidth, undetermined: gn.undetermined, unidentified: gn.unidentified };
}

/**
 * Standard deviation of each channel's predicted clean signal at sorted `times`: the
 * parameters' spread by linear propagation, gᵀ Cov g, with the model discrepancy added in
 * quadrature, and no more than the ceiling. The ceiling is where the linearisation fails: a
 * frequency's uncertainty δω makes a phase error δω·t that the linear propagation lets grow
 * without bound (the demo's noisy K = 4 bank claimed a spread of 60 against a signal of
 * standard deviation 1 and covered 98% at 80%), while the error of a forecast that has lost
 * its phase is that of two unrelated signals, √2 × the window's standard deviation.
 */
export function bankSignalSpread(simulate: BankSimulate, lay: BankLayout, theta: Float64Array, u: BankUncertainty, times: Float64Array): Float64Array[] {
  const P = theta.length;
  const cov = Float64Array.from(u.covariance);
  // Parameters with no variance (dropped directions only) move nothing: skip their simulations.
  const silent = (j: number) => {
    for (let k = 0; k < P; k++) if (cov[j * P + k] !== 0) return false;
    return true;
  };
  // The Jacobian at every q-th time (≥ 12 per period of the fastest mode, as in bankUncertainty),
  // the variance linearly interpolated in time between them: the 2P simulations over the demo's
  // 2000 forecast times were most of the cost of a forecast with intervals.
  const n = times.length;
  const fastest = n > 1 ? BankLevenbergMarquardt.fastest(lay, theta) * ((times[n - 1] - times[0]) / (n - 1)) : 0;
  const q = Math.max(1, Math.floor(0.5 / Math.max(fastest, 1e-12)));
  const at = Array.from({ length: Math.ceil(n / q) }, (_, k) => k * q);
  if (n > 0 && at[at.length - 1] !== n - 1) at.push(n - 1);
  const J = jacobian(simulate, theta, Float64Array.from(at, (i) => times[i]), silent);
  const C = u.noiseSd.length;
  const g = new Float64Array(P);
  return Array.from({ length: C }, (_, c) => {
    const disc = u.discrepancySd?.[c] ?? 0;
    const ceiling = u.ceilingSd?.[c] ?? Infinity;
    const v = at.map((_, k) => {
      for (let j = 0; j < P; j++) g[j] = J[j] ? J[j]![c][k] : 0;
      return quadraticForm(cov, g, P);
    });
    const out = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      while (k + 1 < at.length - 1 && at[k + 1] <= i) k++;
      const k1 = Math.min(k + 1, at.length - 1);
      const span = times[at[k1]] - times[at[k]];
      const f = span > 0 ? (times[i] - times[at[k]]) / span : 0;
      out[i] = Math.min(Math.sqrt(v[k] + f * (v[k1] - v[k]) + disc * disc), ceiling);
    }
    return out;
  });
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
