/**
 * A fused single-layer LSTM (Hochreiter & Schmidhuber 1997, with forget gate: Gers et al.
 * 2000) with a linear readout, float64, forward and hand-written backpropagation through
 * time side by side. Gate order i, f, g, o as in PyTorch:
 *
 *   z = Wx·x_t + Wh·h_{t−1} + b,   i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g,     h_t = o ⊙ tanh(c_t),     ŷ_t = Wout·h_t + bout
 *
 * All weights live in one flat vector (layout `lstmLayout`); every buffer lives in an
 * `LstmWorkspace`, so a training step allocates nothing. The recurrent products
 * [B×H]·[H×4H] per time step run through register-blocked GEMMs: the WebAssembly SIMD
 * kernels (wasm/gemm.as) where the runtime has them, else the TypeScript ones (gemm.ts).
 *
 * Precision: θ, the loss, the readout and the returned gradient are float64 always. With
 * precision 'float32' (wasm backend only) the recurrent part — gates, states, the
 * recurrent GEMMs and their gradient sums over one pass — runs in float32 through the f32x4
 * kernels (wasm/gemm32.as, wasm/lstm-cell32.as): twice the lanes of f64x2, as PyTorch's
 * float32 LSTM. Where SIMD is missing the TypeScript float64 path runs instead.
 */
import type { ParamLayout } from '../core/params.js';
import { block, makeLayout } from '../core/params.js';
import type { Rng } from '../core/rng.js';
import { sigmoid } from './activations.js';
import { gemmNT, gemmTN, type Floats } from './gemm.js';
import { WasmHeap, wasmSimdAvailable, type HeapPrecision } from './wasm/heap.js';

export interface LstmShape {
  /** Input channels per time step. */
  input: number;
  /** Hidden units (the cell state has the same size). */
  hidden: number;
  /** Output channels of the linear readout. */
  output: number;
}

/** Named layout: Wx [4H×I], Wh [4H×H], b [4H], Wout [O×H], bout [O] (gate rows i, f, g, o). */
export function lstmLayout(shape: LstmShape): { layout: ParamLayout; size: number } {
  const { input: I, hidden: H, output: O } = shape;
  return makeLayout({ Wx: [4 * H, I], Wh: [4 * H, H], b: [4 * H], Wout: [O, H], bout: [O] });
}

/** Offsets of the blocks inside θ (resolved once, not per step). */
export interface LstmOffsets { wx: number; wh: number; b: number; wout: number; bout: number }

/** Where each block of `lstmLayout(shape)` starts inside θ. */
export function lstmOffsets(shape: LstmShape): LstmOffsets {
  const { layout } = lstmLayout(shape);
  return {
    wx: block(layout, 'Wx').offset, wh: block(layout, 'Wh').offset, b: block(layout, 'b').offset,
    wout: block(layout, 'Wout').offset, bout: block(layout, 'bout').offset,
  };
}

/**
 * Initialises θ in place: Wx and Wout Glorot-uniform (Glorot & Bengio 2010), each gate's
 * block of Wh orthogonal (Saxe et al. 2014; Gram–Schmidt of a Gaussian matrix), gate
 * biases 0 except the forget gate at 1 (Jozefowicz et al. 2015), bout 0.
 */
export function initLstm(shape: LstmShape, theta: Float64Array, rng: Rng): void {
  const { input: I, hidden: H, output: O } = shape;
  const off = lstmOffsets(shape);
  theta.fill(0);
  const ax = Math.sqrt(6 / (I + H));
  for (let k = 0; k < 4 * H * I; k++) theta[off.wx + k] = rng.uniformIn(-ax, ax);
  const q = new Float64Array(H * H);
  for (let gate = 0; gate < 4; gate++) {
    rng.fillNormal(q);
    for (let r = 0; r < H; r++) {
      // Modified Gram–Schmidt on the rows of q.
      for (let p = 0; p < r; p++) {
        let d = 0;
        for (let k = 0; k < H; k++) d += q[r * H + k] * q[p * H + k];
        for (let k = 0; k < H; k++) q[r * H + k] -= d * q[p * H + k];
      }
      let n = 0;
      for (let k = 0; k < H; k++) n += q[r * H + k] ** 2;
      n = 1 / Math.sqrt(n);
      for (let k = 0; k < H; k++) q[r * H + k] *= n;
    }
    theta.set(q, off.wh + gate * H * H);
  }
  for (let j = H; j < 2 * H; j++) theta[off.b + j] = 1;
  const ao = Math.sqrt(6 / (H + O));
  for (let k = 0; k < O * H; k++) theta[off.wout + k] = rng.uniformIn(-ao, ao);
}

/**
 * Where the recurrent products run: 'wasm' (f64x2 SIMD kernels; the big buffers then live
 * in a WebAssembly memory), 'js' (plain TypeScript), or 'auto' (wasm if available).
 */
export type LstmBackend = 'auto' | 'js' | 'wasm';

/** Arithmetic of the recurrent part: 'float64', or 'float32' (wasm backend; float64 elsewhere). */
export type LstmPrecision = HeapPrecision;

type NT = typeof gemmNT;
type TN = typeof gemmTN;

/** Every buffer a forward and backward pass over [batch × steps] needs, allocated once. */
export class LstmWorkspace {
  readonly shape: LstmShape;
  readonly batch: number;
  readonly steps: number;
  /** Positions t < burnIn are run but left out of the loss (too little context yet). */
  readonly burnIn: number;
  /** @internal Activated gates i, f, g, o per step, time-major [T][B][4H]. */
  readonly gates: Floats;
  /** @internal Cell states [T+1][B][H]; slot 0 is the initial state (zero unless given). */
  readonly c: Floats;
  /** @internal Hidden states [T+1][B][H]; slot 0 is the initial state (zero unless given). */
  readonly h: Floats;
  /** @internal tanh(c_t) [T][B][H]. */
  readonly tc: Floats;
  /** Predictions ŷ of the last forward pass, batch-major [B][T][O] like the targets. */
  readonly pred: Float64Array;
  /** @internal Scratch of the backward pass. */
  readonly dz: Floats;
  readonly dh: Floats;
  readonly dhNext: Floats;
  readonly dc: Floats;
  readonly dy: Float64Array;
  readonly whT: Floats;
  /** @internal Copy of θ's Wh and the accumulated dWh, next to the other GEMM operands. */
  readonly wh: Floats;
  readonly dWh: Floats;
  /** @internal wasm backend only: copies of x, b and Wxᵀ in the heap, their gradients, and the heap itself. */
  readonly xIn: Floats;
  readonly bias: Floats;
  readonly wxT: Floats;
  readonly db: Floats;
  readonly dWxT: Floats;
  readonly heap: WasmHeap<LstmPrecision> | null;
  readonly off: LstmOffsets;
  /** The backend actually in use ('js' or 'wasm'). */
  readonly backend: 'js' | 'wasm';
  /** The precision actually in use: 'float32' only on the wasm backend. */
  readonly precision: LstmPrecision;
  /** @internal GEMMs over this workspace's buffers. */
  readonly nt: NT;
  readonly tn: TN;

  /**
   * @param batch sequences per pass (B)
   * @param steps time steps per sequence (T)
   * @param burnIn leading positions excluded from the loss; default 0, must be < steps
   * @param backend where the products run; default 'auto'
   * @param precision of the recurrent part; default 'float64' ('float32' falls back to it off the wasm backend)
   */
  constructor(shape: LstmShape, batch: number, steps: number, burnIn = 0, backend: LstmBackend = 'auto', precision: LstmPrecision = 'float64') {
    const { input: I, hidden: H, output: O } = shape;
    for (const [k, v] of Object.entries({ input: I, hidden: H, output: O, batch, steps })) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`LstmWorkspace: ${k} must be a positive integer, got ${v}`);
    }
    if (!Number.isInteger(burnIn) || burnIn < 0 || burnIn >= steps) {
      throw new RangeError(`LstmWorkspace: burnIn must be an integer in [0, steps=${steps}), got ${burnIn}`);
    }
    this.shape = { ...shape };
    this.batch = batch;
    this.steps = steps;
    this.burnIn = burnIn;
    const BH = batch * H, G = 4 * H;
    if (backend === 'wasm' && !wasmSimdAvailable()) throw new Error('LstmWorkspace: WebAssembly SIMD is not available here');
    this.backend = backend === 'js' || !wasmSimdAvailable() ? 'js' : 'wasm';
    this.precision = this.backend === 'wasm' ? precision : 'float64';
    // Operands of the recurrent GEMMs; in the wasm heap when that backend runs them.
    const inHeap = [steps * batch * G, 3 * (steps + 1) * BH, batch * G, BH, G * H, G * H, G * H, batch * steps * I, 2 * G, 2 * I * G, 2 * BH];
    let alloc: (n: number) => Floats = (n) => new Float64Array(n);
    if (this.backend === 'wasm') {
      const heap = new WasmHeap(inHeap.reduce((a, n) => a + n + 4, 0), this.precision);
      alloc = (n) => heap.alloc(n);
      this.heap = heap;
      this.nt = heap.gemmNT.bind(heap);
      this.tn = heap.gemmTN.bind(heap);
    } else {
      this.heap = null;
      this.nt = gemmNT;
      this.tn = gemmTN;
    }
    this.gates = alloc(steps * batch * G);
    this.h = alloc((steps + 1) * BH);
    this.dz = alloc(batch * G);
    this.dhNext = alloc(BH);
    this.whT = alloc(G * H);
    this.wh = alloc(G * H);
    this.dWh = alloc(G * H);
    this.c = alloc((steps + 1) * BH);
    this.tc = alloc(steps * BH);
    const wasm = this.backend === 'wasm';
    this.xIn = wasm ? alloc(batch * steps * I) : new Float64Array(0);
    this.bias = wasm ? alloc(G) : new Float64Array(0);
    this.wxT = wasm ? alloc(I * G) : new Float64Array(0);
    this.db = wasm ? alloc(G) : new Float64Array(0);
    this.dWxT = wasm ? alloc(I * G) : new Float64Array(0);
    this.pred = new Float64Array(batch * steps * O);
    this.dh = alloc(BH);
    this.dc = alloc(BH);
    this.dy = new Float64Array(batch * O);
    this.off = lstmOffsets(shape);
  }
}

/**
 * Forward pass over a batch of sequences; fills `ws.pred` ([B][T][O]) and the states the
 * backward pass reads. `x` is batch-major [B][T][I]. `state` [B][2H] (each lane's h, then
 * c): the initial state, zero when absent. It is an input only: no gradient flows into it
 * (truncated backpropagation through time, the state carried from an earlier window).
 */
export function lstmForward(theta: Float64Array, x: Float64Array, ws: LstmWorkspace, state?: Float64Array): void {
  const { input: I, hidden: H, output: O } = ws.shape;
  const B = ws.batch, T = ws.steps, G = 4 * H, BH = B * H;
  const { gates, c, h, tc, pred, off } = ws;
  if (x.length !== B * T * I) throw new RangeError(`lstmForward: x has ${x.length} entries, expected B·T·I = ${B * T * I}`);
  if (state) {
    if (state.length !== 2 * BH) throw new RangeError(`lstmForward: state has ${state.length} entries, expected B·2H = ${2 * BH}`);
    for (let bi = 0; bi < B; bi++) {
      h.set(state.subarray(2 * bi * H, (2 * bi + 1) * H), bi * H);
      c.set(state.subarray((2 * bi + 1) * H, (2 * bi + 2) * H), bi * H);
    }
  } else {
    c.fill(0, 0, BH);
    h.fill(0, 0, BH);
  }
  ws.wh.set(theta.subarray(off.wh, off.wh + G * H));
  const heap = ws.heap;
  if (heap) {
    ws.xIn.set(x);
    ws.bias.set(theta.subarray(off.b, off.b + G));
    for (let j = 0; j < G; j++) for (let k = 0; k < I; k++) ws.wxT[k * G + j] = theta[off.wx + j * I + k];
  }
  for (let t = 0; t < T; t++) {
    const zOff = t * B * G;
    // z = h_{t−1}·Whᵀ (the hot spot), then + b + Wx·x_t and the gate nonlinearities in one sweep.
    ws.nt(B, G, H, h, t * BH, H, ws.wh, 0, H, gates, zOff, G, false);
    if (heap) heap.lstmCellForward(B, H, I, gates, zOff, ws.xIn, t * I, T * I, ws.bias, ws.wxT, c, t * BH, (t + 1) * BH, tc, t * BH, h, (t + 1) * BH);
    else for (let bi = 0; bi < B; bi++) {
      const zr = zOff + bi * G;
      const xr = (bi * T + t) * I;
      const cp = t * BH + bi * H;
      const cn = cp + BH;
      for (let j = 0; j < G; j++) {
        let s = gates[zr + j] + theta[off.b + j];
        for (let k = 0; k < I; k++) s += theta[off.wx + j * I + k] * x[xr + k];
        gates[zr + j] = s;
      }
      for (let u = 0; u < H; u++) {
        const ig = sigmoid(gates[zr + u]);
        const fg = sigmoid(gates[zr + H + u]);
        const gg = Math.tanh(gates[zr + 2 * H + u]);
        const og = sigmoid(gates[zr + 3 * H + u]);
        gates[zr + u] = ig;
        gates[zr + H + u] = fg;
        gates[zr + 2 * H + u] = gg;
        gates[zr + 3 * H + u] = og;
        const cv = fg * c[cp + u] + ig * gg;
        const tv = Math.tanh(cv);
        c[cn + u] = cv;
        tc[t * BH + bi * H + u] = tv;
        h[cn + u] = og * tv;
      }
    }
    // ŷ_t = Wout·h_t + bout in float64 (h_t may be float32), written batch-major.
    for (let bi = 0; bi < B; bi++) {
      const hr = (t + 1) * BH + bi * H;
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let u = 0; u < H; u++) s += h[hr + u] * theta[off.wout + o * H + u];
        pred[(bi * T + t) * O + o] = s + theta[off.bout + o];
      }
    }
  }
}

/** Each lane's state after the last forward pass's final step, written to `state` [B][2H] (h, then c), as `lstmForward` reads it. */
export function lstmFinalState(ws: LstmWorkspace, state: Float64Array): void {
  const H = ws.shape.hidden, B = ws.batch, at = ws.steps * B * H;
  for (let bi = 0; bi < B; bi++) {
    state.set(ws.h.subarray(at + bi * H, at + (bi + 1) * H), 2 * bi * H);
    state.set(ws.c.subarray(at + bi * H, at + (bi + 1) * H), (2 * bi + 1) * H);
  }
}

/**
 * Teacher-forced sequence loss: the mean over batch, positions t ≥ burnIn and outputs of
 * (ŷ − target)², with `target` batch-major [B][T][O], from the initial `state` (zero when
 * absent; see `lstmForward`). Overwrites `grad` with ∂loss/∂θ (backpropagation through
 * time, Werbos 1990) and returns the loss.
 */
export function lstmLossAndGrad(
  theta: Float64Array, x: Float64Array, target: Float64Array, ws: LstmWorkspace, grad: Float64Array, state?: Float64Array,
): number {
  const { input: I, hidden: H, output: O } = ws.shape;
  const B = ws.batch, T = ws.steps, G = 4 * H, BH = B * H;
  const { h, pred, dz, dc, dy, whT, off } = ws;
  const { dh, dhNext } = ws;
  if (target.length !== B * T * O) throw new RangeError(`lstmLossAndGrad: target has ${target.length} entries, expected B·T·O = ${B * T * O}`);
  if (grad.length !== theta.length) throw new RangeError(`lstmLossAndGrad: grad has ${grad.length} entries, θ has ${theta.length}`);
  lstmForward(theta, x, ws, state);

  const scale = 2 / (B * (T - ws.burnIn) * O);
  let loss = 0;
  for (let bi = 0; bi < B; bi++) {
    for (let t = ws.burnIn; t < T; t++) {
      for (let o = 0; o < O; o++) {
        const e = pred[(bi * T + t) * O + o] - target[(bi * T + t) * O + o];
        loss += e * e;
      }
    }
  }
  loss *= scale / 2;

  grad.fill(0);
  ws.dWh.fill(0);
  ws.db.fill(0);
  ws.dWxT.fill(0);
  const heap = ws.heap;
  // Whᵀ once per pass, so dh_{t−1} = dz·Wh is a row-by-row (gemmNT) product too.
  for (let j = 0; j < G; j++) for (let k = 0; k < H; k++) whT[k * G + j] = theta[off.wh + j * H + k];
  dhNext.fill(0);
  dc.fill(0);
  for (let t = T - 1; t >= 0; t--) {
    // Readout: dŷ_t, then dh = dŷ·Wout + dh from step t+1; dWout += dŷᵀ·h_t, dbout += Σ dŷ.
    const live = t >= ws.burnIn;
    for (let bi = 0; bi < B; bi++) {
      for (let o = 0; o < O; o++) {
        const p = (bi * T + t) * O + o;
        const d = live ? scale * (pred[p] - target[p]) : 0;
        dy[bi * O + o] = d;
        grad[off.bout + o] += d;
      }
    }
    if (live) {
      for (let bi = 0; bi < B; bi++) {
        for (let u = 0; u < H; u++) {
          let s = dhNext[bi * H + u];
          for (let o = 0; o < O; o++) s += dy[bi * O + o] * theta[off.wout + o * H + u];
          dh[bi * H + u] = s;
        }
      }
      // dWout += dŷᵀ·h_t, summed over the batch in float64.
      for (let o = 0; o < O; o++) {
        for (let u = 0; u < H; u++) {
          let s = 0;
          for (let bi = 0; bi < B; bi++) s += dy[bi * O + o] * h[(t + 1) * BH + bi * H + u];
          grad[off.wout + o * H + u] += s;
        }
      }
    } else {
      dh.set(dhNext);
    }
    // Through the cell: dz for the four gates (pre-activation), and dc carried to t−1;
    // then the weight gradients dWh += dzᵀ·h_{t−1}, dWx += dzᵀ·x_t, db += Σ_b dz.
    const zOff = t * B * G;
    if (heap) {
      heap.lstmCellBackward(B, H, I, ws.gates, zOff, ws.tc, t * BH, ws.c, t * BH, dh, dc, dz, ws.xIn, t * I, T * I, ws.db, ws.dWxT);
    } else {
      cellBackwardJs(ws, t, x, grad);
    }
    ws.tn(G, H, B, dz, 0, G, h, t * BH, H, ws.dWh, 0, H);
    // dh_{t−1} = dz·Wh (dot form against Whᵀ's rows).
    ws.nt(B, H, G, dz, 0, G, whT, 0, G, dhNext, 0, H, false);
  }
  for (let k = 0; k < G * H; k++) grad[off.wh + k] = ws.dWh[k];
  if (heap) {
    for (let j = 0; j < G; j++) {
      grad[off.b + j] = ws.db[j];
      for (let k = 0; k < I; k++) grad[off.wx + j * I + k] = ws.dWxT[k * G + j];
    }
  }
  return loss;
}

/**
 * One row's gate backward at one step: from dh and the running dc of the row (offset `r`),
 * the pre-activation gradients dz (offset `zr`, gates i, f, g, o) and dc carried to the
 * previous step. `gates` (offset `gr`) holds the activated gates, `c` and `tc` (offset `s`)
 * the cell state before the step and tanh of the new one.
 */
export function lstmGateBackward(
  H: number, gates: Floats, gr: number, c: Floats, tc: Floats, s: number,
  dh: Floats, dc: Floats, r: number, dz: Floats, zr: number,
): void {
  for (let u = 0; u < H; u++) {
    const ig = gates[gr + u], fg = gates[gr + H + u], gg = gates[gr + 2 * H + u], og = gates[gr + 3 * H + u];
    const tv = tc[s + u];
    const dhv = dh[r + u];
    const dcv = dc[r + u] + dhv * og * (1 - tv * tv);
    dz[zr + u] = dcv * gg * ig * (1 - ig);
    dz[zr + H + u] = dcv * c[s + u] * fg * (1 - fg);
    dz[zr + 2 * H + u] = dcv * ig * (1 - gg * gg);
    dz[zr + 3 * H + u] = dhv * tv * og * (1 - og);
    dc[r + u] = dcv * fg;
  }
}

/** The TypeScript cell backward at step t (the wasm backend runs lstmCellBackward instead). */
function cellBackwardJs(ws: LstmWorkspace, t: number, x: Float64Array, grad: Float64Array): void {
  const { input: I, hidden: H } = ws.shape;
  const B = ws.batch, T = ws.steps, G = 4 * H, BH = B * H;
  const { gates, c, tc, dz, dh, dc, off } = ws;
  const zOff = t * B * G;
  {
    for (let bi = 0; bi < B; bi++) lstmGateBackward(H, gates, zOff + bi * G, c, tc, t * BH + bi * H, dh, dc, bi * H, dz, bi * G);
    for (let bi = 0; bi < B; bi++) {
      const xr = (bi * T + t) * I;
      for (let j = 0; j < G; j++) {
        const d = dz[bi * G + j];
        grad[off.b + j] += d;
        for (let k = 0; k < I; k++) grad[off.wx + j * I + k] += d * x[xr + k];
      }
    }
  }
}
