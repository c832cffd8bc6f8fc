/**
 * Intervals for a family whose forecast carries none (issue 12: every model is scored for
 * calibration), from the model's own errors inside its training window, through the public
 * contract only (docs/audit.md):
 *
 * - a sequence family ('one-step') forecasts from the window's first 40, 60 and 80% and is
 *   compared with the rest of the window; the RMS error per lead time (in 20 bins of the
 *   longest lead, made non-decreasing in lead) is the band's standard deviation at that lead;
 * - a state-space family ('simulated') forecasts from its fitted initial state whatever the
 *   context, so its in-window RMS error is the band's standard deviation at every time.
 *
 * Beyond the longest lead a backtest could check, and wherever it is larger, the standard
 * deviation is √2 × the window's standard deviation: the error of a forecast that has lost its
 * phase against an unrelated signal of the same variance. The errors are against the
 * observations, so the band holds their noise too. Browser-safe.
 */
import { gaussianQuantiles } from '../core/normal.js';
import type { Series } from '../data/series.js';
import type { Fitted, Forecast } from '../models/base.js';
import { std } from './metrics.js';

/** Where the backtests of a sequence family start, as fractions of the window. */
const ORIGINS = [0.4, 0.6, 0.8];
/** Lead-time bins over the longest backtested lead. */
const BINS = 20;

/** Index of the first sample with t > x. */
function after(t: Float64Array, x: number): number {
  let i = 0;
  while (i < t.length && t[i] <= x) i++;
  return i;
}

/**
 * The standard deviation per channel at each of `times` (after the end of `train`) of a
 * forecast's error, measured by backtests of `fitted` on `train`.
 */
export function backtestSpread(fitted: Fitted, train: Series, times: Float64Array): Float64Array[] {
  const N = train.t.length;
  const C = train.y.length;
  const ceiling = train.y.map((y) => Math.SQRT2 * std(y));
  const end = train.t[N - 1];
  if (fitted.inWindowMode === 'simulated') {
    const sim = fitted.forecast(train.t, train).mean;
    return train.y.map((y, c) => {
      let s = 0;
      let n = 0;
      for (let i = 0; i < N; i++) {
        const e = y[i] - sim[c][i];
        if (!Number.isFinite(e)) continue;
        s += e * e;
        n++;
      }
      const sd = n ? Math.sqrt(s / n) : Infinity;
      return new Float64Array(times.length).fill(Math.min(sd, ceiling[c]));
    });
  }
  const t0 = train.t[0];
  const span = end - t0;
  const maxLead = (1 - ORIGINS[0]) * span;
  const sum = Array.from({ length: C }, () => new Float64Array(BINS));
  const count = Array.from({ length: C }, () => new Float64Array(BINS));
  for (const f of ORIGINS) {
    const o = after(train.t, t0 + f * span);
    if (o < 2 || o >= N) continue;
    const context: Series = { t: train.t.subarray(0, o), y: train.y.map((y) => y.subarray(0, o)), names: train.names };
    const ahead = train.t.slice(o);
    const pred = fitted.forecast(ahead, context).mean;
    const origin = train.t[o - 1];
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < ahead.length; i++) {
        const bin = Math.min(BINS - 1, Math.floor(((ahead[i] - origin) / maxLead) * BINS));
        const e = train.y[c][o + i] - pred[c][i];
        sum[c][bin] += Number.isFinite(e) ? e * e : Infinity;
        count[c][bin]++;
      }
    }
  }
  return Array.from({ length: C }, (_, c) => {
    // RMS per bin, non-decreasing in lead; an empty bin inherits the one before.
    const rms = new Float64Array(BINS);
    let prev = 0;
    for (let k = 0; k < BINS; k++) {
      const v = count[c][k] ? Math.sqrt(sum[c][k] / count[c][k]) : prev;
      rms[k] = Math.max(prev, v);
      prev = rms[k];
    }
    return times.map((t) => {
      const lead = t - end;
      if (!(lead <= maxLead)) return ceiling[c];
      const k = Math.min(BINS - 1, Math.max(0, Math.floor((lead / maxLead) * BINS)));
      return Math.min(rms[k], ceiling[c]);
    });
  });
}

/** `forecast` with the quantiles of a Gaussian of the backtested spread, when it has none of its own. */
export function withBacktestQuantiles(forecast: Forecast, fitted: Fitted, train: Series): Forecast {
  if (forecast.quantiles?.length) return forecast;
  const sd = backtestSpread(fitted, train, forecast.t);
  return { ...forecast, quantiles: gaussianQuantiles(forecast.mean, sd), gaussian: { signalSd: sd, noiseSd: sd.map(() => 0) } };
}
