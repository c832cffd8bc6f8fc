/**
 * Sparse regression, the last stage of SINDy: find a sparse Ξ with Ẋ ≈ Θ(X) Ξ. The
 * optimizers work on the normal equations — the Gram matrix ΘᵀΘ (P × P) and Θᵀẋ — because
 * the library is small and the samples many: forming them is one pass over the data
 * (O(n P²)), after which every thresholding step costs O(P³), independent of n. Squaring
 * Θ's condition number this way is harmless at SINDy's sizes: the known answers (Lorenz to
 * 0.2%, the logistic map exactly) are far above the rounding it adds.
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

/**
 * The rows of one regression, visited in consecutive blocks of at most REGRESSION_BLOCK
 * rows: the features Θ and the targets over the block, as columns. A source computes each
 * block when asked, so the whole Θ (n × P) never has to exist: SINDy streams its data through
 * the library block by block (fit.ts), and `columnRows` serves columns already in memory.
 */
export interface RegressionRows {
  /** Number of features (columns of Θ). */
  readonly P: number;
  /** Number of targets. */
  readonly T: number;
  /** Number of rows. */
  readonly n: number;
  /**
   * Calls `visit` once per block, in row order; `start` is the block's first row. The
   * arrays are only valid during the call (the source may reuse them for the next block).
   */
  forEachBlock(visit: (theta: readonly Float64Array[], targets: readonly Float64Array[], start: number) => void, signal?: AbortSignal): void;
}

export interface SparseOptimizer {
  readonly name: string;
  /** Fits every target of `rows` on its features. */
  fit(rows: RegressionRows, ctx: { rng: Rng; signal?: AbortSignal }): SparseFit;
}

/** Rows per block: a block of every column stays in cache while the Gram matrix reads it. */
export const REGRESSION_BLOCK = 2048;

/** The rows of features and targets given as columns (equal lengths), in blocks of views. */
export function columnRows(theta: readonly Float64Array[], targets: readonly Float64Array[]): RegressionRows {
  const n = theta[0]?.length ?? 0;
  return {
    P: theta.length,
    T: targets.length,
    n,
    forEachBlock(visit, signal) {
      for (let lo = 0; lo < n; lo += REGRESSION_BLOCK) {
        throwIfAborted(signal);
        const hi = Math.min(n, lo + REGRESSION_BLOCK);
        visit(
          theta.map((c) => c.subarray(lo, hi)),
          targets.map((c) => c.subarray(lo, hi)),
          lo,
        );
      }
    },
  };
}

/**
 * The rows copied into whole columns, for an optimizer that reads them many times (the
 * ensemble's resamples): a streamed source would compute its library and derivatives again
 * on every pass.
 */
export function materialize(rows: RegressionRows, signal?: AbortSignal): RegressionRows {
  const theta = Array.from({ length: rows.P }, () => new Float64Array(rows.n));
  const targets = Array.from({ length: rows.T }, () => new Float64Array(rows.n));
  rows.forEachBlock((th, tg, start) => {
    th.forEach((c, k) => theta[k].set(c, start));
    tg.forEach((c, k) => targets[k].set(c, start));
  }, signal);
  return columnRows(theta, targets);
}

/**
 * S[4r + q] = Σ_i a_r[i]·c_q[i] for r < 2, q < 4, over m entries: two columns against
 * four at once, eight running sums. Forming the Gram matrix is bound by loads, and this reads
 * six values for eight products (a column against one other reads two for one). Each sum runs
 * over i in order, so the result does not depend on how the products are grouped.
 */
function dot2x4(a0: Float64Array, a1: Float64Array, c0: Float64Array, c1: Float64Array, c2: Float64Array, c3: Float64Array, m: number, S: Float64Array): void {
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  for (let i = 0; i < m; i++) {
    const u = a0[i];
    const v = a1[i];
    const x0 = c0[i];
    const x1 = c1[i];
    const x2 = c2[i];
    const x3 = c3[i];
    s00 += u * x0;
    s01 += u * x1;
    s02 += u * x2;
    s03 += u * x3;
    s10 += v * x0;
    s11 += v * x1;
    s12 += v * x2;
    s13 += v * x3;
  }
  S[0] = s00;
  S[1] = s01;
  S[2] = s02;
  S[3] = s03;
  S[4] = s10;
  S[5] = s11;
  S[6] = s12;
  S[7] = s13;
}

/**
 * G = Σ_i w_i θ_i θ_iᵀ and b_c = Σ_i w_i θ_i ẋ_ic over the rows, with weights `w` (bootstrap
 * multiplicities, one per row; all 1 when absent), block by block: rows j and j + 1 of G and
 * of the b_c are the products of columns j, j + 1 with the columns k ≥ j and the targets,
 * two by four at a time; each block's sums are added to G once, and the lower triangle is
 * filled from symmetry at the end.
 */
export function normalEquations(rows: RegressionRows, w?: Float64Array, signal?: AbortSignal): NormalEquations {
  const { P, T } = rows;
  const G = new Float64Array(P * P);
  const b = Array.from({ length: T }, () => new Float64Array(P));
  const w0 = new Float64Array(REGRESSION_BLOCK);
  const w1 = new Float64Array(REGRESSION_BLOCK);
  const none = new Float64Array(REGRESSION_BLOCK);
  const all: Float64Array[] = new Array(P + T);
  const S = new Float64Array(8);
  rows.forEachBlock((theta, targets, start) => {
    const m = theta[0]?.length ?? targets[0]?.length ?? 0;
    for (let k = 0; k < P; k++) all[k] = theta[k];
    for (let c = 0; c < T; c++) all[P + c] = targets[c];
    for (let j = 0; j < P; j += 2) {
      const pair = j + 1 < P;
      // The weighted left columns once per block (or the columns themselves), then products.
      let a0 = all[j];
      let a1 = pair ? all[j + 1] : none;
      if (w) {
        for (let i = 0; i < m; i++) w0[i] = w[start + i] * a0[i];
        a0 = w0;
        if (pair) {
          for (let i = 0; i < m; i++) w1[i] = w[start + i] * a1[i];
          a1 = w1;
        }
      }
      // Columns j … P + T − 1 in blocks of four from the right; the leftmost block is also
      // four wide (overlapping its neighbour, or repeating the last column when fewer than
      // four remain), so every product goes through the eight-sum kernel, and only the
      // columns [from, end) of each block are recorded.
      for (let end = P + T; end > j; end -= 4) {
        const from = Math.max(j, end - 4);
        const col = (q: number) => all[Math.min(from + q, P + T - 1)];
        dot2x4(a0, a1, col(0), col(1), col(2), col(3), m, S);
        for (let r = 0; r < (pair ? 2 : 1); r++) {
          const row = j + r;
          for (let k = Math.max(from, row); k < end; k++) {
            const v = S[4 * r + k - from];
            if (k < P) G[row * P + k] += v;
            else b[k - P][row] += v;
          }
        }
      }
    }
  }, signal);
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
