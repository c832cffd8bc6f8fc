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
  /**
   * Optional, for local methods: the same derivatives, bit for bit, at the samples [lo, hi)
   * only, into out[0 … hi − lo). The fit streams long data through it a block at a time
   * rather than holding a derivative column per channel.
   */
  differentiateRange?(x: Float64Array, dt: number, lo: number, hi: number, out: Float64Array): void;
}

/**
 * Weights of the derivative at 0 of the polynomial interpolating the points at `offsets`
 * (Fornberg 1988, "Generation of finite difference formulas on arbitrarily spaced grids"):
 * a recurrence over the points, free of the ill-conditioned Vandermonde system.
 */
function interpolationWeights(offsets: readonly number[]): Float64Array {
  const n = offsets.length;
  const C = Array.from({ length: n }, () => [0, 0]);
  C[0][0] = 1;
  let c1 = 1;
  let c4 = offsets[0];
  for (let i = 1; i < n; i++) {
    let c2 = 1;
    const c5 = c4;
    c4 = offsets[i];
    for (let j = 0; j < i; j++) {
      const c3 = offsets[i] - offsets[j];
      c2 *= c3;
      if (j === i - 1) {
        C[i][1] = (c1 * (C[i - 1][0] - c5 * C[i - 1][1])) / c2;
        C[i][0] = (-c1 * c5 * C[i - 1][0]) / c2;
      }
      C[j][1] = (c4 * C[j][1] - C[j][0]) / c3;
      C[j][0] = (c4 * C[j][0]) / c3;
    }
    c1 = c2;
  }
  return Float64Array.from(C, (c) => c[1]);
}

/**
 * Weights w with Σ_j w_j f(s_j) = p'(0), p the least-squares polynomial of `degree` through
 * the points (s_j, f(s_j)); offsets s_j in steps. Exact for every polynomial of that degree.
 */
export function stencilWeights(offsets: readonly number[], degree: number): Float64Array {
  const m = offsets.length;
  const q = degree + 1;
  if (m < q) throw new ConfigError(`a stencil of ${m} points cannot fit a polynomial of degree ${degree}`, 'degree');
  if (m === q) return interpolationWeights(offsets);
  // Offsets scaled to [−1, 1] keep the Vandermonde V (m × q) well conditioned; w = V (VᵀV)⁻¹ e₁ / h.
  const h = Math.max(...offsets.map(Math.abs));
  const V = new Float64Array(m * q);
  for (let j = 0; j < m; j++) for (let k = 0; k < q; k++) V[j * q + k] = (offsets[j] / h) ** k;
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
    w[j] = s / h;
  }
  return w;
}

/** Weights of a window of `width` samples at step dt, one set per position of the sample inside it (interior: centred). */
type WeightsAt = (pos: number) => Float64Array;

function stencilWeightsAt(width: number, degree: number, dt: number): WeightsAt {
  const cache = new Map<number, Float64Array>();
  return (pos) => {
    let w = cache.get(pos);
    if (!w) {
      w = stencilWeights(Array.from({ length: width }, (_, j) => j - pos), degree);
      for (let j = 0; j < width; j++) w[j] /= dt;
      cache.set(pos, w);
    }
    return w;
  };
}

/**
 * The window at the samples [lo, hi) into out[0 … hi − lo): centred (left of centre for even
 * widths) in the interior, shifted inwards at the ends.
 */
function applyRange(x: Float64Array, width: number, weightsAt: WeightsAt, lo: number, hi: number, out: Float64Array): void {
  const n = x.length;
  const left = (width - 1) >> 1;
  const at = (i: number, start: number, w: Float64Array): void => {
    let s = 0;
    for (let j = 0; j < width; j++) s += w[j] * x[start + j];
    out[i - lo] = s;
  };
  // The ends, whose windows are shifted inwards, one weight set per position …
  const a = Math.min(left, n);
  const b = Math.max(a, n - (width - left) + 1);
  for (let i = lo; i < Math.min(hi, a); i++) at(i, 0, weightsAt(i));
  for (let i = Math.max(lo, b); i < hi; i++) at(i, n - width, weightsAt(i - (n - width)));
  // … and the interior with one set, the hot loop at a million samples (written out for
  // the three-point stencil, the default of PySINDy and of the benchmark).
  const w = weightsAt(left);
  const from = Math.max(lo, a);
  const to = Math.min(hi, b);
  if (width === 3) {
    const [w0, w1, w2] = w;
    for (let i = from; i < to; i++) out[i - lo] = w0 * x[i - 1] + w1 * x[i] + w2 * x[i + 1];
  } else {
    for (let i = from; i < to; i++) {
      let s = 0;
      for (let j = 0, k = i - left; j < width; j++, k++) s += w[j] * x[k];
      out[i - lo] = s;
    }
  }
}

/** Applies a window of `width` samples and polynomial `degree` at every sample (see applyRange). */
export function applyStencil(x: Float64Array, dt: number, width: number, degree: number): Float64Array {
  const out = new Float64Array(x.length);
  applyRange(x, width, stencilWeightsAt(width, degree, dt), 0, x.length, out);
  return out;
}

/** A differentiator by a window of `width` samples and a polynomial of `degree`, whole series or a range of samples. */
export function stencilDifferentiator(name: string, width: number, degree: number): Differentiator {
  // The weights of the last step used, so a fit streaming blocks computes them once.
  let cached: { dt: number; weightsAt: WeightsAt } | undefined;
  const weightsFor = (dt: number): WeightsAt => {
    if (cached?.dt !== dt) cached = { dt, weightsAt: stencilWeightsAt(width, degree, dt) };
    return cached.weightsAt;
  };
  return {
    name,
    minSamples: width,
    differentiate(x, dt) {
      const out = new Float64Array(x.length);
      applyRange(x, width, weightsFor(dt), 0, x.length, out);
      return out;
    },
    differentiateRange: (x, dt, lo, hi, out) => applyRange(x, width, weightsFor(dt), lo, hi, out),
  };
}
