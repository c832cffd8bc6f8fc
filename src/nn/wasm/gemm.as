// AssemblyScript source of the f64x2 SIMD GEMM micro-kernels (WebAssembly SIMD-128).
// Same contracts as src/nn/gemm.ts, with byte pointers into the imported linear memory
// instead of (array, offset). Built by src/nn/wasm/build.mjs into kernels.wasm.ts.
// Not TypeScript: the extension keeps tsc and eslint away from v128 intrinsics.

// C[m,n] = (acc ? C[m,n] : 0) + Σ_k A[m,k]·B[n,k]; lda, ldb, ldc in elements.
// SIMD runs along k (both operands contiguous there): blocks of 2 rows × 4 rows, eight
// f64x2 accumulators, folded horizontally once per block.
export function gemmNT(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32): void {
  const K2 = K & ~1;
  const sa = <usize>lda << 3, sb = <usize>ldb << 3, sc = <usize>ldc << 3;
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const a0 = a + <usize>m * sa, a1 = a0 + sa;
    const c0 = c + <usize>m * sc, c1 = c0 + sc;
    let n = 0;
    for (; n + 3 < N; n += 4) {
      const b0 = b + <usize>n * sb, b1 = b0 + sb, b2 = b1 + sb, b3 = b2 + sb;
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s02 = f64x2.splat(0), s03 = f64x2.splat(0);
      let s10 = f64x2.splat(0), s11 = f64x2.splat(0), s12 = f64x2.splat(0), s13 = f64x2.splat(0);
      for (let k = 0; k < K2; k += 2) {
        const o = <usize>k << 3;
        const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o);
        const y0 = v128.load(b0 + o), y1 = v128.load(b1 + o), y2 = v128.load(b2 + o), y3 = v128.load(b3 + o);
        s00 = f64x2.add(s00, f64x2.mul(x0, y0)); s01 = f64x2.add(s01, f64x2.mul(x0, y1));
        s02 = f64x2.add(s02, f64x2.mul(x0, y2)); s03 = f64x2.add(s03, f64x2.mul(x0, y3));
        s10 = f64x2.add(s10, f64x2.mul(x1, y0)); s11 = f64x2.add(s11, f64x2.mul(x1, y1));
        s12 = f64x2.add(s12, f64x2.mul(x1, y2)); s13 = f64x2.add(s13, f64x2.mul(x1, y3));
      }
      let r00 = f64x2.extract_lane(s00, 0) + f64x2.extract_lane(s00, 1);
      let r01 = f64x2.extract_lane(s01, 0) + f64x2.extract_lane(s01, 1);
      let r02 = f64x2.extract_lane(s02, 0) + f64x2.extract_lane(s02, 1);
      let r03 = f64x2.extract_lane(s03, 0) + f64x2.extract_lane(s03, 1);
      let r10 = f64x2.extract_lane(s10, 0) + f64x2.extract_lane(s10, 1);
      let r11 = f64x2.extract_lane(s11, 0) + f64x2.extract_lane(s11, 1);
      let r12 = f64x2.extract_lane(s12, 0) + f64x2.extract_lane(s12, 1);
      let r13 = f64x2.extract_lane(s13, 0) + f64x2.extract_lane(s13, 1);
      if (K2 < K) {
        const o = <usize>K2 << 3;
        const x0 = load<f64>(a0 + o), x1 = load<f64>(a1 + o);
        const y0 = load<f64>(b0 + o), y1 = load<f64>(b1 + o), y2 = load<f64>(b2 + o), y3 = load<f64>(b3 + o);
        r00 += x0 * y0; r01 += x0 * y1; r02 += x0 * y2; r03 += x0 * y3;
        r10 += x1 * y0; r11 += x1 * y1; r12 += x1 * y2; r13 += x1 * y3;
      }
      const p0 = c0 + (<usize>n << 3), p1 = c1 + (<usize>n << 3);
      if (acc) {
        r00 += load<f64>(p0); r01 += load<f64>(p0, 8); r02 += load<f64>(p0, 16); r03 += load<f64>(p0, 24);
        r10 += load<f64>(p1); r11 += load<f64>(p1, 8); r12 += load<f64>(p1, 16); r13 += load<f64>(p1, 24);
      }
      store<f64>(p0, r00); store<f64>(p0, r01, 8); store<f64>(p0, r02, 16); store<f64>(p0, r03, 24);
      store<f64>(p1, r10); store<f64>(p1, r11, 8); store<f64>(p1, r12, 16); store<f64>(p1, r13, 24);
    }
    for (; n < N; n++) {
      dotRow(a0, b + <usize>n * sb, K, c0 + (<usize>n << 3), acc);
      dotRow(a1, b + <usize>n * sb, K, c1 + (<usize>n << 3), acc);
    }
  }
  for (; m < M; m++) {
    const a0 = a + <usize>m * sa, c0 = c + <usize>m * sc;
    for (let n = 0; n < N; n++) dotRow(a0, b + <usize>n * sb, K, c0 + (<usize>n << 3), acc);
  }
}

// One dot product of length K, SIMD along k, stored (or accumulated) at p.
@inline function dotRow(x: usize, y: usize, K: i32, p: usize, acc: i32): void {
  let s = f64x2.splat(0);
  const K2 = K & ~1;
  for (let k = 0; k < K2; k += 2) {
    const o = <usize>k << 3;
    s = f64x2.add(s, f64x2.mul(v128.load(x + o), v128.load(y + o)));
  }
  let r = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  if (K2 < K) r += load<f64>(x + (<usize>K2 << 3)) * load<f64>(y + (<usize>K2 << 3));
  store<f64>(p, acc ? load<f64>(p) + r : r);
}

// C[m,n] += Σ_r A[r,m]·B[r,n]. SIMD runs along n (contiguous in B and C): blocks of
// 2 columns of A (splatted) × 8 columns of B (four f64x2), streaming down the rows r.
export function gemmTN(M: i32, N: i32, R: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  const sa = <usize>lda << 3, sb = <usize>ldb << 3, sc = <usize>ldc << 3;
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const c0 = c + <usize>m * sc, c1 = c0 + sc;
    let n = 0;
    for (; n + 7 < N; n += 8) {
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s02 = f64x2.splat(0), s03 = f64x2.splat(0);
      let s10 = f64x2.splat(0), s11 = f64x2.splat(0), s12 = f64x2.splat(0), s13 = f64x2.splat(0);
      let pa = a + (<usize>m << 3), pb = b + (<usize>n << 3);
      for (let r = 0; r < R; r++, pa += sa, pb += sb) {
        const x0 = v128.load64_splat(pa), x1 = v128.load64_splat(pa, 8);
        const y0 = v128.load(pb), y1 = v128.load(pb, 16), y2 = v128.load(pb, 32), y3 = v128.load(pb, 48);
        s00 = f64x2.add(s00, f64x2.mul(x0, y0)); s01 = f64x2.add(s01, f64x2.mul(x0, y1));
        s02 = f64x2.add(s02, f64x2.mul(x0, y2)); s03 = f64x2.add(s03, f64x2.mul(x0, y3));
        s10 = f64x2.add(s10, f64x2.mul(x1, y0)); s11 = f64x2.add(s11, f64x2.mul(x1, y1));
        s12 = f64x2.add(s12, f64x2.mul(x1, y2)); s13 = f64x2.add(s13, f64x2.mul(x1, y3));
      }
      const p0 = c0 + (<usize>n << 3), p1 = c1 + (<usize>n << 3);
      v128.store(p0, f64x2.add(v128.load(p0), s00)); v128.store(p0, f64x2.add(v128.load(p0, 16), s01), 16);
      v128.store(p0, f64x2.add(v128.load(p0, 32), s02), 32); v128.store(p0, f64x2.add(v128.load(p0, 48), s03), 48);
      v128.store(p1, f64x2.add(v128.load(p1), s10)); v128.store(p1, f64x2.add(v128.load(p1, 16), s11), 16);
      v128.store(p1, f64x2.add(v128.load(p1, 32), s12), 32); v128.store(p1, f64x2.add(v128.load(p1, 48), s13), 48);
    }
    for (; n < N; n++) {
      let s0: f64 = 0, s1: f64 = 0;
      let pa = a + (<usize>m << 3), pb = b + (<usize>n << 3);
      for (let r = 0; r < R; r++, pa += sa, pb += sb) {
        const y = load<f64>(pb);
        s0 += load<f64>(pa) * y;
        s1 += load<f64>(pa, 8) * y;
      }
      const p0 = c0 + (<usize>n << 3), p1 = c1 + (<usize>n << 3);
      store<f64>(p0, load<f64>(p0) + s0);
      store<f64>(p1, load<f64>(p1) + s1);
    }
  }
  for (; m < M; m++) {
    const c0 = c + <usize>m * sc;
    for (let n = 0; n < N; n++) {
      let s: f64 = 0;
      let pa = a + (<usize>m << 3), pb = b + (<usize>n << 3);
      for (let r = 0; r < R; r++, pa += sa, pb += sb) s += load<f64>(pa) * load<f64>(pb);
      const p = c0 + (<usize>n << 3);
      store<f64>(p, load<f64>(p) + s);
    }
  }
}
