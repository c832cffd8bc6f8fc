/**
 * Register-blocked dense matrix products on flat row-major Float64Arrays, the hot spot of
 * every recurrent kernel in nn/. Plain scalar JavaScript: V8 does not vectorise, so speed
 * comes from keeping a small block of C in locals (registers) while streaming A and B
 * once per block — the "micro-kernel" idea of Goto & van de Geijn (2008), without packing
 * (the matrices here are small enough to stay in L1/L2).
 *
 * Two shapes cover forward and backward passes without explicit transposes:
 * - `gemmNT`: C = A·Bᵀ (both operands read along their rows: dot-product form),
 * - `gemmTN`: C += Aᵀ·B (both operands read down their columns: outer-product form).
 * Offsets and leading dimensions let callers address sub-blocks of larger buffers.
 */

/** Arrays the products read and write: float64, or float32 where a float32 network keeps its states. */
export type Floats = Float64Array | Float32Array;

/**
 * C[m,n] = (accumulate ? C[m,n] : 0) + Σ_k A[m,k]·B[n,k] for m < M, n < N, k < K.
 * Element (m,k) of A sits at `a[aOff + m·lda + k]`; likewise for B and C.
 * Blocks of 2 rows of A × 4 rows of B: 8 accumulators and 6 operands fit the 16 SSE
 * registers V8 allocates doubles in.
 */
export function gemmNT(
  M: number, N: number, K: number,
  a: Floats, aOff: number, lda: number,
  b: Floats, bOff: number, ldb: number,
  c: Floats, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  const M2 = M - (M % 2);
  const N4 = N - (N % 4);
  let m = 0;
  for (; m < M2; m += 2) {
    const a0 = aOff + m * lda;
    const a1 = a0 + lda;
    const c0 = cOff + m * ldc;
    const c1 = c0 + ldc;
    let n = 0;
    for (; n < N4; n += 4) {
      const b0 = bOff + n * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = a[a0 + k], x1 = a[a1 + k];
        const y0 = b[b0 + k], y1 = b[b1 + k], y2 = b[b2 + k], y3 = b[b3 + k];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      if (accumulate) {
        c[c0 + n] += s00; c[c0 + n + 1] += s01; c[c0 + n + 2] += s02; c[c0 + n + 3] += s03;
        c[c1 + n] += s10; c[c1 + n + 1] += s11; c[c1 + n + 2] += s12; c[c1 + n + 3] += s13;
      } else {
        c[c0 + n] = s00; c[c0 + n + 1] = s01; c[c0 + n + 2] = s02; c[c0 + n + 3] = s03;
        c[c1 + n] = s10; c[c1 + n + 1] = s11; c[c1 + n + 2] = s12; c[c1 + n + 3] = s13;
      }
    }
    for (; n < N; n++) {
      const b0 = bOff + n * ldb;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < K; k++) {
        const y = b[b0 + k];
        s0 += a[a0 + k] * y;
        s1 += a[a1 + k] * y;
      }
      c[c0 + n] = accumulate ? c[c0 + n] + s0 : s0;
      c[c1 + n] = accumulate ? c[c1 + n] + s1 : s1;
    }
  }
  for (; m < M; m++) {
    const a0 = aOff + m * lda;
    const c0 = cOff + m * ldc;
    for (let n = 0; n < N; n++) {
      const b0 = bOff + n * ldb;
      let s = 0;
      for (let k = 0; k < K; k++) s += a[a0 + k] * b[b0 + k];
      c[c0 + n] = accumulate ? c[c0 + n] + s : s;
    }
  }
}

/**
 * C[m,n] += Σ_r A[r,m]·B[r,n] for m < M, n < N, r < R (always accumulates: this is the
 * weight-gradient product dW += dZᵀ·H summed over a batch).
 * Element (r,m) of A sits at `a[aOff + r·lda + m]`; (r,n) of B at `b[bOff + r·ldb + n]`.
 * Blocks of 2 columns of A × 4 columns of B, streaming down the rows.
 */
export function gemmTN(
  M: number, N: number, R: number,
  a: Floats, aOff: number, lda: number,
  b: Floats, bOff: number, ldb: number,
  c: Floats, cOff: number, ldc: number,
): void {
  const M2 = M - (M % 2);
  const N4 = N - (N % 4);
  let m = 0;
  for (; m < M2; m += 2) {
    const c0 = cOff + m * ldc;
    const c1 = c0 + ldc;
    let n = 0;
    for (; n < N4; n += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let ia = aOff + m;
      let ib = bOff + n;
      for (let r = 0; r < R; r++, ia += lda, ib += ldb) {
        const x0 = a[ia], x1 = a[ia + 1];
        const y0 = b[ib], y1 = b[ib + 1], y2 = b[ib + 2], y3 = b[ib + 3];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      c[c0 + n] += s00; c[c0 + n + 1] += s01; c[c0 + n + 2] += s02; c[c0 + n + 3] += s03;
      c[c1 + n] += s10; c[c1 + n + 1] += s11; c[c1 + n + 2] += s12; c[c1 + n + 3] += s13;
    }
    for (; n < N; n++) {
      let s0 = 0, s1 = 0;
      for (let r = 0; r < R; r++) {
        const y = b[bOff + r * ldb + n];
        s0 += a[aOff + r * lda + m] * y;
        s1 += a[aOff + r * lda + m + 1] * y;
      }
      c[c0 + n] += s0;
      c[c1 + n] += s1;
    }
  }
  for (; m < M; m++) {
    const c0 = cOff + m * ldc;
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let r = 0; r < R; r++) s += a[aOff + r * lda + m] * b[bOff + r * ldb + n];
      c[c0 + n] += s;
    }
  }
}
