/**
 * The standard normal distribution (density, distribution function, quantile) and Gaussian
 * forecast quantiles: what the families' intervals and eval/calibration.ts share.
 */

/** The quantile levels every probabilistic forecast carries: the 7 of the issue plus 2.5/97.5% for the 95% interval. */
export const QUANTILE_LEVELS: readonly number[] = [0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975];

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * Standard normal distribution function, via erfc with a Chebyshev fit (Numerical Recipes
 * `erfcc`, fractional error below 1.2e-7 everywhere — ample for calibration).
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/**
 * Standard normal quantile Φ⁻¹(p) (Acklam's rational approximation, relative error below
 * 1.2e-9). ±Infinity at 0 and 1, NaN outside [0, 1].
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Quantiles at `levels` of independent Gaussians N(mean[c][i], sd[c][i]²), in the `Forecast.quantiles` form. */
export function gaussianQuantiles(mean: Float64Array[], sd: Float64Array[], levels: readonly number[] = QUANTILE_LEVELS): { level: number; values: Float64Array[] }[] {
  return levels.map((level) => {
    const z = normalQuantile(level);
    return { level, values: mean.map((m, c) => m.map((mu, i) => mu + z * sd[c][i])) };
  });
}
