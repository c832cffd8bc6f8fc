/**
 * Scalar activations shared by the kernels (nn/) and the model families that squash
 * parameters (models/oscillator-bank: σ is softplus′, the derivative of its damping and
 * coupling maps). One definition, so every caller rounds the same way. Browser-safe.
 */

/** The logistic function σ(x) = 1/(1 + e^{−x}); σ′ = σ(1 − σ). */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** softplus(x) = log(1 + eˣ), without overflow for large x; softplus′ = σ. */
export function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}
