// AssemblyScript source of the GRU cell's elementwise steps (WebAssembly SIMD-128), two hidden
// units per f64x2; the products around them (h·Whᵀ, u·Wxᵀ, the weight gradients) run on the
// GEMMs. Same arithmetic, in the same order, as the TypeScript loops of ../gru.ts, except that
// exp is lstm-cell.as's vector routine (≤ a few ulp from Math.exp). Built by build.mjs.
import { sigmoid1, tanh1, vsigmoid, vtanh } from './lstm-cell';

// For each of B rows, with a = h_{t−1}·Whᵀ and g = u_t·Wxᵀ ([B][3H], gate blocks r, z, n):
// r = σ(g_r + bx_r + a_r + bh_r), z = σ(g_z + bx_z + a_z + bh_z), a_n ← a_n + bh_n,
// n = tanh(g_n + bx_n + r·a_n), h = (1 − z)·n + z·hPrev; gates [B][4H] ← (r, z, n, a_n).
export function gruCellForward(B: i32, H: i32, a: usize, g: usize, bx: usize, bh: usize, hPrev: usize, h: usize, gates: usize): void {
  const H2 = H & ~1;
  const H8 = <usize>H << 3;
  const one = f64x2.splat(1.0);
  for (let b = 0; b < B; b++) {
    const ar = a + <usize>(b * 3 * H) * 8, gr = g + <usize>(b * 3 * H) * 8, sr = gates + <usize>(b * 4 * H) * 8, hb = <usize>(b * H) << 3;
    for (let u = 0; u < H2; u += 2) {
      const o = <usize>u << 3;
      const r = vsigmoid(f64x2.add(f64x2.add(f64x2.add(v128.load(gr + o), v128.load(bx + o)), v128.load(ar + o)), v128.load(bh + o)));
      const z = vsigmoid(f64x2.add(f64x2.add(f64x2.add(v128.load(gr + H8 + o), v128.load(bx + H8 + o)), v128.load(ar + H8 + o)), v128.load(bh + H8 + o)));
      const an = f64x2.add(v128.load(ar + 2 * H8 + o), v128.load(bh + 2 * H8 + o));
      const n = vtanh(f64x2.add(f64x2.add(v128.load(gr + 2 * H8 + o), v128.load(bx + 2 * H8 + o)), f64x2.mul(r, an)));
      v128.store(sr + o, r);
      v128.store(sr + H8 + o, z);
      v128.store(sr + 2 * H8 + o, n);
      v128.store(sr + 3 * H8 + o, an);
      v128.store(h + hb + o, f64x2.add(f64x2.mul(f64x2.sub(one, z), n), f64x2.mul(z, v128.load(hPrev + hb + o))));
    }
    for (let u = H2; u < H; u++) {
      const o = <usize>u << 3;
      const r = sigmoid1(load<f64>(gr + o) + load<f64>(bx + o) + load<f64>(ar + o) + load<f64>(bh + o));
      const z = sigmoid1(load<f64>(gr + H8 + o) + load<f64>(bx + H8 + o) + load<f64>(ar + H8 + o) + load<f64>(bh + H8 + o));
      const an = load<f64>(ar + 2 * H8 + o) + load<f64>(bh + 2 * H8 + o);
      const n = tanh1(load<f64>(gr + 2 * H8 + o) + load<f64>(bx + 2 * H8 + o) + r * an);
      store<f64>(sr + o, r);
      store<f64>(sr + H8 + o, z);
      store<f64>(sr + 2 * H8 + o, n);
      store<f64>(sr + 3 * H8 + o, an);
      store<f64>(h + hb + o, (1.0 - z) * n + z * load<f64>(hPrev + hb + o));
    }
  }
}

// For each of B rows, given dh = ∂L/∂h_t: dn = dh·(1 − z)·(1 − n²), dz = dh·(hPrev − n)·z(1 − z),
// dr = dn·a_n·r(1 − r); dg ← (dr, dz, dn), da ← (dr, dz, dn·r) ([B][3H]), dhPrev ← dh·z;
// gbx += Σ_b dg, gbh += Σ_b da (row after row).
export function gruCellBackward(B: i32, H: i32, gates: usize, hPrev: usize, dh: usize, dg: usize, da: usize, dhPrev: usize, gbx: usize, gbh: usize): void {
  const H2 = H & ~1;
  const H8 = <usize>H << 3;
  const G = 3 * H;
  const G2 = G & ~1;
  const one = f64x2.splat(1.0);
  for (let b = 0; b < B; b++) {
    const sr = gates + <usize>(b * 4 * H) * 8, gr = dg + <usize>(b * G) * 8, ar = da + <usize>(b * G) * 8, hb = <usize>(b * H) << 3;
    for (let u = 0; u < H2; u += 2) {
      const o = <usize>u << 3;
      const r = v128.load(sr + o), z = v128.load(sr + H8 + o), n = v128.load(sr + 2 * H8 + o), an = v128.load(sr + 3 * H8 + o);
      const d = v128.load(dh + hb + o);
      const dn = f64x2.mul(f64x2.mul(d, f64x2.sub(one, z)), f64x2.sub(one, f64x2.mul(n, n)));
      const dz = f64x2.mul(f64x2.mul(f64x2.mul(d, f64x2.sub(v128.load(hPrev + hb + o), n)), z), f64x2.sub(one, z));
      const dr = f64x2.mul(f64x2.mul(f64x2.mul(dn, an), r), f64x2.sub(one, r));
      v128.store(gr + o, dr);
      v128.store(gr + H8 + o, dz);
      v128.store(gr + 2 * H8 + o, dn);
      v128.store(ar + o, dr);
      v128.store(ar + H8 + o, dz);
      v128.store(ar + 2 * H8 + o, f64x2.mul(dn, r));
      v128.store(dhPrev + hb + o, f64x2.mul(d, z));
    }
    for (let u = H2; u < H; u++) {
      const o = <usize>u << 3;
      const r = load<f64>(sr + o), z = load<f64>(sr + H8 + o), n = load<f64>(sr + 2 * H8 + o), an = load<f64>(sr + 3 * H8 + o);
      const d = load<f64>(dh + hb + o);
      const dn = d * (1.0 - z) * (1.0 - n * n);
      const dz = d * (load<f64>(hPrev + hb + o) - n) * z * (1.0 - z);
      const dr = dn * an * r * (1.0 - r);
      store<f64>(gr + o, dr);
      store<f64>(gr + H8 + o, dz);
      store<f64>(gr + 2 * H8 + o, dn);
      store<f64>(ar + o, dr);
      store<f64>(ar + H8 + o, dz);
      store<f64>(ar + 2 * H8 + o, dn * r);
      store<f64>(dhPrev + hb + o, d * z);
    }
  }
  for (let b = 0; b < B; b++) {
    const gr = dg + <usize>(b * G) * 8, ar = da + <usize>(b * G) * 8;
    for (let j = 0; j < G2; j += 2) {
      const o = <usize>j << 3;
      v128.store(gbx + o, f64x2.add(v128.load(gbx + o), v128.load(gr + o)));
      v128.store(gbh + o, f64x2.add(v128.load(gbh + o), v128.load(ar + o)));
    }
    for (let j = G2; j < G; j++) {
      const o = <usize>j << 3;
      store<f64>(gbx + o, load<f64>(gbx + o) + load<f64>(gr + o));
      store<f64>(gbh + o, load<f64>(gbh + o) + load<f64>(ar + o));
    }
  }
}
