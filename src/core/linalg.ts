/**
 * Small dense linear algebra on row-major `Float64Array`s, for the sizes lawful meets in
 * its inner loops (n ≈ 2–64): matrix products, norms, LU with partial pivoting and
 * Householder QR least squares. Every routine that has an `out`/workspace argument
 * allocates nothing when it is given, so it can run inside integration and training loops.
 * ml-matrix remains the tool for anything larger or rarer (eigen-decompositions, SVD).
 *
 * Conventions: an m×n matrix `A` stores entry (i, j) at `A[i * n + j]`.
 */
import { LawfulError } from './errors.js';

/** A linear system had no unique solution (an exactly or numerically singular matrix). */
export class SingularMatrixError extends LawfulError {
  override name = 'SingularMatrixError';
}

/** The n×n identity, written into `out` (allocated if absent). */
export function identity(n: number, out: Float64Array = new Float64Array(n * n)): Float64Array {
  out.fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/**
 * C = A·B for A m×k and B k×n; `out` (m×n) must not alias A or B.
 * i-k-j loop order so the innermost loop runs along rows of B and C (contiguous).
 */
export function matmul(
  A: Float64Array,
  B: Float64Array,
  m: number,
  k: number,
  n: number,
  out: Float64Array = new Float64Array(m * n),
): Float64Array {
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const a = A[i * k + p];
      if (a === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) out[ci + j] += a * B[bp + j];
    }
  }
  return out;
}

/** y = A·x for A m×n; `out` (length m) must not alias x. */
export function matvec(A: Float64Array, x: Float64Array, m: number, n: number, out: Float64Array = new Float64Array(m)): Float64Array {
  for (let i = 0; i < m; i++) {
    let s = 0;
    const ai = i * n;
    for (let j = 0; j < n; j++) s += A[ai + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** Aᵀ (n×m) of A m×n; `out` must not alias A. */
export function transpose(A: Float64Array, m: number, n: number, out: Float64Array = new Float64Array(m * n)): Float64Array {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = A[i * n + j];
  return out;
}

/** Matrix 1-norm (largest absolute column sum) of A m×n. NaN if A holds a NaN. */
export function norm1(A: Float64Array, m: number, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += Math.abs(A[i * n + j]);
    if (s !== s) return NaN;
    if (s > best) best = s;
  }
  return best;
}

/** Infinity norm of a vector (largest |x_i|). NaN if x holds a NaN. */
export function normInf(x: Float64Array): number {
  let best = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a !== a) return NaN;
    if (a > best) best = a;
  }
  return best;
}

/** Euclidean inner product of two vectors of equal length. */
export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/**
 * LU factorisation with partial (row) pivoting, in place: afterwards `A` holds L (unit
 * lower, below the diagonal) and U (on and above it), and `piv[k]` is the row swapped with
 * row k at step k (LAPACK getrf convention, 0-based). Golub & Van Loan, Alg. 3.4.1.
 * @returns false if a zero pivot was met (A singular); the factors are then unusable.
 */
export function luFactor(A: Float64Array, n: number, piv: Int32Array): boolean {
  let ok = true;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(A[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const a = Math.abs(A[i * n + k]);
      if (a > best) {
        best = a;
        p = i;
      }
    }
    piv[k] = p;
    if (!(best > 0)) {
      ok = false; // singular or NaN column: keep going so the loop stays total
      continue;
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = A[k * n + j];
        A[k * n + j] = A[p * n + j];
        A[p * n + j] = t;
      }
    }
    const inv = 1 / A[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const l = (A[i * n + k] *= inv);
      if (l === 0) continue;
      for (let j = k + 1; j < n; j++) A[i * n + j] -= l * A[k * n + j];
    }
  }
  return ok;
}

/**
 * Solves A·X = B in place given the factors of {@link luFactor}; B is n×nrhs row-major
 * (a plain vector when nrhs = 1) and is overwritten with X.
 */
export function luSolve(LU: Float64Array, n: number, piv: Int32Array, B: Float64Array, nrhs = 1): Float64Array {
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) {
      for (let c = 0; c < nrhs; c++) {
        const t = B[k * nrhs + c];
        B[k * nrhs + c] = B[p * nrhs + c];
        B[p * nrhs + c] = t;
      }
    }
  }
  // Forward substitution with unit-lower L.
  for (let i = 1; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const l = LU[i * n + k];
      if (l === 0) continue;
      for (let c = 0; c < nrhs; c++) B[i * nrhs + c] -= l * B[k * nrhs + c];
    }
  }
  // Back substitution with U.
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const u = LU[i * n + k];
      if (u === 0) continue;
      for (let c = 0; c < nrhs; c++) B[i * nrhs + c] -= u * B[k * nrhs + c];
    }
    const inv = 1 / LU[i * n + i];
    for (let c = 0; c < nrhs; c++) B[i * nrhs + c] *= inv;
  }
  return B;
}

/**
 * Solves the square system A·X = B (A n×n, B n×nrhs, both row-major) by LU with partial
 * pivoting. Allocating convenience: A and B are left unchanged and X is returned.
 * @throws SingularMatrixError if a pivot is exactly zero.
 */
export function solveLinear(A: Float64Array, n: number, B: Float64Array, nrhs = 1): Float64Array {
  const LU = Float64Array.from(A.subarray(0, n * n));
  const piv = new Int32Array(n);
  if (!luFactor(LU, n, piv)) throw new SingularMatrixError(`solveLinear: the ${n}×${n} matrix is singular`);
  return luSolve(LU, n, piv, Float64Array.from(B.subarray(0, n * nrhs)), nrhs);
}

/**
 * Householder QR of A m×n (m ≥ n), in place (Golub & Van Loan, Alg. 5.2.1): afterwards the
 * upper triangle holds R, and column j below the diagonal holds the Householder vector v_j
 * (with v_j[j] = 1 implied) whose reflector is I − τ_j v_j v_jᵀ; `tau` gets the τ_j.
 * Q = H_0 H_1 … H_{n−1}. Column norms are scaled (LAPACK dnrm2 style) so no overflow.
 */
export function qrFactor(A: Float64Array, m: number, n: number, tau: Float64Array): void {
  for (let j = 0; j < n; j++) {
    let scale = 0;
    for (let i = j; i < m; i++) scale = Math.max(scale, Math.abs(A[i * n + j]));
    if (scale === 0) {
      tau[j] = 0;
      continue;
    }
    let ss = 0;
    for (let i = j; i < m; i++) {
      const a = A[i * n + j] / scale;
      ss += a * a;
    }
    const alpha = A[j * n + j];
    // β = −sign(α)‖x‖ avoids cancellation in v_0 = α − β.
    const beta = (alpha >= 0 ? -1 : 1) * scale * Math.sqrt(ss);
    const v0 = alpha - beta;
    tau[j] = (beta - alpha) / beta;
    for (let i = j + 1; i < m; i++) A[i * n + j] /= v0;
    A[j * n + j] = beta;
    // Apply H_j to the trailing columns: a_c ← a_c − τ v (vᵀ a_c).
    for (let c = j + 1; c < n; c++) {
      let s = A[j * n + c];
      for (let i = j + 1; i < m; i++) s += A[i * n + j] * A[i * n + c];
      s *= tau[j];
      A[j * n + c] -= s;
      for (let i = j + 1; i < m; i++) A[i * n + c] -= s * A[i * n + j];
    }
  }
}

/** b ← Qᵀ b in place, with Q from {@link qrFactor} of an m×n matrix. */
export function qrApplyQt(QR: Float64Array, m: number, n: number, tau: Float64Array, b: Float64Array): Float64Array {
  for (let j = 0; j < n; j++) {
    if (tau[j] === 0) continue;
    let s = b[j];
    for (let i = j + 1; i < m; i++) s += QR[i * n + j] * b[i];
    s *= tau[j];
    b[j] -= s;
    for (let i = j + 1; i < m; i++) b[i] -= s * QR[i * n + j];
  }
  return b;
}

/** The square orthogonal factor Q (n×n) of {@link qrFactor} of an n×n matrix: Q = H₀ H₁ … H₍ₙ₋₁₎. */
export function qrQ(QR: Float64Array, n: number, tau: Float64Array): Float64Array {
  const Q = identity(n);
  // Apply the reflectors to I from the last one back.
  for (let j = n - 1; j >= 0; j--) {
    for (let c = 0; c < n; c++) {
      let s = Q[j * n + c];
      for (let i = j + 1; i < n; i++) s += QR[i * n + j] * Q[i * n + c];
      s *= tau[j];
      Q[j * n + c] -= s;
      for (let i = j + 1; i < n; i++) Q[i * n + c] -= s * QR[i * n + j];
    }
  }
  return Q;
}

/** Options of {@link leastSquares}. */
export interface LeastSquaresOptions {
  /**
   * Tikhonov (ridge) weight λ ≥ 0: minimises ‖Ax − b‖² + λ‖x‖². Solved by QR of the
   * stacked matrix [A; √λ I], never by normal equations. Default 0. Use it when columns
   * may be (nearly) dependent, e.g. two oscillators with equal frequency.
   */
  ridge?: number;
  /**
   * Relative rank tolerance: a diagonal entry of R with |r_jj| ≤ rcond·max|r_ii| makes the
   * problem rank-deficient and throws. Default n·2⁻⁵² (machine epsilon times n).
   */
  rcond?: number;
}

/**
 * Least-squares solution of min ‖A x − b‖₂ for A m×n (m ≥ n, full column rank),
 * by Householder QR (Golub & Van Loan §5.3.3): x = R⁻¹ (Qᵀb)[0:n]. The QR route keeps
 * the conditioning at κ(A), not κ(A)² as the normal equations would.
 * A and b are left unchanged.
 * @throws SingularMatrixError if A is numerically rank-deficient (see `rcond`, `ridge`).
 */
export function leastSquares(A: Float64Array, m: number, n: number, b: Float64Array, opts: LeastSquaresOptions = {}): Float64Array {
  const ridge = opts.ridge ?? 0;
  const rows = ridge > 0 ? m + n : m;
  if (rows < n) throw new SingularMatrixError(`leastSquares: ${m}×${n} system is underdetermined (m < n); set ridge > 0`);
  const QR = new Float64Array(rows * n);
  QR.set(A.subarray(0, m * n));
  const rhs = new Float64Array(rows);
  rhs.set(b.subarray(0, m));
  if (ridge > 0) {
    const r = Math.sqrt(ridge);
    for (let j = 0; j < n; j++) QR[(m + j) * n + j] = r;
  }
  const tau = new Float64Array(n);
  qrFactor(QR, rows, n, tau);
  qrApplyQt(QR, rows, n, tau, rhs);
  let rmax = 0;
  for (let j = 0; j < n; j++) rmax = Math.max(rmax, Math.abs(QR[j * n + j]));
  const tol = (opts.rcond ?? n * 2.220446049250313e-16) * rmax;
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const rii = QR[i * n + i];
    if (!(Math.abs(rii) > tol)) {
      throw new SingularMatrixError(`leastSquares: column ${i} of the ${m}×${n} matrix is (numerically) dependent on the others; set ridge > 0`);
    }
    let s = rhs[i];
    for (let k = i + 1; k < n; k++) s -= QR[i * n + k] * x[k];
    x[i] = s / rii;
  }
  return x;
}
