/**
 * The matrix exponential e^A by scaling and squaring with diagonal Padé approximants
 * (Higham 2005, "The scaling and squaring method for the matrix exponential revisited",
 * SIAM J. Matrix Anal. Appl. 26(4), Alg. 2.3; also Higham 2008, Functions of Matrices,
 * Alg. 10.20). The degree m ∈ {3, 5, 7, 9, 13} is the cheapest whose backward-error bound
 * θ_m covers ‖A‖₁; beyond θ₁₃ the matrix is scaled by 2⁻ˢ (exact in binary) and the
 * degree-13 approximant is squared s times. The backward error is at most unit roundoff.
 *
 * The exact-linear stepper and the oscillator bank call this thousands of times for small
 * n, so {@link createExpm} preallocates every buffer once and then never allocates.
 */
import { luFactor, luSolve, matmul, norm1 } from './linalg.js';

/** e^A of a row-major n×n matrix into `out` (allocated if absent; may be `A` itself). */
export type ExpmFunction = (A: Float64Array, out?: Float64Array) => Float64Array;

/** Higham 2005, Table 2.3: largest ‖A‖₁ for which the [m/m] Padé backward error ≤ 2⁻⁵³. */
const THETA: Record<3 | 5 | 7 | 9 | 13, number> = {
  3: 1.495585217958292e-2,
  5: 2.539398330063230e-1,
  7: 9.504178996162932e-1,
  9: 2.097847961257068e0,
  13: 5.371920351148152e0,
};

/** Coefficients b_0 … b_m of the [m/m] Padé numerator p_m(x) = Σ b_j x^j (q_m(x) = p_m(−x)). */
const PADE: Record<3 | 5 | 7 | 9 | 13, readonly number[]> = {
  3: [120, 60, 12, 1],
  5: [30240, 15120, 3360, 420, 30, 1],
  7: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1],
  9: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1],
  13: [
    64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
    670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
  ],
};

/** b_j, or 0 beyond the degree of the approximant. */
function coef(b: readonly number[], j: number): number {
  return j < b.length ? b[j] : 0;
}

/**
 * A matrix exponential for n×n matrices that reuses one workspace (≈ 9 n² doubles): the
 * returned function allocates nothing when given `out`. Not re-entrant across its own
 * calls, but it never calls back into user code, so sharing it within one thread is safe.
 * @example const exp = createExpm(8); exp(A, E); // E = e^A
 */
export function createExpm(n: number): ExpmFunction {
  const nn = n * n;
  const As = new Float64Array(nn);
  const A2 = new Float64Array(nn);
  const A4 = new Float64Array(nn);
  const A6 = new Float64Array(nn);
  const A8 = new Float64Array(nn);
  const T = new Float64Array(nn);
  const U = new Float64Array(nn);
  const V = new Float64Array(nn);
  const W = new Float64Array(nn);
  const piv = new Int32Array(n);

  /** dst = c0·I + c2·A² + c4·A⁴ + c6·A⁶ + c8·A⁸ (powers with a zero coefficient are not read). */
  const even = (dst: Float64Array, c0: number, c2: number, c4: number, c6: number, c8: number): void => {
    for (let i = 0; i < nn; i++) {
      let v = c2 * A2[i];
      if (c4 !== 0) v += c4 * A4[i];
      if (c6 !== 0) v += c6 * A6[i];
      if (c8 !== 0) v += c8 * A8[i];
      dst[i] = v;
    }
    for (let i = 0; i < n; i++) dst[i * n + i] += c0;
  };

  return (A: Float64Array, out: Float64Array = new Float64Array(nn)): Float64Array => {
    const norm = norm1(A, n, n);
    if (!Number.isFinite(norm)) return out.fill(NaN, 0, nn);
    let s = 0;
    let m: 3 | 5 | 7 | 9 | 13 = 13;
    if (norm <= THETA[3]) m = 3;
    else if (norm <= THETA[5]) m = 5;
    else if (norm <= THETA[7]) m = 7;
    else if (norm <= THETA[9]) m = 9;
    else if (norm > THETA[13]) s = Math.max(0, Math.ceil(Math.log2(norm / THETA[13])));
    const scale = 2 ** -s;
    for (let i = 0; i < nn; i++) As[i] = A[i] * scale;
    const b = PADE[m];

    matmul(As, As, n, n, n, A2);
    if (m >= 5) matmul(A2, A2, n, n, n, A4);
    if (m >= 7) matmul(A4, A2, n, n, n, A6);
    if (m === 9) matmul(A4, A4, n, n, n, A8);

    // U = A · (odd part)/A, V = even part; r_m(A) = (V − U)⁻¹ (V + U).
    if (m === 13) {
      // Higham 2005, eq. (2.9)-(2.10): six products instead of twelve.
      even(T, 0, b[9], b[11], b[13], 0);
      matmul(A6, T, n, n, n, W);
      even(T, b[1], b[3], b[5], b[7], 0);
      for (let i = 0; i < nn; i++) W[i] += T[i];
      matmul(As, W, n, n, n, U);
      even(T, 0, b[8], b[10], b[12], 0);
      matmul(A6, T, n, n, n, V);
      even(T, b[0], b[2], b[4], b[6], 0);
      for (let i = 0; i < nn; i++) V[i] += T[i];
    } else {
      even(W, b[1], b[3], coef(b, 5), coef(b, 7), coef(b, 9));
      matmul(As, W, n, n, n, U);
      even(V, b[0], b[2], coef(b, 4), coef(b, 6), coef(b, 8));
    }

    for (let i = 0; i < nn; i++) {
      const u = U[i];
      const v = V[i];
      W[i] = v + u;
      V[i] = v - u;
    }
    // q_m(A) is well conditioned for ‖A‖₁ ≤ θ_m (Higham 2005, §2), so pivoting LU suffices.
    luFactor(V, n, piv);
    luSolve(V, n, piv, W, n);

    let R = W;
    let S = T;
    for (let k = 0; k < s; k++) {
      matmul(R, R, n, n, n, S);
      const tmp = R;
      R = S;
      S = tmp;
    }
    out.set(R.subarray(0, nn));
    return out;
  };
}

const shared = new Map<number, ExpmFunction>();

/**
 * e^A for a row-major n×n matrix A (float64), into `out` if given.
 * Keeps one cached workspace per size n, so repeated calls allocate only the result
 * (nothing when `out` is passed). For a hot loop prefer {@link createExpm}.
 */
export function expm(A: Float64Array, n: number, out?: Float64Array): Float64Array {
  let f = shared.get(n);
  if (!f) {
    if (shared.size > 16) shared.clear();
    f = createExpm(n);
    shared.set(n, f);
  }
  return f(A, out);
}

/**
 * e^A and its Fréchet derivative L(A, E) = d/dε e^{A+εE} at ε = 0, for n×n A and E.
 * Computed from the block identity exp([[A, E], [0, A]]) = [[e^A, L(A, E)], [0, e^A]]
 * (Higham 2008, Thm. 3.6 / eq. 3.16), with E scaled to ‖A‖₁ so the block does not
 * over-scale; L is linear in E, so the scale is undone afterwards.
 *
 * For gradients: if ℓ depends on F = e^A, then ∂ℓ/∂A = L(Aᵀ, ∂ℓ/∂F).
 * Preallocates a 2n×2n workspace once; the returned function allocates nothing.
 */
export function createExpmFrechet(n: number): (A: Float64Array, E: Float64Array, expOut: Float64Array, lOut: Float64Array) => void {
  const m = 2 * n;
  const big = createExpm(m);
  const B = new Float64Array(m * m);
  const R = new Float64Array(m * m);
  return (A, E, expOut, lOut) => {
    const na = norm1(A, n, n);
    const ne = norm1(E, n, n);
    const c = ne > 0 && na > 0 ? na / ne : 1;
    B.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const a = A[i * n + j];
        B[i * m + j] = a;
        B[(i + n) * m + j + n] = a;
        B[i * m + j + n] = c * E[i * n + j];
      }
    }
    big(B, R);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        expOut[i * n + j] = R[i * m + j];
        lOut[i * n + j] = R[i * m + j + n] / c;
      }
    }
  };
}
