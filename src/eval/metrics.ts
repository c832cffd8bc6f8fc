/**
 * Forecast metrics (docs/architecture.md, "Evaluation"). Errors are pooled over channels; NRMSE divides
 * each channel's RMSE by the truth's standard deviation over the training window, so a
 * score of 1 means "no better than predicting the window's mean".
 */

/** Population standard deviation of `x[lo..hi)`. */
export function std(x: Float64Array, lo = 0, hi = x.length): number {
  let m = 0;
  for (let i = lo; i < hi; i++) m += x[i];
  m /= hi - lo;
  let v = 0;
  for (let i = lo; i < hi; i++) v += (x[i] - m) ** 2;
  return Math.sqrt(v / (hi - lo));
}

/** Root-mean-square of `pred − truth` over `[lo, hi)`, skipping NaN predictions (no history yet). */
export function rmse(truth: Float64Array, pred: Float64Array, lo = 0, hi = truth.length): number {
  let s = 0;
  let n = 0;
  for (let i = lo; i < hi; i++) {
    if (Number.isNaN(pred[i])) continue;
    s += (pred[i] - truth[i]) ** 2;
    n++;
  }
  return n === 0 ? NaN : Math.sqrt(s / n);
}

/** Multichannel RMSE and NRMSE: RMS over channels of each channel's (normalised) error. */
export function channelErrors(
  truth: Float64Array[],
  pred: Float64Array[],
  scale: number[],
  lo: number,
  hi: number,
): { rmse: number; nrmse: number } {
  let r = 0;
  let nr = 0;
  for (let c = 0; c < truth.length; c++) {
    const e = rmse(truth[c], pred[c], lo, hi);
    r += e * e;
    nr += (e / scale[c]) ** 2;
  }
  return { rmse: Math.sqrt(r / truth.length), nrmse: Math.sqrt(nr / truth.length) };
}

/**
 * Valid prediction time: the first sample time t after `from` at which the running NRMSE,
 * sqrt(mean over (from, t] of Σ_c (err_c / scale_c)² / C), exceeds `threshold` — the same
 * definition as the reference scripts (docs/peer-baselines.md). Returns `t[hi − 1]` (the end of the
 * horizon) when the forecast never breaks down. A non-finite prediction counts as a breakdown.
 */
export function validPredictionTime(
  t: Float64Array,
  truth: Float64Array[],
  pred: Float64Array[],
  scale: number[],
  lo: number,
  hi: number,
  threshold = 0.2,
): number {
  let sum = 0;
  for (let i = lo; i < hi; i++) {
    let e = 0;
    for (let c = 0; c < truth.length; c++) e += ((pred[c][i] - truth[c][i]) / scale[c]) ** 2;
    sum += e / truth.length;
    const running = Math.sqrt(sum / (i - lo + 1));
    if (!(running <= threshold)) return t[i];
  }
  return t[hi - 1];
}
