/**
 * ESPRIT estimate of damped modes (Roy & Kailath 1989; the matrix-pencil view: Hua &
 * Sarkar 1990) from uniformly sampled channels
 *
 *   y_c(t) = offset_c + Σ_k A_ck e^{−σ_k (t−t₀)} cos(ω_k (t−t₀) + φ_ck).
 *
 * Cost: the signals this is used on are heavily oversampled (dt 0.01 for ω ≤ 3 rad/s), so
 * the Hankel matrix uses a lag of q samples (≥ `samplesPerPeriod` lags per period of the
 * fastest plausible mode) for its L rows but keeps every sample as a column:
 * H[i, j] = y[j + i q]. Its row space is spanned by (z_k^{q i})_i with z_k = e^{λ_k dt},
 * so the signal subspace comes from the small L×L Gram matrix H Hᵀ (all samples averaged,
 * which keeps the noise robustness of the full Hankel matrix) and the rotation-invariance
 * step returns z_k^q. A full SVD of the 500×502 Hankel matrix is never formed.
 * Amplitudes and phases then come from linear least squares on the full-rate data.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ConfigError, DataError } from '../../core/errors.js';
import { leastSquares, luFactor, luSolve } from '../../core/linalg.js';
import { uniformStep } from '../../data/series.js';
import { highestSignificantFrequency, periodogram } from './periodogram.js';

export interface EspritOptions {
  /** Number of oscillatory modes (complex-conjugate pairs) to estimate, K ≥ 1. */
  order: number;
  /** Also estimate a zero-frequency (constant) mode, the observation offset. Default true. */
  offset?: boolean;
  /**
   * Highest plausible mode frequency, rad/s; it sets the lag q. Default: the highest
   * frequency where the periodogram reaches 1% of its peak. Modes up to
   * `samplesPerPeriod / 2` times this frequency are still resolved without aliasing.
   */
  maxFrequency?: number;
  /** Lags per period of `maxFrequency` in the decimated Hankel rows. Default 8. */
  samplesPerPeriod?: number;
  /** Number of Hankel rows L. Default: spanning half the window, at most 80. */
  rows?: number;
  /**
   * Extra mode pairs estimated beyond `order` before the `order` strongest (by amplitude) are
   * kept: over-modelling lets noise and weak modes take their own subspace directions
   * instead of bending the dominant ones. Default `order`.
   */
  extra?: number;
  /** Order of the returned modes. Default 'amplitude' (largest first). */
  sortBy?: 'amplitude' | 'frequency';
}

/** One damped mode: e^{−decay·t} cos(frequency·t + phase) with the amplitude of each channel. */
export interface DampedMode {
  /** Angular frequency, rad/s (> 0). */
  frequency: number;
  /** Decay rate σ, 1/s (negative for a growing mode). */
  decay: number;
  /** Amplitude at t₀: channel 0's, or the root-sum-square over channels when several. */
  amplitude: number;
  /** Phase of channel 0, rad. */
  phase: number;
  /** Amplitude and phase per channel. */
  channels: { amplitude: number; phase: number }[];
}

export interface EspritResult {
  modes: DampedMode[];
  /** Constant per channel (0 when `offset` is false). */
  offset: number[];
  /** Time origin of the amplitudes and phases: the first sample time. */
  t0: number;
  /** Lag q (samples) and rows L of the Hankel matrix used. */
  lag: number;
  rows: number;
}

/** Estimates `order` damped modes of the channels `y` sampled at the uniform times `t`. */
export function esprit(t: Float64Array, y: Float64Array[], opts: EspritOptions): EspritResult {
  const K = opts.order;
  if (!Number.isInteger(K) || K < 1) throw new ConfigError(`must be a positive integer, got ${K}`, 'order');
  if (y.length === 0) throw new DataError('ESPRIT needs at least one channel');
  // Its Gram matrix holds sums of squares: a non-finite value, or one whose square overflows
  // (1e308), would reach the eigen-solver as Infinity/NaN and fail there without a word.
  y.forEach((yc, c) => {
    let energy = 0;
    for (let i = 0; i < yc.length; i++) energy += yc[i] * yc[i];
    if (!Number.isFinite(energy)) {
      const i = yc.findIndex((v) => !Number.isFinite(v * v));
      throw new DataError(`ESPRIT: channel ${c + 1} has ${i >= 0 ? `the value ${yc[i]} at t = ${t[i]}, whose square is not finite` : 'an energy beyond the floating-point range'}; rescale the data`);
    }
  });
  const dt = uniformStep(t);
  const n = t.length;
  const withOffset = opts.offset ?? true;
  const extra = opts.extra ?? K;
  const M = 2 * (K + extra) + (withOffset ? 1 : 0);
  const spp = opts.samplesPerPeriod ?? 8;
  const wMax = opts.maxFrequency ?? highestSignificantFrequency(periodogram(y, dt, 2));
  let q = Math.max(1, Math.floor((2 * Math.PI) / (wMax * dt * spp)));
  let L = opts.rows ?? Math.min(80, Math.floor(n / (2 * q)) + 1);
  // Rows must exceed the subspace dimension; shrink the lag before giving up.
  while (L < M + 2 && q > 1) {
    q = Math.max(1, Math.floor(q / 2));
    L = opts.rows ?? Math.min(80, Math.floor(n / (2 * q)) + 1);
  }
  // Block average of width q: an FIR filter keeps every e^{λt} (only its amplitude changes,
  // and amplitudes are refitted on the raw data below) while cutting white noise q-fold.
  const yf = q > 1 ? y.map((yc) => boxcar(yc, q)) : y;
  const nf = yf[0].length;
  const cols = nf - (L - 1) * q;
  if (L < M + 2 || cols < M) {
    throw new DataError(`ESPRIT of order ${K} needs more samples than ${n} (Hankel ${L}×${cols}, subspace ${M})`);
  }

  // Gram matrix G = Σ_c H_c H_cᵀ, L×L.
  const G = new Matrix(L, L);
  for (let i = 0; i < L; i++) {
    for (let j = i; j < L; j++) {
      let s = 0;
      for (const yc of yf) {
        const a = i * q;
        const b = j * q;
        for (let k = 0; k < cols; k++) s += yc[a + k] * yc[b + k];
      }
      G.set(i, j, s);
      G.set(j, i, s);
    }
  }
  const evd = new EigenvalueDecomposition(G, { assumeSymmetric: true });
  const ev = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  const order = Array.from(ev.keys()).sort((a, b) => ev[b] - ev[a]).slice(0, M);

  // Rotation invariance: Us[0:L−1] Φ = Us[1:L] in the least-squares sense, by the normal
  // equations (U1ᵀU1) Φ = U1ᵀU2 for all M columns at once: U1 is Us (orthonormal columns)
  // less one row, so U1ᵀU1 = I − u uᵀ is well conditioned unless the last row carries
  // almost all of a column; then fall back to one QR per column.
  const Us = new Float64Array(L * M);
  for (let r = 0; r < L; r++) for (let c = 0; c < M; c++) Us[r * M + c] = V.get(r, order[c]);
  const Phi = new Matrix(M, M);
  const NtN = new Float64Array(M * M);
  const NtR = new Float64Array(M * M);
  for (let r = 0; r < L - 1; r++) {
    for (let a = 0; a < M; a++) {
      const ua = Us[r * M + a];
      for (let b = 0; b < M; b++) {
        NtN[a * M + b] += ua * Us[r * M + b];
        NtR[a * M + b] += ua * Us[(r + 1) * M + b];
      }
    }
  }
  let minDiag = Infinity;
  for (let a = 0; a < M; a++) minDiag = Math.min(minDiag, NtN[a * M + a]);
  const piv = new Int32Array(M);
  if (minDiag > 0.1 && luFactor(NtN, M, piv)) {
    luSolve(NtN, M, piv, NtR, M);
    for (let r = 0; r < M; r++) for (let c = 0; c < M; c++) Phi.set(r, c, NtR[r * M + c]);
  } else {
    const U1 = Us.subarray(0, (L - 1) * M);
    const rhs = new Float64Array(L - 1);
    for (let c = 0; c < M; c++) {
      for (let r = 0; r < L - 1; r++) rhs[r] = Us[(r + 1) * M + c];
      const col = solveTolerant(U1, L - 1, M, rhs);
      for (let r = 0; r < M; r++) Phi.set(r, c, col[r]);
    }
  }
  const pe = new EigenvalueDecomposition(Phi);
  const h = q * dt;
  const lambdas: { re: number; im: number }[] = [];
  for (let k = 0; k < M; k++) {
    const zr = pe.realEigenvalues[k];
    const zi = pe.imaginaryEigenvalues[k];
    const im = Math.atan2(zi, zr) / h;
    if (im > 1e-9 / h) lambdas.push({ re: Math.log(Math.hypot(zr, zi)) / h, im });
  }
  // Keep the `order` modes with the most energy in the window (a heavily damped spurious
  // mode can have a large amplitude at t₀ and little else), then refit their amplitudes alone.
  // Ranking only: every q-th sample is plenty for these amplitudes, and q² cheaper.
  const every = (x: Float64Array) => x.filter((_, i) => i % q === 0);
  const all = amplitudes(every(t), y.map(every), lambdas, withOffset, 'amplitude', q, L);
  const T = t[n - 1] - t[0];
  const energy = (m: DampedMode) => {
    const s2 = 2 * m.decay * T;
    return m.amplitude * m.amplitude * (Math.abs(s2) < 1e-8 ? 1 : -Math.expm1(-s2) / s2);
  };
  const kept = all.modes
    .sort((a, b) => energy(b) - energy(a))
    .slice(0, K)
    .map((m) => ({ re: -m.decay, im: m.frequency }));
  return amplitudes(t, y, kept, withOffset, opts.sortBy ?? 'amplitude', q, L);
}

/**
 * Amplitudes and phases of known modes λ = re + i·im (and the offset) in the channels `y`
 * at times `t`, by linear least squares on e^{re·s} cos(im·s), e^{re·s} sin(im·s), s = t − t₀.
 */
export function fitModeAmplitudes(
  t: Float64Array,
  y: Float64Array[],
  lambdas: { re: number; im: number }[],
  withOffset = true,
  sortBy: 'amplitude' | 'frequency' = 'amplitude',
): EspritResult {
  return amplitudes(t, y, lambdas, withOffset, sortBy, 1, 0);
}

/** Linear least squares for the amplitudes and phases of known modes (and the offset). */
function amplitudes(
  t: Float64Array,
  y: Float64Array[],
  lambdas: { re: number; im: number }[],
  withOffset: boolean,
  sortBy: 'amplitude' | 'frequency',
  lag: number,
  rows: number,
): EspritResult {
  const n = t.length;
  const P = 2 * lambdas.length + (withOffset ? 1 : 0);
  const B = new Float64Array(n * P);
  const t0 = t[0];
  for (let i = 0; i < n; i++) {
    const s = t[i] - t0;
    let c = 0;
    if (withOffset) B[i * P + c++] = 1;
    for (const l of lambdas) {
      const e = Math.exp(l.re * s);
      B[i * P + c++] = e * Math.cos(l.im * s);
      B[i * P + c++] = e * Math.sin(l.im * s);
    }
  }
  const coef = y.map((yc) => (P > 0 ? solveTolerant(B, n, P, yc) : new Float64Array(0)));
  const off0 = withOffset ? 1 : 0;
  const modes: DampedMode[] = lambdas.map((l, k) => {
    const channels = coef.map((cf) => {
      const a = cf[off0 + 2 * k];
      const b = cf[off0 + 2 * k + 1];
      // a cos ωt + b sin ωt = A cos(ωt + φ) with a = A cos φ, b = −A sin φ.
      return { amplitude: Math.hypot(a, b), phase: Math.atan2(-b, a) };
    });
    const amplitude = channels.length === 1 ? channels[0].amplitude : Math.hypot(...channels.map((c) => c.amplitude));
    return { frequency: l.im, decay: -l.re, amplitude, phase: channels[0].phase, channels };
  });
  modes.sort(sortBy === 'amplitude' ? (a, b) => b.amplitude - a.amplitude : (a, b) => a.frequency - b.frequency);
  return { modes, offset: coef.map((cf) => (withOffset ? cf[0] : 0)), t0, lag, rows };
}

/** Moving average of width w (valid part only, length n − w + 1). */
function boxcar(y: Float64Array, w: number): Float64Array {
  const out = new Float64Array(y.length - w + 1);
  let s = 0;
  for (let i = 0; i < w; i++) s += y[i];
  out[0] = s / w;
  for (let i = w; i < y.length; i++) {
    s += y[i] - y[i - w];
    out[i - w + 1] = s / w;
  }
  return out;
}

/** Least squares that falls back to a tiny ridge when two estimated modes (nearly) coincide. */
function solveTolerant(B: Float64Array, m: number, n: number, b: Float64Array): Float64Array {
  try {
    return leastSquares(B, m, n, b);
  } catch {
    return leastSquares(B, m, n, b, { ridge: 1e-10 * m });
  }
}
