// AssemblyScript source of the f32x4 SIMD GEMM micro-kernels: the float32 twins of gemm.as
// (same contracts, same blocking, four lanes per vector instead of two), for the LSTM's
// float32 precision. Sums run in a fixed order (no relaxed or fused operations), so a
// product gives the same bits on every machine. Built by build.mjs into kernels.wasm.ts.

// C[m,n] = (acc ? C[m,n] : 0) + Σ_k A[m,k]·B[n,k]; lda, ldb, ldc in elements.
// SIMD along k: blocks of 2 rows × 4 rows, eight f32x4 accumulators.
export function gemmNT32(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32): void {
  const K4 = K & ~3;
  const sa = <usize>lda << 2, sb = <usize>ldb << 2, sc = <usize>ldc << 2;
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const a0 = a + <usize>m * sa, a1 = a0 + sa;
    const c0 = c + <usize>m * sc, c1 = c0 + sc;
    let n = 0;
    for (; n + 3 < N; n += 4) {
      const b0 = b + <usize>n * sb, b1 = b0 + sb, b2 = b1 + sb, b3 = b2 + sb;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        const o = <usize>k << 2;
        const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o);
        const y0 = v128.load(b0 + o), y1 = v128.load(b1 + o), y2 = v128.load(b2 + o), y3 = v128.load(b3 + o);
        s00 = f32x4.add(s00, f32x4.mul(x0, y0)); s01 = f32x4.add(s01, f32x4.mul(x0, y1));
        s02 = f32x4.add(s02, f32x4.mul(x0, y2)); s03 = f32x4.add(s03, f32x4.mul(x0, y3));
        s10 = f32x4.add(s10, f32x4.mul(x1, y0)); s11 = f32x4.add(s11, f32x4.mul(x1, y1));
        s12 = f32x4.add(s12, f32x4.mul(x1, y2)); s13 = f32x4.add(s13, f32x4.mul(x1, y3));
      }
      let r00 = hsum(s00), r01 = hsum(s01), r02 = hsum(s02), r03 = hsum(s03);
      let r10 = hsum(s10), r11 = hsum(s11), r12 = hsum(s12), r13 = hsum(s13);
      for (let k = K4; k < K; k++) {
        const o = <usize>k << 2;
        const x0 = load<f32>(a0 + o), x1 = load<f32>(a1 + o);
        const y0 = load<f32>(b0 + o), y1 = load<f32>(b1 + o), y2 = load<f32>(b2 + o), y3 = load<f32>(b3 + o);
        r00 += x0 * y0; r01 += x0 * y1; r02 += x0 * y2; r03 += x0 * y3;
        r10 += x1 * y0; r11 += x1 * y1; r12 += x1 * y2; r13 += x1 * y3;
      }
      const p0 = c0 + (<usize>n << 2), p1 = c1 + (<usize>n << 2);
      if (acc) {
        r00 += load<f32>(p0); r01 += load<f32>(p0, 4); r02 += load<f32>(p0, 8); r03 += load<f32>(p0, 12);
        r10 += load<f32>(p1); r11 += load<f32>(p1, 4); r12 += load<f32>(p1, 8); r13 += load<f32>(p1, 12);
      }
      store<f32>(p0, r00); store<f32>(p0, r01, 4); store<f32>(p0, r02, 8); store<f32>(p0, r03, 12);
      store<f32>(p1, r10); store<f32>(p1, r11, 4); store<f32>(p1, r12, 8); store<f32>(p1, r13, 12);
    }
    for (; n < N; n++) {
      dotRow32(a0, b + <usize>n * sb, K, c0 + (<usize>n << 2), acc);
      dotRow32(a1, b + <usize>n * sb, K, c1 + (<usize>n << 2), acc);
    }
  }
  for (; m < M; m++) {
    const a0 = a + <usize>m * sa, c0 = c + <usize>m * sc;
    for (let n = 0; n < N; n++) dotRow32(a0, b + <usize>n * sb, K, c0 + (<usize>n << 2), acc);
  }
}

// The four lanes summed pairwise, (l0 + l2) + (l1 + l3), in that fixed order.
@inline function hsum(s: v128): f32 {
  const t = f32x4.add(s, i32x4.shuffle(s, s, 2, 3, 0, 1));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1);
}

@inline function dotRow32(x: usize, y: usize, K: i32, p: usize, acc: i32): void {
  let s = f32x4.splat(0);
  const K4 = K & ~3;
  for (let k = 0; k < K4; k += 4) {
    const o = <usize>k << 2;
    s = f32x4.add(s, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  }
  let r = hsum(s);
  for (let k = K4; k < K; k++) r += load<f32>(x + (<usize>k << 2)) * load<f32>(y + (<usize>k << 2));
  store<f32>(p, acc ? load<f32>(p) + r : r);
}

// C[m,n] += Σ_r A[r,m]·B[r,n]. SIMD along n: 2 columns of A (splatted) × 16 columns of B
// (four f32x4), streaming down the rows r.
export function gemmTN32(M: i32, N: i32, R: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  const sa = <usize>lda << 2, sb = <usize>ldb << 2, sc = <usize>ldc << 2;
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const c0 = c + <usize>m * sc, c1 = c0 + sc;
    let n = 0;
    for (; n + 15 < N; n += 16) {
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      let pa = a + (<usize>m << 2), pb = b + (<usize>n << 2);
      for (let r = 0; r < R; r++, pa += sa, pb += sb) {
        const x0 = v128.load32_splat(pa), x1 = v128.load32_splat(pa, 4);
        const y0 = v128.load(pb), y1 = v128.load(pb, 16), y2 = v128.load(pb, 32), y3 = v128.load(pb, 48);
        s00 = f32x4.add(s00, f32x4.mul(x0, y0)); s01 = f32x4.add(s01, f32x4.mul(x0, y1));
        s02 = f32x4.add(s02, f32x4.mul(x0, y2)); s03 = f32x4.add(s03, f32x4.mul(x0, y3));
        s10 = f32x4.add(s10, f32x4.mul(x1, y0)); s11 = f32x4.add(s11, f32x4.mul(x1, y1));
        s12 = f32x4.add(s12, f32x4.mul(x1, y2)); s13 = f32x4.add(s13, f32x4.mul(x1, y3));
      }
      const p0 = c0 + (<usize>n << 2), p1 = c1 + (<usize>n << 2);
      v128.store(p0, f32x4.add(v128.load(p0), s00)); v128.store(p0, f32x4.add(v128.load(p0, 16), s01), 16);
      v128.store(p0, f32x4.add(v128.load(p0, 32), s02), 32); v128.store(p0, f32x4.add(v128.load(p0, 48), s03), 48);
      v128.store(p1, f32x4.add(v128.load(p1), s10)); v128.store(p1, f32x4.add(v128.load(p1, 16), s11), 16);
      v128.store(p1, f32x4.add(v128.load(p1, 32), s12), 32); v128.store(p1, f32x4.add(v128.load(p1, 48), s13), 48);
    }
    for (; n < N; n++) {
      let s0: f32 = 0, s1: f32 = 0;
      let pa = a + (<usize>m << 2), pb = b + (<usize>n << 2);
      for (let r = 0; r < R; r++, pa += sa, pb += sb) {
        const y = load<f32>(pb);
        s0 += load<f32>(pa) * y;
        s1 += load<f32>(pa, 4) * y;
      }
      const p0 = c0 + (<usize>n << 2), p1 = c1 + (<usize>n << 2);
      store<f32>(p0, load<f32>(p0) + s0);
      store<f32>(p1, load<f32>(p1) + s1);
    }
  }
  for (; m < M; m++) {
    const c0 = c + <usize>m * sc;
    for (let n = 0; n < N; n++) {
      let s: f32 = 0;
      let pa = a + (<usize>m << 2), pb = b + (<usize>n << 2);
      for (let r = 0; r < R; r++, pa += sa, pb += sb) s += load<f32>(pa) * load<f32>(pb);
      const p = c0 + (<usize>n << 2);
      store<f32>(p, load<f32>(p) + s);
    }
  }
}
