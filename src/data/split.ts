/**
 * Splitting a series in time: the training window and the forecast horizon after it
 * (docs/architecture.md, "Evaluation"). Browser-safe.
 */
import { ConfigError } from '../core/errors.js';
import type { Series } from './series.js';

/** Where the training window ends. Give exactly one of the two. */
export interface SplitOptions {
  /** Last time of the training window (inclusive), on the series' clock. Example: `10`. */
  trainUntil?: number;
  /**
   * Fraction of the time span [t0, t_end] used for training, in (0, 1): the window ends at
   * t0 + fraction·(t_end − t0). A fraction of time, not of samples, so irregular sampling
   * does not move the window. Example: `0.8`.
   */
  trainFraction?: number;
}

/** Train: samples with t ≤ trainUntil; test: samples with t > trainUntil. */
export interface SeriesSplit {
  train: Series;
  test: Series;
  trainUntil: number;
}

/**
 * Splits `series` at a time. The training part must hold at least 2 samples and the
 * test part at least 1; anything else is a ConfigError naming the option.
 */
export function splitSeries(series: Series, opts: SplitOptions): SeriesSplit {
  const { t } = series;
  const n = t.length;
  if (n < 3) throw new ConfigError(`a series of ${n} samples cannot be split (at least 2 to train and 1 to test)`, 'series');
  const t0 = t[0];
  const t1 = t[n - 1];
  let until: number;
  let which: string;
  if (opts.trainUntil !== undefined && opts.trainFraction !== undefined) {
    throw new ConfigError(`give trainUntil or trainFraction, not both (got ${opts.trainUntil} and ${opts.trainFraction})`, 'trainUntil');
  } else if (opts.trainUntil !== undefined) {
    which = 'trainUntil';
    until = opts.trainUntil;
    if (!Number.isFinite(until) || until < t0 || until >= t1) {
      throw new ConfigError(`must lie in [${t0}, ${t1}) so that both parts hold data; got ${until}`, which);
    }
  } else if (opts.trainFraction !== undefined) {
    which = 'trainFraction';
    const f = opts.trainFraction;
    if (!(f > 0 && f < 1)) throw new ConfigError(`must lie in (0, 1); got ${f}`, which);
    until = t0 + f * (t1 - t0);
  } else {
    throw new ConfigError('give trainUntil (a time) or trainFraction (in (0, 1))', 'trainUntil');
  }
  // Binary search: k = number of samples with t <= until.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= until) lo = mid + 1;
    else hi = mid;
  }
  const k = lo;
  if (k < 2) throw new ConfigError(`leaves ${k} sample in the training window t <= ${until} (need at least 2)`, which);
  if (k >= n) throw new ConfigError(`leaves no sample after t = ${until} to test on`, which);
  const part = (a: number, b: number): Series => ({ t: t.slice(a, b), y: series.y.map((c) => c.slice(a, b)), names: [...series.names] });
  return { train: part(0, k), test: part(k, n), trainUntil: until };
}
