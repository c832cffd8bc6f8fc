/**
 * A dense multilayer perceptron with hand-written first- and second-order backward passes,
 * float64, all layers side by side:
 *
 *   a₀ = x,   zₗ = Wₗ·aₗ₋₁ + bₗ,   aₗ = σ(zₗ) (l < L),   y = z_L (linear readout)
 *
 * Three passes over a batch (rows of x):
 * - `mlpForward`: y.
 * - `mlpBackward`: the vector–Jacobian product for a seed c = ∂ℓ/∂y: ∂ℓ/∂θ and ∂ℓ/∂x.
 *   With a scalar output and c = 1, ∂ℓ/∂x is the input gradient ∇ₓy (an HNN's ∇H).
 * - `mlpBackwardSecond`: the gradient of a loss m(g) of that input gradient g = ∂(c·y)/∂x,
 *   given ḡ = ∂m/∂g: ∂m/∂θ (what an HNN's training needs, Greydanus et al. 2019) and ∂m/∂x
 *   (the Hessian–vector product ∇ₓ²(c·y)·ḡ). It runs the backward pass's own graph in
 *   reverse, then the forward graph with the injected adjoints of the pre-activations:
 *   δₗ = σ′(zₗ)⊙(Wₗ₊₁ᵀδₗ₊₁), δ_L = c, g = W₁ᵀδ₁ — so the seed c is held fixed.
 *
 * All weights live in one flat vector (layout `mlpLayout`, W1, b1, …, WL, bL); every
 * buffer lives in an `MlpWorkspace`, so a pass allocates nothing. Products run through the
 * WebAssembly SIMD GEMMs (wasm/gemm.as) where the runtime has them, else the blocked
 * TypeScript ones (gemm.ts); with the wasm backend every operand, θ's copy included, lives in
 * the workspace's wasm heap.
 */
import type { ParamLayout } from '../core/params.js';
import { makeLayout } from '../core/params.js';
import type { Rng } from '../core/rng.js';
import { sigmoid, softplus } from './activations.js';
import { gemmNT, gemmTN } from './gemm.js';
import { WasmHeap, wasmSimdAvailable } from './wasm/heap.js';

/** Hidden-layer nonlinearities; each must be twice differentiable for `mlpBackwardSecond`. */
export type MlpActivation = 'tanh' | 'softplus';

export const MLP_ACTIVATIONS: readonly MlpActivation[] = ['tanh', 'softplus'];

export interface MlpShape {
  /** Input width. */
  input: number;
  /** Widths of the hidden layers, e.g. [200, 200]; [] is an affine map. */
  hidden: readonly number[];
  /** Output width (1 for a scalar such as a Hamiltonian). */
  output: number;
  /** Nonlinearity of every hidden layer. */
  activation: MlpActivation;
}

/** Layer widths n₀ = input, n₁ … n_{L−1} = hidden, n_L = output. */
function widths(shape: MlpShape): number[] {
  return [shape.input, ...shape.hidden, shape.output];
}

/** Named layout: W1 [n₁×n₀], b1 [n₁], …, WL [n_L×n_{L−1}], bL [n_L] (row-major, rows are output units). */
export function mlpLayout(shape: MlpShape): { layout: ParamLayout; size: number } {
  const n = widths(shape);
  const shapes: Record<string, number[]> = {};
  for (let l = 1; l < n.length; l++) {
    shapes[`W${l}`] = [n[l], n[l - 1]];
    shapes[`b${l}`] = [n[l]];
  }
  return makeLayout(shapes);
}

/** Initialises θ in place: weights Glorot-uniform (Glorot & Bengio 2010), biases 0. */
export function initMlp(shape: MlpShape, theta: Float64Array, rng: Rng): void {
  const n = widths(shape);
  const { layout } = mlpLayout(shape);
  theta.fill(0);
  for (let l = 1; l < n.length; l++) {
    const w = layout[2 * (l - 1)];
    const a = Math.sqrt(6 / (n[l] + n[l - 1]));
    for (let k = 0; k < n[l] * n[l - 1]; k++) theta[w.offset + k] = rng.uniformIn(-a, a);
  }
}

/** Where the products run: 'wasm' (f64x2 SIMD kernels), 'js' (plain TypeScript), or 'auto' (wasm if available). */
export type MlpBackend = 'auto' | 'js' | 'wasm';

/** Every buffer of the three passes for up to `capacity` rows, allocated once. */
export class MlpWorkspace {
  readonly shape: MlpShape;
  /** Largest number of rows a pass may take. */
  readonly capacity: number;
  /** The backend actually in use. */
  readonly backend: 'js' | 'wasm';
  /** Rows of the last forward pass. */
  rows = 0;
  /** @internal Layer widths n₀ … n_L and the offsets of Wₗ, bₗ in θ (index l; 0 unused). */
  readonly n: number[];
  readonly wOff: number[];
  readonly bOff: number[];
  /** @internal θ as of the last forward pass, and the gradient a backward pass accumulates before adding it to the caller's. */
  readonly w: Float64Array;
  readonly gw: Float64Array;
  /** @internal aₗ [rows][nₗ] for l = 0 … L−1 (a₀ is a copy of x); z_L = y is `output`. */
  readonly a: Float64Array[];
  /** @internal σ′(zₗ) and σ″(zₗ) for hidden l (index l; 0 unused). */
  readonly d1: Float64Array[];
  readonly d2: Float64Array[];
  /** @internal Backward: δₗ = ∂ℓ/∂zₗ (l = 1 … L) and gₗ = ∂ℓ/∂aₗ (l = 0 … L−1). */
  readonly delta: Float64Array[];
  readonly g: Float64Array[];
  /** @internal Second backward: adjoints of the pre-activations zₗ, a copy of ḡ, and two scratch rows. */
  readonly zBar: Float64Array[];
  readonly gBar: Float64Array;
  readonly s1: Float64Array;
  readonly s2: Float64Array;
  /** @internal Wₗᵀ [n_{l−1}×nₗ], refreshed by each backward pass, so products with Wₗ are row-by-row too. */
  readonly wT: Float64Array[];
  /** y of the last forward pass, [rows][output] (only the first `rows` rows are meaningful). */
  readonly output: Float64Array;
  /** @internal GEMMs over this workspace's buffers. */
  readonly nt: typeof gemmNT;
  readonly tn: typeof gemmTN;

  constructor(shape: MlpShape, capacity: number, backend: MlpBackend = 'auto') {
    for (const [k, v] of Object.entries({ input: shape.input, output: shape.output, capacity, ...Object.fromEntries(shape.hidden.map((h, i) => [`hidden[${i}]`, h])) })) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`MlpWorkspace: ${k} must be a positive integer, got ${v}`);
    }
    if (!MLP_ACTIVATIONS.includes(shape.activation)) throw new RangeError(`MlpWorkspace: activation must be one of ${MLP_ACTIVATIONS.join(', ')}; got ${shape.activation}`);
    if (backend === 'wasm' && !wasmSimdAvailable()) throw new Error('MlpWorkspace: WebAssembly SIMD is not available here');
    this.shape = { ...shape, hidden: [...shape.hidden] };
    this.capacity = capacity;
    this.backend = backend === 'js' || !wasmSimdAvailable() ? 'js' : 'wasm';
    const n = (this.n = widths(shape));
    const L = n.length - 1;
    const { layout, size } = mlpLayout(shape);
    this.wOff = [0];
    this.bOff = [0];
    for (let l = 1; l <= L; l++) {
      this.wOff.push(layout[2 * (l - 1)].offset);
      this.bOff.push(layout[2 * (l - 1) + 1].offset);
    }
    const widest = Math.max(...n);
    // Every buffer's length, so a wasm heap can be sized before anything is allocated.
    const hiddenRows = n.slice(0, L).map((w, l) => capacity * (l === 0 ? 0 : w));
    const lengths = [
      size, size, capacity * n[0], capacity * widest, capacity * widest, capacity * shape.output,
      ...n.slice(0, L).map((w) => capacity * w), ...hiddenRows, ...hiddenRows, ...n.map((w, l) => capacity * (l === 0 ? 0 : w)),
      ...n.slice(0, L).map((w) => capacity * w), ...hiddenRows, ...n.map((w, l) => (l === 0 ? 0 : w * n[l - 1])),
    ];
    let alloc: (k: number) => Float64Array = (k) => new Float64Array(k);
    if (this.backend === 'wasm') {
      const heap = new WasmHeap(lengths.reduce((t, k) => t + k + 2, 0));
      alloc = (k) => heap.alloc(k);
      this.nt = heap.gemmNT.bind(heap);
      this.tn = heap.gemmTN.bind(heap);
    } else {
      this.nt = gemmNT;
      this.tn = gemmTN;
    }
    const rows = (w: number) => alloc(capacity * w);
    this.w = alloc(size);
    this.gw = alloc(size);
    this.gBar = rows(n[0]);
    this.s1 = rows(widest);
    this.s2 = rows(widest);
    this.output = rows(shape.output);
    this.a = n.slice(0, L).map(rows);
    this.d1 = n.slice(0, L).map((w, l) => rows(l === 0 ? 0 : w));
    this.d2 = n.slice(0, L).map((w, l) => rows(l === 0 ? 0 : w));
    this.delta = n.map((w, l) => rows(l === 0 ? 0 : w));
    this.g = n.slice(0, L).map(rows);
    this.zBar = n.slice(0, L).map((w, l) => rows(l === 0 ? 0 : w));
    this.wT = n.map((w, l) => alloc(l === 0 ? 0 : w * n[l - 1]));
  }
}

/**
 * Forward pass over the rows of `x` ([rows][input], rows ≤ capacity); returns `ws.output`
 * (y, [rows][output] in its first rows) and keeps what the backward passes read, θ included.
 */
export function mlpForward(theta: Float64Array, x: Float64Array, ws: MlpWorkspace): Float64Array {
  const { n, a, d1, d2, wOff, bOff, w: th } = ws;
  const L = n.length - 1;
  const B = x.length / n[0];
  if (!Number.isInteger(B) || B < 1 || B > ws.capacity) {
    throw new RangeError(`mlpForward: x has ${x.length} entries: not a positive multiple ≤ ${ws.capacity} rows of ${n[0]} inputs`);
  }
  if (theta.length !== th.length) throw new RangeError(`mlpForward: θ has ${theta.length} entries, the layout ${th.length}`);
  ws.rows = B;
  th.set(theta);
  a[0].set(x);
  const tanh = ws.shape.activation === 'tanh';
  for (let l = 1; l <= L; l++) {
    const out = l === L ? ws.output : a[l];
    ws.nt(B, n[l], n[l - 1], a[l - 1], 0, n[l - 1], th, wOff[l], n[l - 1], out, 0, n[l], false);
    const w = n[l];
    for (let r = 0; r < B; r++) for (let u = 0; u < w; u++) out[r * w + u] += th[bOff[l] + u];
    if (l === L) break;
    const dd1 = d1[l], dd2 = d2[l];
    for (let k = 0; k < B * w; k++) {
      const z = out[k];
      if (tanh) {
        const t = Math.tanh(z);
        const s = 1 - t * t;
        out[k] = t;
        dd1[k] = s;
        dd2[k] = -2 * t * s;
      } else {
        const s = sigmoid(z);
        out[k] = softplus(z);
        dd1[k] = s;
        dd2[k] = s * (1 - s);
      }
    }
  }
  return ws.output;
}

/** Wₗᵀ of the forward pass's θ, for the row-by-row products with Wₗ. */
function refreshTransposes(ws: MlpWorkspace): void {
  const { n, wT, wOff, w: th } = ws;
  for (let l = 1; l < n.length; l++) {
    const rowsW = n[l], cols = n[l - 1], t = wT[l], o = wOff[l];
    for (let i = 0; i < rowsW; i++) for (let j = 0; j < cols; j++) t[j * rowsW + i] = th[o + i * cols + j];
  }
}

/** grad += the gradient the pass accumulated in the workspace. */
function addGradient(ws: MlpWorkspace, grad: Float64Array): void {
  const gw = ws.gw;
  if (grad.length !== gw.length) throw new RangeError(`MLP backward: grad has ${grad.length} entries, the layout ${gw.length}`);
  for (let k = 0; k < gw.length; k++) grad[k] += gw[k];
}

/**
 * Vector–Jacobian product after `mlpForward` (at the θ of that pass): for the seed
 * c = ∂ℓ/∂y ([rows][output]), adds ∂ℓ/∂θ into `grad` (when given; it accumulates, so several
 * passes can sum) and writes ∂ℓ/∂x ([rows][input]) into `dx` (when given). Keeps the δₗ that
 * `mlpBackwardSecond` differentiates.
 */
export function mlpBackward(_theta: Float64Array, ws: MlpWorkspace, seed: Float64Array, grad: Float64Array | null, dx: Float64Array | null): void {
  const { n, a, d1, delta, g, wOff, bOff, wT, gw } = ws;
  const L = n.length - 1, B = ws.rows;
  if (seed.length < B * n[L]) throw new RangeError(`mlpBackward: seed has ${seed.length} entries, expected rows·output = ${B * n[L]}`);
  refreshTransposes(ws);
  if (grad) gw.fill(0);
  delta[L].set(seed.subarray(0, B * n[L]));
  for (let l = L; l >= 1; l--) {
    const w = n[l], wp = n[l - 1];
    if (grad) {
      ws.tn(w, wp, B, delta[l], 0, w, a[l - 1], 0, wp, gw, wOff[l], wp);
      for (let r = 0; r < B; r++) for (let u = 0; u < w; u++) gw[bOff[l] + u] += delta[l][r * w + u];
    }
    // gₗ₋₁ = δₗ·Wₗ (rows of δₗ against the rows of Wₗᵀ).
    ws.nt(B, wp, w, delta[l], 0, w, wT[l], 0, w, g[l - 1], 0, wp, false);
    if (l > 1) {
      const dl = delta[l - 1], gl = g[l - 1], s = d1[l - 1];
      for (let k = 0; k < B * wp; k++) dl[k] = s[k] * gl[k];
    }
  }
  if (grad) addGradient(ws, grad);
  if (dx) {
    if (dx.length < B * n[0]) throw new RangeError(`mlpBackward: dx has ${dx.length} entries, expected rows·input = ${B * n[0]}`);
    dx.set(g[0].subarray(0, B * n[0]));
  }
}

/**
 * Second-order backward pass after `mlpBackward` (same θ, same seed c): given
 * ḡ = ∂m/∂g ([rows][input]) for a loss m of the input gradient g = ∂(c·y)/∂x, adds ∂m/∂θ
 * into `grad` (when given; accumulates) and writes ∂m/∂x = ∇ₓ²(c·y)·ḡ into `dxx` (when given).
 */
export function mlpBackwardSecond(_theta: Float64Array, ws: MlpWorkspace, gBar: Float64Array, grad: Float64Array | null, dxx: Float64Array | null): void {
  const { n, a, d1, d2, delta, g, zBar, wOff, bOff, wT, gw, w: th } = ws;
  const L = n.length - 1, B = ws.rows;
  if (gBar.length < B * n[0]) throw new RangeError(`mlpBackwardSecond: gBar has ${gBar.length} entries, expected rows·input = ${B * n[0]}`);
  if (grad) gw.fill(0);
  // Reverse of the backward graph. s1 holds δ̄ₗ = ∂m/∂δₗ, s2 the adjoint ḡₗ of gₗ (ḡ₀ = gBar).
  ws.gBar.set(gBar.subarray(0, B * n[0]));
  let gb = ws.gBar;
  const db = ws.s1;
  for (let l = 1; l <= L; l++) {
    const w = n[l], wp = n[l - 1];
    // gₗ₋₁ = Wₗᵀδₗ: W̄ₗ += δₗᵀ·ḡₗ₋₁, δ̄ₗ = ḡₗ₋₁·Wₗᵀ.
    if (grad) ws.tn(w, wp, B, delta[l], 0, w, gb, 0, wp, gw, wOff[l], wp);
    if (l === L) break; // δ_L = c is held fixed
    ws.nt(B, w, wp, gb, 0, wp, th, wOff[l], wp, db, 0, w, false);
    // δₗ = σ′(zₗ)⊙gₗ: ḡₗ = σ′⊙δ̄ₗ, z̄ₗ = σ″⊙gₗ⊙δ̄ₗ.
    const s = d1[l], s2 = d2[l], gl = g[l], zb = zBar[l], next = ws.s2;
    for (let k = 0; k < B * w; k++) {
      next[k] = s[k] * db[k];
      zb[k] = s2[k] * gl[k] * db[k];
    }
    gb = next;
  }
  // Reverse of the forward graph with the injected z̄ₗ; the readout z_L gets no adjoint
  // (g does not depend on it). ζₗ = z̄ₗ + σ′(zₗ)⊙(ζₗ₊₁·Wₗ₊₁) is built in place in zBar[l].
  for (let l = L - 1; l >= 1; l--) {
    const w = n[l], wp = n[l - 1], zb = zBar[l];
    if (l < L - 1) {
      const aBar = ws.s1;
      ws.nt(B, w, n[l + 1], zBar[l + 1], 0, n[l + 1], wT[l + 1], 0, n[l + 1], aBar, 0, w, false);
      const s = d1[l];
      for (let k = 0; k < B * w; k++) zb[k] += s[k] * aBar[k];
    }
    if (grad) {
      ws.tn(w, wp, B, zb, 0, w, a[l - 1], 0, wp, gw, wOff[l], wp);
      for (let r = 0; r < B; r++) for (let u = 0; u < w; u++) gw[bOff[l] + u] += zb[r * w + u];
    }
  }
  if (grad) addGradient(ws, grad);
  if (dxx) {
    if (dxx.length < B * n[0]) throw new RangeError(`mlpBackwardSecond: dxx has ${dxx.length} entries, expected rows·input = ${B * n[0]}`);
    if (L === 1) dxx.fill(0, 0, B * n[0]);
    else {
      ws.nt(B, n[0], n[1], zBar[1], 0, n[1], wT[1], 0, n[1], ws.s1, 0, n[0], false);
      dxx.set(ws.s1.subarray(0, B * n[0]));
    }
  }
}
