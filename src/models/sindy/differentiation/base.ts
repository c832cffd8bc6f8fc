/**
 * Derivative estimation from uniformly sampled data, the first stage of SINDy (Brunton,
 * Proctor & Kutz 2016). Every method is a `Differentiator`; the stencil methods (finite
 * differences, Savitzky–Golay) share `stencilWeights` and `applyStencil`: a local polynomial
 * of some degree fitted by least squares to a window of samples, differentiated at the
 * sample. With as many samples as coefficients it interpolates (finite differences); with
 * more it smooths (Savitzky & Golay 1964). Near the ends the window shifts inwards rather
 * than shrinking, so the endpoints keep the interior's order of accuracy.
 */
import { ConfigError } from '../../../core/errors.js';
import { solveLinear } from '../../../core/linalg.js';

/** One derivative-estimation method. */
export interface Differentiator {
  /** Short name for messages, e.g. "finite-difference order 2". */
  readonly name: string;
  /** Fewest samples it needs. */
  readonly minSamples: number;
  /** dx/dt at every sample of `x`, sampled every `dt` (unit of t). */
  differentiate(x: Float64Array, dt: number): Float64Array;
}

/**
 * Weights w with Σ_j w_j f(s_j) = p'(0), p the least-squares polynomial of `degree` through
 * the points (s_j, f(s_j)); offsets s_j in steps. Exact for every polynomial of that degree.
 */
export function stencilWeights(offsets: readonly number[], degree: number): Float64Array {
  const m = offsets.length;
  const q = degree + 1;
  if (m < q) throw new ConfigError(`a stencil of ${m} points cannot fit a polynomial of degree ${degree}`, 'degree');
  // Vandermonde V (m × q), V_jk = s_j^k; weights w = V (VᵀV)⁻¹ e₁.
  const V = new Float64Array(m * q);
  for (let j = 0; j < m; j++) for (let k = 0; k < q; k++) V[j * q + k] = offsets[j] ** k;
  const G = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += V[j * q + a] * V[j * q + b];
    G[a * q + b] = s;
  }
  const e1 = new Float64Array(q);
  e1[1] = 1;
  const a = solveLinear(G, q, e1);
  const w = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let k = 0; k < q; k++) s += V[j * q + k] * a[k];
    w[j] = s;
  }
  return w;
}

/**
 * Applies a window of `width` samples and polynomial `degree` at every sample: centred
 * (left of centre for even widths) in the interior, shifted inwards at the ends.
 */
export function applyStencil(x: Float64Array, dt: number, width: number, degree: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const left = (width - 1) >> 1;
  // One weight set per position of the sample inside its window (interior: `left`).
  const cache = new Map<number, Float64Array>();
  const weightsAt = (pos: number): Float64Array => {
    let w = cache.get(pos);
    if (!w) {
      w = stencilWeights(Array.from({ length: width }, (_, j) => j - pos), degree);
      for (let j = 0; j < width; j++) w[j] /= dt;
      cache.set(pos, w);
    }
    return w;
  };
  for (let i = 0; i < n; i++) {
    const start = Math.min(Math.max(i - left, 0), n - width);
    const w = weightsAt(i - start);
    let s = 0;
    for (let j = 0; j < width; j++) s += w[j] * x[start + j];
    out[i] = s;
  }
  return out;
}
