/**
 * How many oscillators the data asks for (`oscillators: 'auto'`): for each K ≤ the cap, the
 * ESPRIT estimate of K damped modes (with offset) is fitted to the whole window, and the K
 * with the lowest Bayesian information criterion (Schwarz 1978)
 *
 *   BIC(K) = M ln(RSS_K / M) + p_K ln M,   M = N·C samples, p_K = K (2 + 2C) + C
 *
 * (per mode: frequency, decay, an amplitude and a phase per channel; an offset per channel)
 * is chosen. ESPRIT is the bank's own start (fit.ts), so a K whose modes ESPRIT cannot
 * separate from noise would not be fitted better by the bank either, and the criterion
 * costs K ESPRIT runs instead of K bank fits. Without the penalty a fixed K = 4 gave a
 * one-mode damped sine three spurious modes (one undamped at 23.7 rad/s).
 *
 * Noise-free signals fit to rounding error, where RSS is noise of the arithmetic and its
 * logarithm would pick K at random: the mean squared residual is floored at (RESIDUAL_FLOOR ×
 * the signal's RMS)², so that among fits at that floor the fewest modes win.
 */
import { LawfulError } from '../../core/errors.js';
import { esprit } from '../spectral/esprit.js';
import { highestSignificantFrequency, periodogram } from '../spectral/periodogram.js';

/** Relative RMS residual below which a fit counts as exact (see the file comment). */
export const RESIDUAL_FLOOR = 1e-7;

/** One candidate K and its score. */
export interface KCandidate {
  K: number;
  /** Bayesian information criterion (lower is better). */
  bic: number;
  /** RMS residual of the ESPRIT fit over the window, relative to the signal's standard deviation. */
  nrmse: number;
}

/** The choice, fields in the order a saved model writes them (round trips compare text). */
export interface KChoice {
  /** The chosen number of oscillators. */
  K: number;
  criterion: string;
  /** Every K tried, in increasing order. */
  candidates: KCandidate[];
}

/**
 * Chooses K ∈ [1, maxK] for the uniformly sampled window (t, y); K also stays below what
 * the window can identify (N ≥ 4K + 4 samples, as the bank's fit requires).
 */
export function chooseOscillators(t: Float64Array, y: Float64Array[], maxK: number): KChoice {
  const N = t.length;
  const C = y.length;
  const M = N * C;
  const cap = Math.max(1, Math.min(maxK, Math.floor((N - 4) / 4)));
  let variance = 0;
  for (const ch of y) {
    let m = 0;
    for (let i = 0; i < N; i++) m += ch[i];
    m /= N;
    for (let i = 0; i < N; i++) variance += (ch[i] - m) ** 2;
  }
  variance /= M;
  const floor = RESIDUAL_FLOOR ** 2 * (variance || 1);
  const candidates: KCandidate[] = [];
  // The periodogram sets ESPRIT's lag; it does not depend on K, so it is computed once
  // (as esprit would, with the same padding).
  let maxFrequency: number;
  try {
    maxFrequency = highestSignificantFrequency(periodogram(y, (t[N - 1] - t[0]) / (N - 1), 2));
  } catch (e) {
    if (e instanceof LawfulError) return { K: 1, criterion: 'none (no spectrum; K = 1)', candidates };
    throw e;
  }
  for (let K = 1; K <= cap; K++) {
    let rss: number;
    try {
      rss = residual(t, y, K, maxFrequency);
    } catch (e) {
      // ESPRIT cannot estimate this many modes from this window: larger K cannot either.
      if (e instanceof LawfulError) break;
      throw e;
    }
    if (!Number.isFinite(rss)) break;
    const p = K * (2 + 2 * C) + C;
    const msr = Math.max(rss / M, floor);
    candidates.push({ K, bic: M * Math.log(msr) + p * Math.log(M), nrmse: Math.sqrt(rss / M / (variance || 1)) });
  }
  if (candidates.length === 0) return { K: 1, criterion: 'none (ESPRIT could not estimate a mode; K = 1)', candidates };
  const best = candidates.reduce((a, b) => (b.bic < a.bic ? b : a));
  return { K: best.K, criterion: `BIC of ESPRIT fits, K = 1 … ${cap}`, candidates };
}

/** Sum of squared residuals over all channels of the ESPRIT fit of K modes and an offset. */
function residual(t: Float64Array, y: Float64Array[], K: number, maxFrequency: number): number {
  const est = esprit(t, y, { order: K, offset: true, maxFrequency });
  const t0 = est.t0;
  let rss = 0;
  y.forEach((ch, c) => {
    for (let i = 0; i < t.length; i++) {
      const s = t[i] - t0;
      let v = est.offset[c] ?? 0;
      for (const m of est.modes) {
        const a = m.channels[c];
        if (a) v += a.amplitude * Math.exp(-m.decay * s) * Math.cos(m.frequency * s + a.phase);
      }
      rss += (v - ch[i]) ** 2;
    }
  });
  return rss;
}
