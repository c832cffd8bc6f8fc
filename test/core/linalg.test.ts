import { describe, expect, it } from 'vitest';
import { Matrix } from 'ml-matrix';
import {
  SingularMatrixError,
  dot,
  identity,
  leastSquares,
  luFactor,
  luSolve,
  matmul,
  matvec,
  norm1,
  normInf,
  qrFactor,
  qrQ,
  solveLinear,
  transpose,
} from '../../src/core/linalg.js';
import { Rng } from '../../src/core/rng.js';

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

function rows(A: Float64Array, m: number, n: number): number[][] {
  return Array.from({ length: m }, (_, i) => Array.from(A.subarray(i * n, (i + 1) * n)));
}

describe('dense products and norms', () => {
  it('matmul, matvec and transpose agree with ml-matrix on rectangular shapes', () => {
    const rng = new Rng(1);
    const [m, k, n] = [3, 5, 4];
    const A = rng.fillNormal(new Float64Array(m * k));
    const B = rng.fillNormal(new Float64Array(k * n));
    const C = matmul(A, B, m, k, n);
    const ref = new Matrix(rows(A, m, k)).mmul(new Matrix(rows(B, k, n)));
    expect(maxAbsDiff(C, ref.to1DArray())).toBeLessThan(1e-14);
    const x = rng.fillNormal(new Float64Array(k));
    const y = matvec(A, x, m, k);
    for (let i = 0; i < m; i++) expect(y[i]).toBeCloseTo(dot(A.subarray(i * k, (i + 1) * k), x), 14);
    const At = transpose(A, m, k);
    expect(maxAbsDiff(At, new Matrix(rows(A, m, k)).transpose().to1DArray())).toBe(0);
    expect(maxAbsDiff(transpose(At, k, m), A)).toBe(0);
  });

  it('norm1 is the largest absolute column sum; norms propagate NaN', () => {
    expect(norm1(Float64Array.of(1, -7, 2, 3, -4, 0.5), 2, 3)).toBe(11); // column sums 4, 11, 2.5
    expect(norm1(Float64Array.of(NaN, 0, 0, 0), 2, 2)).toBeNaN();
    expect(norm1(Float64Array.of(1, NaN, 0, 0), 2, 2)).toBeNaN();
    expect(normInf(Float64Array.of(1, -9, 3))).toBe(9);
    expect(normInf(Float64Array.of(NaN, 1))).toBeNaN();
    expect(Array.from(identity(2))).toEqual([1, 0, 0, 1]);
  });
});

describe('LU with partial pivoting', () => {
  it('solves random systems with a residual at rounding level, several right-hand sides at once', () => {
    const rng = new Rng(2);
    for (const n of [1, 2, 5, 16]) {
      const A = rng.fillNormal(new Float64Array(n * n));
      const X = rng.fillNormal(new Float64Array(n * 3));
      const B = matmul(A, X, n, n, 3);
      const got = solveLinear(A, n, B, 3);
      expect(maxAbsDiff(got, X), `n = ${n}`).toBeLessThan(1e-11);
    }
  });

  it('needs pivoting: a zero leading entry is solved exactly', () => {
    const A = Float64Array.of(0, 1, 1, 1);
    expect(Array.from(solveLinear(A, 2, Float64Array.of(2, 3)))).toEqual([1, 2]);
    // Without pivoting the tiny pivot 1e-20 would destroy the answer (Golub & Van Loan §3.3).
    const B = Float64Array.of(1e-20, 1, 1, 1);
    const x = solveLinear(B, 2, Float64Array.of(1, 2));
    expect(maxAbsDiff(x, [1, 1])).toBeLessThan(1e-15);
  });

  it('reports a singular matrix', () => {
    const S = Float64Array.of(1, 2, 2, 4);
    const piv = new Int32Array(2);
    expect(luFactor(Float64Array.from(S), 2, piv)).toBe(false);
    expect(() => solveLinear(S, 2, Float64Array.of(1, 1))).toThrow(SingularMatrixError);
  });

  it('luFactor + luSolve reuse one factorisation', () => {
    const A = Float64Array.of(4, 3, 6, 3);
    const LU = Float64Array.from(A);
    const piv = new Int32Array(2);
    expect(luFactor(LU, 2, piv)).toBe(true);
    for (const b of [Float64Array.of(1, 0), Float64Array.of(0, 1)]) {
      const x = luSolve(LU, 2, piv, Float64Array.from(b));
      expect(maxAbsDiff(matvec(A, x, 2, 2), b)).toBeLessThan(1e-15);
    }
  });
});

describe('qrQ', () => {
  it('forms an orthogonal Q with Q·R equal to the factored matrix', () => {
    const rng = new Rng(11);
    const n = 7;
    const A = rng.fillNormal(new Float64Array(n * n));
    const QR = A.slice();
    const tau = new Float64Array(n);
    qrFactor(QR, n, n, tau);
    const Q = qrQ(QR, n, tau);
    const R = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) R[i * n + j] = QR[i * n + j];
    expect(maxAbsDiff(matmul(transpose(Q, n, n), Q, n, n, n), identity(n))).toBeLessThan(1e-14);
    expect(maxAbsDiff(matmul(Q, R, n, n, n), A)).toBeLessThan(1e-13);
  });
});

describe('leastSquares (Householder QR)', () => {
  it('recovers x exactly from a consistent overdetermined system', () => {
    const rng = new Rng(3);
    const [m, n] = [12, 5];
    const A = rng.fillNormal(new Float64Array(m * n));
    const x = rng.fillNormal(new Float64Array(n));
    expect(maxAbsDiff(leastSquares(A, m, n, matvec(A, x, m, n)), x)).toBeLessThan(1e-13);
  });

  it('leaves a residual orthogonal to the columns (the normal equations hold)', () => {
    const rng = new Rng(4);
    const [m, n] = [20, 4];
    const A = rng.fillNormal(new Float64Array(m * n));
    const b = rng.fillNormal(new Float64Array(m));
    const x = leastSquares(A, m, n, b);
    const r = matvec(A, x, m, n).map((v, i) => b[i] - v);
    const Atr = matvec(transpose(A, m, n), r, n, m);
    expect(normInf(Atr)).toBeLessThan(1e-13);
  });

  it('keeps accuracy at κ(A)·ε on an ill-conditioned polynomial fit (normal equations would square κ)', () => {
    // Vandermonde on [0, 1], degree 9: κ ≈ 1e7, so κ² ≈ 1e14 would leave ~1e-2 of accuracy.
    const [m, n] = [40, 10];
    const A = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) A[i * n + j] = (i / (m - 1)) ** j;
    const x = Float64Array.from({ length: n }, (_, j) => (j % 2 ? -1 : 1) / (j + 1));
    const got = leastSquares(A, m, n, matvec(A, x, m, n));
    expect(maxAbsDiff(got, x)).toBeLessThan(1e-6);
  });

  it('ridge: equals (AᵀA + λI)⁻¹ Aᵀb, and rescues dependent columns', () => {
    const rng = new Rng(5);
    const [m, n] = [9, 3];
    const A = rng.fillNormal(new Float64Array(m * n));
    const b = rng.fillNormal(new Float64Array(m));
    const lambda = 0.7;
    const At = transpose(A, m, n);
    const N = matmul(At, A, n, m, n);
    for (let i = 0; i < n; i++) N[i * n + i] += lambda;
    const want = solveLinear(N, n, matvec(At, b, n, m));
    expect(maxAbsDiff(leastSquares(A, m, n, b, { ridge: lambda }), want)).toBeLessThan(1e-13);

    // Two equal columns: plain least squares refuses, ridge splits the weight evenly.
    const D = new Float64Array(m * 2);
    for (let i = 0; i < m; i++) D[i * 2] = D[i * 2 + 1] = A[i * n];
    expect(() => leastSquares(D, m, 2, b)).toThrow(SingularMatrixError);
    // Closed form: x₀ = x₁ = aᵀb / (2aᵀa + λ). (With a large residual the weak direction is
    // κ²-sensitive for any method, so λ is kept at 1e-4 rather than tiny.)
    const lam = 1e-4;
    const xr = leastSquares(D, m, 2, b, { ridge: lam });
    let aa = 0;
    let ab = 0;
    for (let i = 0; i < m; i++) {
      aa += D[i * 2] ** 2;
      ab += D[i * 2] * b[i];
    }
    expect(maxAbsDiff(xr, [ab / (2 * aa + lam), ab / (2 * aa + lam)])).toBeLessThan(1e-10);
    expect(() => leastSquares(A, 2, n, b)).toThrow(SingularMatrixError); // m < n
  });
});
