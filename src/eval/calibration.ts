/**
 * Calibration of probabilistic forecasts beyond the window (issue 12): coverage of central
 * intervals, the continuous ranked probability score, the probability integral transform,
 * reliability-diagram data, and the valid prediction time a forecast predicts for itself.
 *
 * A forecast's distribution comes either as Gaussian (mean and standard deviation per
 * sample; CRPS in closed form, Gneiting & Raftery 2007 eq. 21) or as quantiles at fixed
 * levels (CRPS by the quantile-score decomposition CRPS = 2∫₀¹ QS_τ dτ, Gneiting & Raftery
 * 2007 §4.2, integrated by the trapezoid rule over the levels with QS = 0 at τ = 0 and 1 —
 * on the 9 standard levels it reads 1–13% low for a Gaussian; the plain mean over levels
 * read up to 38% low). The result names which one was used. Browser-safe.
 */
import { gaussianQuantiles, normalCdf, normalPdf } from '../core/normal.js';
import type { Forecast } from '../models/base.js';

/** Central intervals scored for coverage, as nominal fractions. */
export const CENTRAL_LEVELS: readonly number[] = [0.5, 0.8, 0.95];

export { gaussianQuantiles, normalCdf, normalPdf, normalQuantile, QUANTILE_LEVELS } from '../core/normal.js';

/** CRPS of the Gaussian N(μ, σ²) at the outcome y, in closed form (Gneiting & Raftery 2007); |y − μ| when σ = 0. */
export function crpsGaussian(mu: number, sigma: number, y: number): number {
  if (!(sigma > 0)) return Math.abs(y - mu);
  const z = (y - mu) / sigma;
  return sigma * (z * (2 * normalCdf(z) - 1) + 2 * normalPdf(z) - 1 / Math.sqrt(Math.PI));
}

/** Pinball (quantile) loss of the τ-quantile q at the outcome y. */
export function pinball(tau: number, q: number, y: number): number {
  return ((y < q ? 1 : 0) - tau) * (q - y);
}

/**
 * CRPS approximated from quantiles at increasing `levels`: 2∫₀¹ QS_τ dτ by the trapezoid rule
 * on the levels, with QS_τ → 0 at τ = 0 and 1 (the tails' τ·|q_τ| vanishes).
 */
export function crpsFromQuantiles(levels: readonly number[], q: readonly number[], y: number): number {
  let s = 0;
  const L = levels.length;
  for (let k = 0; k < L; k++) s += ((k + 1 < L ? levels[k + 1] : 1) - (k > 0 ? levels[k - 1] : 0)) * pinball(levels[k], q[k], y);
  return s;
}

/** A probabilistic forecast at n samples of C channels: quantiles, and the Gaussian behind them where there is one. */
export interface PredictiveSamples {
  /** Quantile levels, increasing in (0, 1). */
  levels: readonly number[];
  /** values[k][c][i]: the levels[k] quantile of channel c at sample i. */
  values: Float64Array[][];
  /** Where the forecast is Gaussian: its mean and standard deviation (CRPS then in closed form). */
  gaussian?: { mean: Float64Array[]; sd: Float64Array[] };
}

/** Calibration of a forecast against the truth, pooled over channels and samples. */
export interface Calibration {
  /** Fraction of the truth inside the central 50, 80 and 95% intervals. */
  coverage: Record<string, number>;
  /** Mean CRPS, on the data's scale. */
  crps: number;
  /** How `crps` was computed. */
  crpsMethod: 'gaussian-closed-form' | 'quantile-score';
  /**
   * PIT histogram over the bins the quantile levels define ([0, l₁), [l₁, l₂), …, [l_L, 1]):
   * edges and the fraction of outcomes in each bin divided by the bin's width (1 everywhere when calibrated).
   */
  pit: { edges: number[]; density: number[] };
  /** Reliability diagram: for each level τ, the fraction of outcomes at or below the τ-quantile (τ when calibrated). */
  reliability: { level: number; observed: number }[];
  /** Outcomes scored (finite truth and quantiles). */
  n: number;
}

function levelIndex(levels: readonly number[], p: number): number {
  return levels.findIndex((l) => Math.abs(l - p) < 1e-9);
}

/**
 * Scores a forecast against `truth[c][lo..hi)` (the forecast's sample i is the truth's lo + i).
 * Central intervals whose end levels the forecast lacks are left out of `coverage`.
 */
export function calibrate(f: PredictiveSamples, truth: Float64Array[], lo: number, hi: number): Calibration {
  const L = f.levels.length;
  const central = CENTRAL_LEVELS.map((p) => ({ p, a: levelIndex(f.levels, (1 - p) / 2), b: levelIndex(f.levels, (1 + p) / 2) })).filter((x) => x.a >= 0 && x.b >= 0);
  const inside = new Array<number>(central.length).fill(0);
  const below = new Array<number>(L).fill(0);
  const bins = new Array<number>(L + 1).fill(0);
  let crps = 0;
  let n = 0;
  const q = new Array<number>(L);
  for (let c = 0; c < truth.length; c++) {
    for (let i = 0; i < hi - lo; i++) {
      const y = truth[c][lo + i];
      for (let k = 0; k < L; k++) q[k] = f.values[k][c][i];
      if (!Number.isFinite(y) || !q.every(Number.isFinite)) continue;
      n++;
      central.forEach((x, j) => {
        if (y >= q[x.a] && y <= q[x.b]) inside[j]++;
      });
      let bin = L;
      for (let k = 0; k < L; k++) {
        if (y <= q[k]) {
          below[k]++;
          if (bin === L) bin = k;
        }
      }
      bins[bin]++;
      crps += f.gaussian ? crpsGaussian(f.gaussian.mean[c][i], f.gaussian.sd[c][i], y) : crpsFromQuantiles(f.levels, q, y);
    }
  }
  const edges = [0, ...f.levels, 1];
  return {
    coverage: Object.fromEntries(central.map((x, j) => [String(Math.round(100 * x.p)), n ? inside[j] / n : NaN])),
    crps: n ? crps / n : NaN,
    crpsMethod: f.gaussian ? 'gaussian-closed-form' : 'quantile-score',
    pit: { edges, density: bins.map((b, k) => (n ? b / n / (edges[k + 1] - edges[k]) : NaN)) },
    reliability: f.levels.map((level, k) => ({ level, observed: n ? below[k] / n : NaN })),
    n,
  };
}

/** The valid prediction time a forecast predicts for itself, with an interval. */
export interface PredictedVpt {
  /** First time the expected running NRMSE exceeds the threshold (the horizon's end if never). */
  time: number;
  /** From the running NRMSE of the 25% and 75% error quantiles: [late, early] reordered to [lo, hi]. */
  interval: [number, number];
}

/**
 * Predicted valid prediction time. With the truth y ~ N(μ, s²) under the forecast's own
 * distribution and the point forecast μ, the expected squared normalised error at sample i
 * is Σ_c s_c,i² / scale_c² / C; its running mean from the window's end is the expected
 * running NRMSE², and the predicted VPT is the first time its root exceeds `threshold` —
 * the same rule as the measured VPT (metrics.ts), applied to the predicted error.
 *
 * The interval: the squared error of one channel is s²·χ²₁, so the running NRMSE scales
 * with the root of a χ²₁ quantile; the times at which the 75% and 25% quantiles (√1.3233
 * and √0.1015 of the typical error) cross the threshold bound where the measured VPT falls
 * under the forecast's own distribution (an interval per sample, not a joint one).
 *
 * @param sd predictive standard deviation of the signal (noise excluded when the truth is clean), per channel
 * @param scale each channel's standard deviation over the training window
 */
export function predictedValidTime(t: Float64Array, sd: Float64Array[], scale: number[], threshold = 0.2): PredictedVpt {
  const n = t.length;
  const C = sd.length;
  const cross = (factor: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let c = 0; c < C; c++) e += (sd[c][i] / scale[c]) ** 2;
      sum += (factor * e) / C;
      if (!(Math.sqrt(sum / (i + 1)) <= threshold)) return t[i];
    }
    return t[n - 1];
  };
  const early = cross(1.3233); // χ²₁ 75% quantile
  const late = cross(0.1015); // χ²₁ 25% quantile
  return { time: cross(1), interval: [Math.min(early, late), Math.max(early, late)] };
}

/** What evaluate() adds to a model's metrics when its forecast has quantiles. */
export interface ForecastCalibration extends Calibration {
  predictedVpt: PredictedVpt;
  /** Whether the observation noise was part of the scored distribution (not when the truth is the clean signal). */
  noiseIncluded: boolean;
  /** The scored quantiles (levels increasing; values[k][c][i]), for bands in figures. */
  levels: readonly number[];
  values: Float64Array[][];
}

/**
 * Calibration of `forecast` (at the truth's samples [lo, hi)) against the truth. When the
 * truth is the clean signal and the forecast is Gaussian, the scored distribution is the
 * signal's alone (the noise the model estimated is not in a clean truth); otherwise the
 * forecast's quantiles as given. The predicted VPT reads the spread from the Gaussian, or
 * from the interquartile range ((q75 − q25)/1.349) of a quantile forecast.
 */
export function forecastCalibration(
  forecast: Forecast,
  truth: Float64Array[],
  lo: number,
  hi: number,
  scale: number[],
  opts: { cleanTruth: boolean; threshold?: number },
): ForecastCalibration | undefined {
  const qs = forecast.quantiles;
  if (!qs || qs.length === 0) return undefined;
  const g = forecast.gaussian;
  let samples: PredictiveSamples;
  let sd: Float64Array[];
  const noiseIncluded = !(g && opts.cleanTruth);
  if (g) {
    sd = g.signalSd.map((s, c) => (noiseIncluded ? s.map((v) => Math.hypot(v, g.noiseSd[c])) : s));
    const levels = qs.map((q) => q.level);
    samples = { levels, values: gaussianQuantiles(forecast.mean, sd, levels).map((q) => q.values), gaussian: { mean: forecast.mean, sd } };
  } else {
    const sorted = [...qs].sort((a, b) => a.level - b.level);
    samples = { levels: sorted.map((q) => q.level), values: sorted.map((q) => q.values) };
    const q25 = sorted.find((q) => Math.abs(q.level - 0.25) < 1e-9);
    const q75 = sorted.find((q) => Math.abs(q.level - 0.75) < 1e-9);
    if (!q25 || !q75) throw new RangeError('a quantile forecast needs its 25% and 75% quantiles for the predicted VPT');
    sd = q25.values.map((a, c) => a.map((v, i) => (q75.values[c][i] - v) / 1.3489795));
  }
  return {
    ...calibrate(samples, truth, lo, hi),
    predictedVpt: predictedValidTime(forecast.t, sd, scale, opts.threshold),
    noiseIncluded,
    levels: samples.levels,
    values: samples.values,
  };
}
