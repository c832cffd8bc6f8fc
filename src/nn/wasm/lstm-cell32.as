// AssemblyScript source of the LSTM cell's elementwise forward and backward steps in
// float32, four hidden units per f32x4: the twins of lstm-cell.as (same arithmetic, same
// buffer layout, 4-byte elements) for the LSTM's float32 precision. Built by build.mjs.

// e^x for four lanes (Cephes expf, Moshier 1989): Cody–Waite reduction x = k·ln2 + r,
// |r| ≤ ln2/2, with ln2 split in two, then a degree-7 polynomial for e^r (≈ 1 ulp of float32)
// and the scale 2^k built in the exponent bits. x is clamped to [−87, 88], where σ and
// tanh are already 0/1 (or ±1) in float32 and 2^k stays a normal number.
@inline function vexp32(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(88.0)), f32x4.splat(-87.0));
  const k = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(k, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(k, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

@inline function vsigmoid32(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, vexp32(f32x4.neg(x))));
}

// tanh x = 2/(1 + e^{−2x}) − 1: absolute error ~1e-7 near 0, float32's own resolution there.
@inline function vtanh32(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.sub(f32x4.div(f32x4.splat(2.0), f32x4.add(one, vexp32(f32x4.mul(x, f32x4.splat(-2.0))))), one);
}

// Scalar tails (H not a multiple of 4) through the same vector routines.
@inline function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(vsigmoid32(f32x4.splat(x)), 0);
}

@inline function tanh1(x: f32): f32 {
  return f32x4.extract_lane(vtanh32(f32x4.splat(x)), 0);
}

// lstm-cell.as's lstmCellForward in float32: for each of B rows, z[4H] (= h_{t−1}·Whᵀ on
// entry) += bias + Σ_k x_k·WxT[k,:], the gates, c = f·cPrev + i·g, tc = tanh(c), h = o·tc.
export function lstmCellForward32(B: i32, H: i32, I: i32, z: usize, x: usize, xStride: i32, bias: usize, wxT: usize, cPrev: usize, c: usize, tc: usize, h: usize): void {
  const G = 4 * H;
  const H4 = H & ~3;
  const G4 = G & ~3;
  for (let b = 0; b < B; b++) {
    const zr = z + (<usize>(b * G) << 2);
    const xr = x + (<usize>(b * xStride) << 2);
    for (let j = 0; j < G4; j += 4) {
      const o = <usize>j << 2;
      let s = f32x4.add(v128.load(zr + o), v128.load(bias + o));
      for (let k = 0; k < I; k++) {
        s = f32x4.add(s, f32x4.mul(v128.load(wxT + (<usize>(k * G) << 2) + o), v128.load32_splat(xr + (<usize>k << 2))));
      }
      v128.store(zr + o, s);
    }
    for (let j = G4; j < G; j++) {
      const o = <usize>j << 2;
      let s = load<f32>(zr + o) + load<f32>(bias + o);
      for (let k = 0; k < I; k++) s += load<f32>(wxT + (<usize>(k * G) << 2) + o) * load<f32>(xr + (<usize>k << 2));
      store<f32>(zr + o, s);
    }
    const hb = <usize>(b * H) << 2;
    const H4b = <usize>H << 2;
    for (let u = 0; u < H4; u += 4) {
      const o = <usize>u << 2;
      const ig = vsigmoid32(v128.load(zr + o));
      const fg = vsigmoid32(v128.load(zr + H4b + o));
      const gg = vtanh32(v128.load(zr + 2 * H4b + o));
      const og = vsigmoid32(v128.load(zr + 3 * H4b + o));
      v128.store(zr + o, ig);
      v128.store(zr + H4b + o, fg);
      v128.store(zr + 2 * H4b + o, gg);
      v128.store(zr + 3 * H4b + o, og);
      const cv = f32x4.add(f32x4.mul(fg, v128.load(cPrev + hb + o)), f32x4.mul(ig, gg));
      const tv = vtanh32(cv);
      v128.store(c + hb + o, cv);
      v128.store(tc + hb + o, tv);
      v128.store(h + hb + o, f32x4.mul(og, tv));
    }
    for (let u = H4; u < H; u++) {
      const o = <usize>u << 2;
      const ig = sigmoid1(load<f32>(zr + o));
      const fg = sigmoid1(load<f32>(zr + H4b + o));
      const gg = tanh1(load<f32>(zr + 2 * H4b + o));
      const og = sigmoid1(load<f32>(zr + 3 * H4b + o));
      store<f32>(zr + o, ig);
      store<f32>(zr + H4b + o, fg);
      store<f32>(zr + 2 * H4b + o, gg);
      store<f32>(zr + 3 * H4b + o, og);
      const cv = fg * load<f32>(cPrev + hb + o) + ig * gg;
      const tv = tanh1(cv);
      store<f32>(c + hb + o, cv);
      store<f32>(tc + hb + o, tv);
      store<f32>(h + hb + o, og * tv);
    }
  }
}

// lstm-cell.as's lstmCellBackward in float32: writes dz [B][4H], replaces dc by ∂L/∂c_{t−1},
// accumulates db[4H] += Σ_b dz and dWxT[I][4H] += x_kᵀ·dz.
export function lstmCellBackward32(B: i32, H: i32, I: i32, gates: usize, tc: usize, cPrev: usize, dh: usize, dc: usize, dz: usize, x: usize, xStride: i32, db: usize, dWxT: usize): void {
  const G = 4 * H;
  const H4 = H & ~3;
  const G4 = G & ~3;
  const H4b = <usize>H << 2;
  const one = f32x4.splat(1.0);
  for (let b = 0; b < B; b++) {
    const zr = gates + (<usize>(b * G) << 2);
    const dzr = dz + (<usize>(b * G) << 2);
    const hb = <usize>(b * H) << 2;
    for (let u = 0; u < H4; u += 4) {
      const o = <usize>u << 2;
      const ig = v128.load(zr + o), fg = v128.load(zr + H4b + o), gg = v128.load(zr + 2 * H4b + o), og = v128.load(zr + 3 * H4b + o);
      const tv = v128.load(tc + hb + o);
      const dhv = v128.load(dh + hb + o);
      const dcv = f32x4.add(v128.load(dc + hb + o), f32x4.mul(f32x4.mul(dhv, og), f32x4.sub(one, f32x4.mul(tv, tv))));
      v128.store(dzr + o, f32x4.mul(f32x4.mul(dcv, gg), f32x4.mul(ig, f32x4.sub(one, ig))));
      v128.store(dzr + H4b + o, f32x4.mul(f32x4.mul(dcv, v128.load(cPrev + hb + o)), f32x4.mul(fg, f32x4.sub(one, fg))));
      v128.store(dzr + 2 * H4b + o, f32x4.mul(f32x4.mul(dcv, ig), f32x4.sub(one, f32x4.mul(gg, gg))));
      v128.store(dzr + 3 * H4b + o, f32x4.mul(f32x4.mul(dhv, tv), f32x4.mul(og, f32x4.sub(one, og))));
      v128.store(dc + hb + o, f32x4.mul(dcv, fg));
    }
    for (let u = H4; u < H; u++) {
      const o = <usize>u << 2;
      const ig = load<f32>(zr + o), fg = load<f32>(zr + H4b + o), gg = load<f32>(zr + 2 * H4b + o), og = load<f32>(zr + 3 * H4b + o);
      const tv = load<f32>(tc + hb + o);
      const dhv = load<f32>(dh + hb + o);
      const dcv = load<f32>(dc + hb + o) + dhv * og * (1.0 - tv * tv);
      store<f32>(dzr + o, dcv * gg * (ig * (1.0 - ig)));
      store<f32>(dzr + H4b + o, dcv * load<f32>(cPrev + hb + o) * (fg * (1.0 - fg)));
      store<f32>(dzr + 2 * H4b + o, dcv * ig * (1.0 - gg * gg));
      store<f32>(dzr + 3 * H4b + o, dhv * tv * (og * (1.0 - og)));
      store<f32>(dc + hb + o, dcv * fg);
    }
    const xr = x + (<usize>(b * xStride) << 2);
    for (let j = 0; j < G4; j += 4) {
      const o = <usize>j << 2;
      const d = v128.load(dzr + o);
      v128.store(db + o, f32x4.add(v128.load(db + o), d));
      for (let k = 0; k < I; k++) {
        const p = dWxT + (<usize>(k * G) << 2) + o;
        v128.store(p, f32x4.add(v128.load(p), f32x4.mul(d, v128.load32_splat(xr + (<usize>k << 2)))));
      }
    }
    for (let j = G4; j < G; j++) {
      const o = <usize>j << 2;
      const d = load<f32>(dzr + o);
      store<f32>(db + o, load<f32>(db + o) + d);
      for (let k = 0; k < I; k++) {
        const p = dWxT + (<usize>(k * G) << 2) + o;
        store<f32>(p, load<f32>(p) + d * load<f32>(xr + (<usize>k << 2)));
      }
    }
  }
}
