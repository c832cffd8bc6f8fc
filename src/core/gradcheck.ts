/**
 * Finite-difference gradient checks. Every gradient in lawful (kernel backward, term
 * vjp, adjoint) is compared against central differences with these helpers.
 */

export interface GradCheckResult {
  /** Largest relative error over the checked entries: |g − fd| / max(|g|, |fd|, floor). */
  maxRelError: number;
  /** Index where `maxRelError` occurs. */
  worstIndex: number;
  analytic: Float64Array;
  numeric: Float64Array;
}

export interface GradCheckOptions {
  /** Step of the central difference, relative to max(1, |x_i|). Default 1e-6. */
  step?: number;
  /** Absolute floor of the denominator, so gradients near zero compare absolutely. Default 1e-8. */
  floor?: number;
  /** Check only these indices (default: all). */
  indices?: number[];
}

/** Central difference of a scalar function `loss` at `x` (x is restored afterwards). */
export function numericGradient(loss: (x: Float64Array) => number, x: Float64Array, opts: GradCheckOptions = {}): Float64Array {
  const step = opts.step ?? 1e-6;
  const g = new Float64Array(x.length);
  const idx = opts.indices ?? Array.from(x.keys());
  for (const i of idx) {
    const xi = x[i];
    const h = step * Math.max(1, Math.abs(xi));
    x[i] = xi + h;
    const fp = loss(x);
    x[i] = xi - h;
    const fm = loss(x);
    x[i] = xi;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** Compares an analytic gradient with central differences of `loss` at `x`. */
export function checkGradient(
  loss: (x: Float64Array) => number,
  gradient: (x: Float64Array) => Float64Array,
  x: Float64Array,
  opts: GradCheckOptions = {},
): GradCheckResult {
  const floor = opts.floor ?? 1e-8;
  const analytic = Float64Array.from(gradient(x));
  const numeric = numericGradient(loss, x, opts);
  let maxRelError = 0;
  let worstIndex = -1;
  for (const i of opts.indices ?? Array.from(x.keys())) {
    const err = Math.abs(analytic[i] - numeric[i]) / Math.max(Math.abs(analytic[i]), Math.abs(numeric[i]), floor);
    if (err > maxRelError) {
      maxRelError = err;
      worstIndex = i;
    }
  }
  return { maxRelError, worstIndex, analytic, numeric };
}
