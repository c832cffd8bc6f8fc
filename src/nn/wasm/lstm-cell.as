// AssemblyScript source of the LSTM cell's elementwise forward step (WebAssembly SIMD-128):
// bias + input projection, the four gate nonlinearities and the cell update, two hidden
// units per f64x2. Same arithmetic as the TypeScript loop in ../lstm.ts, except that exp is
// the vector routine below (≤ a few ulp from Math.exp). Built by build.mjs.

// e^x for two lanes: Cody–Waite reduction x = k·ln2 + r, |r| ≤ ln2/2 (fdlibm's split of
// ln2), then the degree-12 Taylor polynomial of e^r (remainder < 2.5e-16 relative) and the
// scale 2^k built in the exponent bits. x is clamped to [−700, 700], where σ and tanh are
// already exactly 0/1 (or ±1) in double precision.
@inline function vexp(x: v128): v128 {
  x = f64x2.max(f64x2.min(x, f64x2.splat(700.0)), f64x2.splat(-700.0));
  const k = f64x2.nearest(f64x2.mul(x, f64x2.splat(1.4426950408889634)));
  let r = f64x2.sub(x, f64x2.mul(k, f64x2.splat(6.93147180369123816490e-01)));
  r = f64x2.sub(r, f64x2.mul(k, f64x2.splat(1.90821492927058770002e-10)));
  let p = f64x2.splat(2.08767569878680989792e-9); // 1/12!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.50521083854417187751e-8)); // 1/11!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.75573192239858906526e-7)); // 1/10!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.75573192239858906526e-6)); // 1/9!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.48015873015873015873e-5)); // 1/8!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.98412698412698412698e-4)); // 1/7!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.38888888888888888889e-3)); // 1/6!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(8.33333333333333333333e-3)); // 1/5!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(4.16666666666666666667e-2)); // 1/4!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.66666666666666666667e-1)); // 1/3!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  return f64x2.mul(p, i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52));
}

@inline export function vsigmoid(x: v128): v128 {
  const one = f64x2.splat(1.0);
  return f64x2.div(one, f64x2.add(one, vexp(f64x2.neg(x))));
}

// tanh x = 2/(1 + e^{−2x}) − 1: absolute error ~1e-16 near 0, which is all the cell needs.
@inline export function vtanh(x: v128): v128 {
  const one = f64x2.splat(1.0);
  return f64x2.sub(f64x2.div(f64x2.splat(2.0), f64x2.add(one, vexp(f64x2.mul(x, f64x2.splat(-2.0))))), one);
}

// Scalar tails (odd H) through the same vector routines, so every unit sees the same exp.
@inline export function sigmoid1(x: f64): f64 {
  return f64x2.extract_lane(vsigmoid(f64x2.splat(x)), 0);
}

@inline export function tanh1(x: f64): f64 {
  return f64x2.extract_lane(vtanh(f64x2.splat(x)), 0);
}

// For each of B rows: z[4H] (= h_{t−1}·Whᵀ on entry) += bias + Σ_k x_k·WxT[k,:], then
// z ← (σ(z_i), σ(z_f), tanh(z_g), σ(z_o)), c = f·cPrev + i·g, tc = tanh(c), h = o·tc.
// Row b of x starts at x + b·xStride·8; z, cPrev, c, tc, h rows are contiguous ([B][4H], [B][H]).
export function lstmCellForward(B: i32, H: i32, I: i32, z: usize, x: usize, xStride: i32, bias: usize, wxT: usize, cPrev: usize, c: usize, tc: usize, h: usize): void {
  const G = 4 * H;
  const H2 = H & ~1;
  const G2 = G & ~1;
  for (let b = 0; b < B; b++) {
    const zr = z + (<usize>(b * G) << 3);
    const xr = x + (<usize>(b * xStride) << 3);
    for (let j = 0; j < G2; j += 2) {
      const o = <usize>j << 3;
      let s = f64x2.add(v128.load(zr + o), v128.load(bias + o));
      for (let k = 0; k < I; k++) {
        s = f64x2.add(s, f64x2.mul(v128.load(wxT + (<usize>(k * G) << 3) + o), v128.load64_splat(xr + (<usize>k << 3))));
      }
      v128.store(zr + o, s);
    }
    for (let j = G2; j < G; j++) {
      const o = <usize>j << 3;
      let s = load<f64>(zr + o) + load<f64>(bias + o);
      for (let k = 0; k < I; k++) s += load<f64>(wxT + (<usize>(k * G) << 3) + o) * load<f64>(xr + (<usize>k << 3));
      store<f64>(zr + o, s);
    }
    const hb = <usize>(b * H) << 3;
    const H8 = <usize>H << 3;
    for (let u = 0; u < H2; u += 2) {
      const o = <usize>u << 3;
      const ig = vsigmoid(v128.load(zr + o));
      const fg = vsigmoid(v128.load(zr + H8 + o));
      const gg = vtanh(v128.load(zr + 2 * H8 + o));
      const og = vsigmoid(v128.load(zr + 3 * H8 + o));
      v128.store(zr + o, ig);
      v128.store(zr + H8 + o, fg);
      v128.store(zr + 2 * H8 + o, gg);
      v128.store(zr + 3 * H8 + o, og);
      const cv = f64x2.add(f64x2.mul(fg, v128.load(cPrev + hb + o)), f64x2.mul(ig, gg));
      const tv = vtanh(cv);
      v128.store(c + hb + o, cv);
      v128.store(tc + hb + o, tv);
      v128.store(h + hb + o, f64x2.mul(og, tv));
    }
    for (let u = H2; u < H; u++) {
      const o = <usize>u << 3;
      const ig = sigmoid1(load<f64>(zr + o));
      const fg = sigmoid1(load<f64>(zr + H8 + o));
      const gg = tanh1(load<f64>(zr + 2 * H8 + o));
      const og = sigmoid1(load<f64>(zr + 3 * H8 + o));
      store<f64>(zr + o, ig);
      store<f64>(zr + H8 + o, fg);
      store<f64>(zr + 2 * H8 + o, gg);
      store<f64>(zr + 3 * H8 + o, og);
      const cv = fg * load<f64>(cPrev + hb + o) + ig * gg;
      const tv = tanh1(cv);
      store<f64>(c + hb + o, cv);
      store<f64>(tc + hb + o, tv);
      store<f64>(h + hb + o, og * tv);
    }
  }
}

// Backward through the cell at one step, for B rows: from dh (total ∂L/∂h_t) and dc (∂L/∂c_t
// carried from t+1) and the stored activations, writes the pre-activation gradients dz
// [B][4H], replaces dc by ∂L/∂c_{t−1}, and accumulates db[4H] += Σ_b dz and
// dWxT[I][4H] += x_kᵀ·dz (Wx's gradient, transposed so the update runs along 4H).
export function lstmCellBackward(B: i32, H: i32, I: i32, gates: usize, tc: usize, cPrev: usize, dh: usize, dc: usize, dz: usize, x: usize, xStride: i32, db: usize, dWxT: usize): void {
  const G = 4 * H;
  const H2 = H & ~1;
  const G2 = G & ~1;
  const H8 = <usize>H << 3;
  const one = f64x2.splat(1.0);
  for (let b = 0; b < B; b++) {
    const zr = gates + (<usize>(b * G) << 3);
    const dzr = dz + (<usize>(b * G) << 3);
    const hb = <usize>(b * H) << 3;
    for (let u = 0; u < H2; u += 2) {
      const o = <usize>u << 3;
      const ig = v128.load(zr + o), fg = v128.load(zr + H8 + o), gg = v128.load(zr + 2 * H8 + o), og = v128.load(zr + 3 * H8 + o);
      const tv = v128.load(tc + hb + o);
      const dhv = v128.load(dh + hb + o);
      const dcv = f64x2.add(v128.load(dc + hb + o), f64x2.mul(f64x2.mul(dhv, og), f64x2.sub(one, f64x2.mul(tv, tv))));
      v128.store(dzr + o, f64x2.mul(f64x2.mul(dcv, gg), f64x2.mul(ig, f64x2.sub(one, ig))));
      v128.store(dzr + H8 + o, f64x2.mul(f64x2.mul(dcv, v128.load(cPrev + hb + o)), f64x2.mul(fg, f64x2.sub(one, fg))));
      v128.store(dzr + 2 * H8 + o, f64x2.mul(f64x2.mul(dcv, ig), f64x2.sub(one, f64x2.mul(gg, gg))));
      v128.store(dzr + 3 * H8 + o, f64x2.mul(f64x2.mul(dhv, tv), f64x2.mul(og, f64x2.sub(one, og))));
      v128.store(dc + hb + o, f64x2.mul(dcv, fg));
    }
    for (let u = H2; u < H; u++) {
      const o = <usize>u << 3;
      const ig = load<f64>(zr + o), fg = load<f64>(zr + H8 + o), gg = load<f64>(zr + 2 * H8 + o), og = load<f64>(zr + 3 * H8 + o);
      const tv = load<f64>(tc + hb + o);
      const dhv = load<f64>(dh + hb + o);
      const dcv = load<f64>(dc + hb + o) + dhv * og * (1.0 - tv * tv);
      store<f64>(dzr + o, dcv * gg * (ig * (1.0 - ig)));
      store<f64>(dzr + H8 + o, dcv * load<f64>(cPrev + hb + o) * (fg * (1.0 - fg)));
      store<f64>(dzr + 2 * H8 + o, dcv * ig * (1.0 - gg * gg));
      store<f64>(dzr + 3 * H8 + o, dhv * tv * (og * (1.0 - og)));
      store<f64>(dc + hb + o, dcv * fg);
    }
    const xr = x + (<usize>(b * xStride) << 3);
    for (let j = 0; j < G2; j += 2) {
      const o = <usize>j << 3;
      const d = v128.load(dzr + o);
      v128.store(db + o, f64x2.add(v128.load(db + o), d));
      for (let k = 0; k < I; k++) {
        const p = dWxT + (<usize>(k * G) << 3) + o;
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(d, v128.load64_splat(xr + (<usize>k << 3)))));
      }
    }
    for (let j = G2; j < G; j++) {
      const o = <usize>j << 3;
      const d = load<f64>(dzr + o);
      store<f64>(db + o, load<f64>(db + o) + d);
      for (let k = 0; k < I; k++) {
        const p = dWxT + (<usize>(k * G) << 3) + o;
        store<f64>(p, load<f64>(p) + d * load<f64>(xr + (<usize>k << 3)));
      }
    }
  }
}
