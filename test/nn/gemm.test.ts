import { describe, expect, it } from 'vitest';
import { gemmNT, gemmTN } from '../../src/nn/gemm.js';
import { Rng } from '../../src/core/rng.js';

function rand(n: number, rng: Rng): Float64Array {
  return rng.fillNormal(new Float64Array(n));
}

describe('gemm micro-kernels', () => {
  // Sizes that hit every remainder path of the 2×4 blocking (odd M, N mod 4 ≠ 0).
  const sizes: [number, number, number][] = [[1, 1, 1], [2, 4, 3], [3, 5, 7], [5, 9, 2], [8, 12, 16], [7, 3, 1]];

  it('gemmNT matches the naive triple loop, with offsets, strides and accumulation', () => {
    const rng = new Rng(1);
    for (const [M, N, K] of sizes) {
      const lda = K + 2, ldb = K + 1, ldc = N + 3;
      const a = rand(3 + M * lda, rng), b = rand(5 + N * ldb, rng);
      const c0 = rand(1 + M * ldc, rng);
      for (const acc of [false, true]) {
        const c = Float64Array.from(c0);
        gemmNT(M, N, K, a, 3, lda, b, 5, ldb, c, 1, ldc, acc);
        for (let m = 0; m < M; m++) {
          for (let n = 0; n < N; n++) {
            let s = acc ? c0[1 + m * ldc + n] : 0;
            for (let k = 0; k < K; k++) s += a[3 + m * lda + k] * b[5 + n * ldb + k];
            expect(Math.abs(c[1 + m * ldc + n] - s)).toBeLessThan(1e-12);
          }
        }
        // Entries outside the addressed block are untouched.
        for (let m = 0; m < M; m++) for (let n = N; n < ldc && 1 + m * ldc + n < c.length; n++) expect(c[1 + m * ldc + n]).toBe(c0[1 + m * ldc + n]);
      }
    }
  });

  it('gemmTN accumulates Aᵀ·B like the naive loop', () => {
    const rng = new Rng(2);
    for (const [M, N, R] of sizes) {
      const lda = M + 1, ldb = N + 2, ldc = N;
      const a = rand(2 + R * lda, rng), b = rand(R * ldb, rng);
      const c0 = rand(M * ldc, rng);
      const c = Float64Array.from(c0);
      gemmTN(M, N, R, a, 2, lda, b, 0, ldb, c, 0, ldc);
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let s = c0[m * ldc + n];
          for (let r = 0; r < R; r++) s += a[2 + r * lda + m] * b[r * ldb + n];
          expect(Math.abs(c[m * ldc + n] - s)).toBeLessThan(1e-12);
        }
      }
    }
  });
});
