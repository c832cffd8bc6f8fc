/**
 * Second directional derivatives of a dense MLP (mlp.ts's network and weight layout) and
 * their gradient with respect to the weights, by a forward pass that carries two tangents
 * and their mixed second tangent through every layer, and its hand-written reverse pass.
 *
 * For directions a, b (one of each per row of x), layer by layer, zₗ = Wₗhₗ₋₁ + bₗ and
 * hₗ = σ(zₗ):
 *
 *   żₗ = Wₗḣₗ₋₁ (for a and for b),  z̈ₗ = Wₗḧₗ₋₁,
 *   ḣₗ = σ′ żₗ,  ḧₗ = σ″ ża żb + σ′ z̈,
 *
 * from h₀ = x, ḣ₀ = a or b, ḧ₀ = 0; the linear readout gives y, Dy[a], Dy[b] and D²y[a, b].
 * The four streams are stacked as 4·rows rows, so each layer is one product with Wₗ forward
 * and one with Wₗ and one with Wₗᵀ backward; the reverse of the elementwise step needs σ′, σ″
 * and σ‴. What a Lagrangian network's training needs (Cranmer et al. 2020): the weight
 * gradient of λᵀ(M q̇ + H q̈) = D²L[(0, λ), (q̇, q̈)], a second directional derivative along
 * fixed directions (lagrangian.ts).
 */
import type { Floats } from './gemm.js';
import { gemmNT, gemmTN } from './gemm.js';
import { sigmoid, softplus } from './activations.js';
import { mlpLayout, type MlpShape } from './mlp.js';
import { WasmHeap, wasmSimdAvailable } from './wasm/heap.js';

/** Scratch of `activation`, so a pass allocates nothing. */
const sigma = new Float64Array(4);

/** σ and its first three derivatives at z, written to out[0..3]. */
function activation(kind: MlpShape['activation'], z: number, out: Float64Array): void {
  if (kind === 'tanh') {
    const t = Math.tanh(z), s = 1 - t * t;
    out[0] = t;
    out[1] = s;
    out[2] = -2 * t * s;
    out[3] = s * (6 * t * t - 2);
  } else {
    const s = sigmoid(z), s1 = s * (1 - s);
    out[0] = softplus(z);
    out[1] = s;
    out[2] = s1;
    out[3] = s1 * (1 - 2 * s);
  }
}

/** The buffers of one forward and reverse pass over up to `capacity` rows, allocated once. */
export class TangentWorkspace {
  readonly shape: MlpShape;
  readonly capacity: number;
  /** Rows of the last forward pass. */
  rows = 0;
  /** @internal Widths n₀ … n_L, offsets of Wₗ and bₗ. */
  readonly n: number[];
  readonly wOff: number[];
  readonly bOff: number[];
  /** @internal θ of the last forward pass and the gradient the reverse pass accumulates. */
  readonly w: Float64Array;
  readonly gw: Float64Array;
  /** @internal Stacked inputs of layer l+1, [h; ḣa; ḣb; ḧ] ([4·rows][nₗ], l = 0 … L−1). */
  readonly h: Float64Array[];
  /** @internal Stacked pre-activations [z; ża; żb; z̈] of layer l (l = 1 … L; index 0 unused). */
  readonly z: Float64Array[];
  /** @internal σ′, σ″, σ‴ at the hidden pre-activations, [3][rows][nₗ] per hidden layer. */
  readonly sd: Float64Array[];
  /** @internal Adjoints of the stacked pre-activations and of the stacked layer inputs. */
  readonly zBar: Float64Array;
  readonly hBar: Float64Array;
  /** @internal Wₗᵀ. */
  readonly wT: Float64Array[];
  readonly nt: (M: number, N: number, K: number, a: Floats, aOff: number, lda: number, b: Floats, bOff: number, ldb: number, c: Floats, cOff: number, ldc: number, acc: boolean) => void;
  readonly tn: (M: number, N: number, R: number, a: Floats, aOff: number, lda: number, b: Floats, bOff: number, ldb: number, c: Floats, cOff: number, ldc: number) => void;

  constructor(shape: MlpShape, capacity: number, backend: 'auto' | 'js' = 'auto') {
    if (shape.output !== 1) throw new RangeError(`TangentWorkspace: the network must have one output, got ${shape.output}`);
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`TangentWorkspace: capacity must be a positive integer, got ${capacity}`);
    this.shape = { ...shape, hidden: [...shape.hidden] };
    this.capacity = capacity;
    const n = (this.n = [shape.input, ...shape.hidden, 1]);
    const L = n.length - 1;
    const { layout, size } = mlpLayout(shape);
    this.wOff = [0, ...layout.filter((_, k) => k % 2 === 0).map((b) => b.offset)];
    this.bOff = [0, ...layout.filter((_, k) => k % 2 === 1).map((b) => b.offset)];
    const widest = Math.max(...n);
    const stacked = (w: number) => 4 * capacity * w;
    const lengths = [size, size, ...n.slice(0, L).map(stacked), ...n.map((w, l) => (l ? stacked(w) : 0)), ...n.map((w, l) => (l && l < L ? 3 * capacity * w : 0)), stacked(widest), stacked(widest), ...n.map((w, l) => (l ? w * n[l - 1] : 0))];
    let alloc: (k: number) => Float64Array = (k) => new Float64Array(k);
    if (backend === 'auto' && wasmSimdAvailable()) {
      const heap = new WasmHeap(lengths.reduce((t, k) => t + k + 2, 0));
      alloc = (k) => heap.alloc(k);
      this.nt = heap.gemmNT.bind(heap);
      this.tn = heap.gemmTN.bind(heap);
    } else {
      this.nt = gemmNT;
      this.tn = gemmTN;
    }
    this.w = alloc(size);
    this.gw = alloc(size);
    this.h = n.slice(0, L).map((w) => alloc(stacked(w)));
    this.z = n.map((w, l) => alloc(l ? stacked(w) : 0));
    this.sd = n.map((w, l) => alloc(l && l < L ? 3 * capacity * w : 0));
    this.zBar = alloc(stacked(widest));
    this.hBar = alloc(stacked(widest));
    this.wT = n.map((w, l) => alloc(l ? w * n[l - 1] : 0));
  }

  /** The last forward pass's outputs for row r: y, Dy[a], Dy[b], D²y[a, b]. */
  outputs(r: number): [number, number, number, number] {
    const z = this.z[this.n.length - 1], B = this.rows;
    return [z[r], z[B + r], z[2 * B + r], z[3 * B + r]];
  }
}

/**
 * Forward pass: for rows of x, a, b ([rows][input] each), y, Dy[a], Dy[b] and D²y[a, b]
 * (read them with `ws.outputs(r)`); keeps what `mlpTangentBackward` reads, θ included.
 */
export function mlpTangentForward(theta: Float64Array, x: Float64Array, a: Float64Array, b: Float64Array, ws: TangentWorkspace): void {
  const { n, h, z, sd, wOff, bOff, w: th } = ws;
  const L = n.length - 1, n0 = n[0];
  const B = x.length / n0;
  if (!Number.isInteger(B) || B < 1 || B > ws.capacity) throw new RangeError(`mlpTangentForward: x has ${x.length} entries: not a positive multiple ≤ ${ws.capacity} rows of ${n0} inputs`);
  if (a.length < B * n0 || b.length < B * n0) throw new RangeError(`mlpTangentForward: the directions need ${B * n0} entries each, got ${a.length} and ${b.length}`);
  if (theta.length !== th.length) throw new RangeError(`mlpTangentForward: θ has ${theta.length} entries, the layout ${th.length}`);
  ws.rows = B;
  th.set(theta);
  h[0].set(x.subarray(0, B * n0));
  h[0].set(a.subarray(0, B * n0), B * n0);
  h[0].set(b.subarray(0, B * n0), 2 * B * n0);
  h[0].fill(0, 3 * B * n0, 4 * B * n0);
  const f = sigma;
  const act = ws.shape.activation;
  for (let l = 1; l <= L; l++) {
    const w = n[l], zl = z[l];
    ws.nt(4 * B, w, n[l - 1], h[l - 1], 0, n[l - 1], th, wOff[l], n[l - 1], zl, 0, w, false);
    for (let r = 0; r < B; r++) for (let u = 0; u < w; u++) zl[r * w + u] += th[bOff[l] + u];
    if (l === L) break;
    const hl = h[l], s = sd[l], m = B * w;
    for (let k = 0; k < m; k++) {
      activation(act, zl[k], f);
      const za = zl[m + k], zb = zl[2 * m + k];
      hl[k] = f[0];
      hl[m + k] = f[1] * za;
      hl[2 * m + k] = f[1] * zb;
      hl[3 * m + k] = f[2] * za * zb + f[1] * zl[3 * m + k];
      s[k] = f[1];
      s[m + k] = f[2];
      s[2 * m + k] = f[3];
    }
  }
}

/**
 * Reverse pass after `mlpTangentForward` (same θ): for the seed c, [4][rows] stacked as
 * (∂φ/∂y, ∂φ/∂Dy[a], ∂φ/∂Dy[b], ∂φ/∂D²y[a, b]), adds ∂φ/∂θ into `grad` (when given;
 * accumulates) and writes ∂φ/∂x ([rows][input], a and b held fixed) into `dx` (when given).
 */
export function mlpTangentBackward(ws: TangentWorkspace, seed: Float64Array, grad: Float64Array | null, dx: Float64Array | null): void {
  const { n, h, z, sd, wOff, bOff, wT, gw, zBar, hBar, w: th } = ws;
  const L = n.length - 1, B = ws.rows;
  if (seed.length < 4 * B) throw new RangeError(`mlpTangentBackward: seed has ${seed.length} entries, expected 4·rows = ${4 * B}`);
  if (grad && grad.length !== gw.length) throw new RangeError(`mlpTangentBackward: grad has ${grad.length} entries, the layout ${gw.length}`);
  for (let l = 1; l <= L; l++) {
    const rowsW = n[l], cols = n[l - 1], t = wT[l], o = wOff[l];
    for (let i = 0; i < rowsW; i++) for (let j = 0; j < cols; j++) t[j * rowsW + i] = th[o + i * cols + j];
  }
  gw.fill(0);
  zBar.set(seed.subarray(0, 4 * B));
  for (let l = L; l >= 1; l--) {
    const w = n[l], wp = n[l - 1];
    ws.tn(w, wp, 4 * B, zBar, 0, w, h[l - 1], 0, wp, gw, wOff[l], wp);
    for (let r = 0; r < B; r++) for (let u = 0; u < w; u++) gw[bOff[l] + u] += zBar[r * w + u];
    ws.nt(4 * B, wp, w, zBar, 0, w, wT[l], 0, w, hBar, 0, wp, false);
    if (l === 1) break;
    // Reverse of ḣ = σ′ż, ḧ = σ″ ża żb + σ′z̈ and h = σ(z), into the adjoints of [z; ża; żb; z̈].
    const m = B * wp, zl = z[l - 1], s = sd[l - 1];
    for (let k = 0; k < m; k++) {
      const s1 = s[k], s2 = s[m + k], s3 = s[2 * m + k];
      const za = zl[m + k], zb = zl[2 * m + k], zz = zl[3 * m + k];
      const hb = hBar[k], ha = hBar[m + k], hbb = hBar[2 * m + k], hh = hBar[3 * m + k];
      zBar[k] = s1 * hb + s2 * (za * ha + zb * hbb + zz * hh) + s3 * za * zb * hh;
      zBar[m + k] = s1 * ha + s2 * zb * hh;
      zBar[2 * m + k] = s1 * hbb + s2 * za * hh;
      zBar[3 * m + k] = s1 * hh;
    }
  }
  if (grad) for (let k = 0; k < gw.length; k++) grad[k] += gw[k];
  if (dx) {
    if (dx.length < B * n[0]) throw new RangeError(`mlpTangentBackward: dx has ${dx.length} entries, expected rows·input = ${B * n[0]}`);
    dx.set(hBar.subarray(0, B * n[0]));
  }
}
