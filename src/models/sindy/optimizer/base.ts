/**
 * Sparse regression, the last stage of SINDy: find a sparse Ξ with Ẋ ≈ Θ(X) Ξ. The
 * optimizers work on the normal equations — the Gram matrix ΘᵀΘ (P × P) and Θᵀẋ — because
 * the library is small and the samples many: forming them is one pass over the data
 * (O(n P²)), after which every thresholding step costs O(P³), independent of n.
 */
import { ConfigError, throwIfAborted } from '../../../core/errors.js';
import type { Rng } from '../../../core/rng.js';
import { solveLinear, SingularMatrixError } from '../../../core/linalg.js';

/** Normal equations of one regression: G = ΘᵀWΘ (P × P, row-major), b[c] = ΘᵀWẋ_c. */
export interface NormalEquations {
  P: number;
  G: Float64Array;
  b: Float64Array[];
}

export interface SparseFit {
  /** Coefficients, one row of P per target. */
  coef: Float64Array[];
  /** Where the optimizer estimates them: the fraction of models that kept each term, per target. */
  inclusion?: Float64Array[];
}

export interface SparseOptimizer {
  readonly name: string;
  /** Fits every target column of `targets` on the features `theta` (columns, equal lengths). */
  fit(theta: readonly Float64Array[], targets: readonly Float64Array[], ctx: { rng: Rng; signal?: AbortSignal }): SparseFit;
}

/** Rows per block when forming the Gram matrix: a block of every column stays in cache. */
const BLOCK = 2048;

/**
 * out[o + q] += Σ_i a[ia + i]·cols[q][ib + i] for q < 4 over m entries: one column against
 * four at once, so each a[i] is read once for four products and the four sums run side by
 * side (the Gram matrix is bound by loads, not by multiplications).
 */
function dot4(a: Float64Array, ia: number, c0: Float64Array, c1: Float64Array, c2: Float64Array, c3: Float64Array, ib: number, m: number, out: Float64Array, o: number): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < m; i++) {
    const v = a[ia + i];
    const r = ib + i;
    s0 += v * c0[r];
    s1 += v * c1[r];
    s2 += v * c2[r];
    s3 += v * c3[r];
  }
  out[o] += s0;
  out[o + 1] += s1;
  out[o + 2] += s2;
  out[o + 3] += s3;
}

/** Σ_i a[ia + i]·b[ib + i] over m entries, four running sums (the adds no longer wait on each other). */
function dot(a: Float64Array, ia: number, b: Float64Array, ib: number, m: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    s0 += a[ia + i] * b[ib + i];
    s1 += a[ia + i + 1] * b[ib + i + 1];
    s2 += a[ia + i + 2] * b[ib + i + 2];
    s3 += a[ia + i + 3] * b[ib + i + 3];
  }
  for (; i < m; i++) s0 += a[ia + i] * b[ib + i];
  return s0 + s1 + (s2 + s3);
}

/**
 * G = Σ_i w_i θ_i θ_iᵀ and b_c = Σ_i w_i θ_i ẋ_ic over the samples, with weights `w`
 * (bootstrap multiplicities; all 1 when absent), in blocks of rows. Row j of G and the
 * b_c[j] are the products of column j with the columns k ≥ j and the targets, four at a time.
 */
export function normalEquations(theta: readonly Float64Array[], targets: readonly Float64Array[], w?: Float64Array, signal?: AbortSignal): NormalEquations {
  const P = theta.length;
  const T = targets.length;
  const n = theta[0]?.length ?? 0;
  const G = new Float64Array(P * P);
  const b = targets.map(() => new Float64Array(P));
  const wcol = new Float64Array(BLOCK);
  // Row j's right-hand columns: θ_j … θ_{P−1}, then the targets; sums land in acc.
  const right: Float64Array[] = new Array(P + T);
  const acc = new Float64Array(P + T + 3);
  for (let lo = 0; lo < n; lo += BLOCK) {
    throwIfAborted(signal);
    const hi = Math.min(n, lo + BLOCK);
    for (let j = 0; j < P; j++) {
      // The weighted column once per block (or the column itself), then dot products.
      let cj: Float64Array = theta[j];
      let off = lo;
      if (w) {
        for (let i = lo; i < hi; i++) wcol[i - lo] = w[i] * cj[i];
        cj = wcol;
        off = 0;
      }
      const R = P - j + T;
      for (let k = j; k < P; k++) right[k - j] = theta[k];
      for (let c = 0; c < T; c++) right[P - j + c] = targets[c];
      acc.fill(0);
      let r = 0;
      for (; r + 3 < R; r += 4) dot4(cj, off, right[r], right[r + 1], right[r + 2], right[r + 3], lo, hi - lo, acc, r);
      for (; r < R; r++) acc[r] = dot(cj, off, right[r], lo, hi - lo);
      for (let k = j; k < P; k++) G[j * P + k] += acc[k - j];
      for (let c = 0; c < T; c++) b[c][j] += acc[P - j + c];
    }
  }
  for (let j = 0; j < P; j++) for (let k = 0; k < j; k++) G[j * P + k] = G[k * P + j];
  return { P, G, b };
}

/**
 * Ridge solution on the `active` features: (G_AA + λ I) ξ_A = b_A; other entries zero.
 * A singular system (a feature that is zero on every sample, no ridge) is a ConfigError
 * that points to the ridge.
 */
export function ridgeSolve(eq: NormalEquations, rhs: Float64Array, active: readonly number[], ridge: number): Float64Array {
  const m = active.length;
  const xi = new Float64Array(eq.P);
  if (m === 0) return xi;
  const A = new Float64Array(m * m);
  const r = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    for (let c = 0; c < m; c++) A[a * m + c] = eq.G[active[a] * eq.P + active[c]];
    A[a * m + a] += ridge;
    r[a] = rhs[active[a]];
  }
  let sol: Float64Array;
  try {
    sol = solveLinear(A, m, r);
  } catch (e) {
    if (e instanceof SingularMatrixError) throw new ConfigError('the library has features that are linearly dependent on the data; set a positive ridge', 'optimizer.ridge');
    throw e;
  }
  for (let a = 0; a < m; a++) xi[active[a]] = sol[a];
  return xi;
}
