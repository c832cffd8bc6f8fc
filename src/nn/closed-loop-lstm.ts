/**
 * The LSTM as a closed-loop cell (closed-loop.ts): the same equations, gate order and θ
 * layout as the teacher-forced kernel lstm.ts (`lstmLayout`, `initLstm`), so a network
 * trained through a rollout here is saved, loaded and run by the LSTM family's `lstmStep`
 * unchanged. It exists beside lstm.ts because the rollout needs ∂L/∂u_t (the gradient into
 * each fed-back prediction), which the teacher-forced kernel never forms; a test checks that
 * with teacher forcing everywhere both give the same predictions, loss and gradient.
 */
import { sigmoid } from './activations.js';
import type { CellKind, LoopArena, LoopShape, RecurrentCell } from './closed-loop.js';
import { initLstm, lstmGateBackward, lstmLayout, lstmOffsets, type LstmOffsets, type LstmShape } from './lstm.js';

const lstmShape = (s: LoopShape): LstmShape => ({ input: s.channels, hidden: s.hidden, output: s.channels });

/** Lengths of the cell's buffers, in the order the constructor takes them. */
function lstmBuffers({ channels: C, hidden: H }: LoopShape, B: number, steps: number): number[] {
  return [steps * B * 4 * H, (steps + 1) * B * H, steps * B * H, B * 4 * H, B * 4 * H, B * H, 4 * H * H, 4 * H * C, 4 * H, 4 * H * C];
}

class LstmCell implements RecurrentCell {
  /** Activated gates i, f, g, o per step, time-major [T][B][4H]. */
  private readonly gates: Float64Array;
  /** Cell states [T+1][B][H] and tanh(c_t) [T][B][H]. */
  private readonly c: Float64Array;
  private readonly tc: Float64Array;
  private readonly z: Float64Array;
  private readonly dz: Float64Array;
  private readonly dc: Float64Array;
  private readonly whT: Float64Array;
  private readonly wxT: Float64Array;
  /** wasm backend: the pass's bias and (transposed) input-weight gradients, added to θ's at t = 0. */
  private readonly db: Float64Array;
  private readonly dWxT: Float64Array;
  private readonly off: LstmOffsets;
  /** wasm backend: the view of θ's gate biases the fused cell step reads, and the θ it views. */
  private bias: Float64Array | null = null;
  private biasOf: Float64Array | null = null;

  constructor(private readonly shape: LoopShape, private readonly B: number, steps: number, private readonly arena: LoopArena) {
    [this.gates, this.c, this.tc, this.z, this.dz, this.dc, this.whT, this.wxT, this.db, this.dWxT] = lstmBuffers(shape, B, steps).map((n) => arena.alloc(n));
    this.off = lstmOffsets(lstmShape(shape));
  }

  startBackward(theta: Float64Array): void {
    // No cell gradient from beyond the end; Whᵀ and Wxᵀ once per pass, so both products read rows.
    const H = this.shape.hidden, G = 4 * H, { whT, off } = this;
    this.dc.fill(0);
    this.db.fill(0);
    this.dWxT.fill(0);
    for (let j = 0; j < G; j++) for (let k = 0; k < H; k++) whT[k * G + j] = theta[off.wh + j * H + k];
    this.transposeWx(theta);
  }

  private transposeWx(theta: Float64Array): void {
    const C = this.shape.channels, G = 4 * this.shape.hidden, { wxT, off } = this;
    for (let j = 0; j < G; j++) for (let k = 0; k < C; k++) wxT[k * G + j] = theta[off.wx + j * C + k];
  }

  forward(theta: Float64Array, t: number, h: Float64Array, u: Float64Array, uOff: number): void {
    const { channels: C, hidden: H } = this.shape;
    const B = this.B, G = 4 * H, BH = B * H;
    const { z, gates, c, tc, off, arena } = this;
    const heap = arena.heap;
    if (heap) {
      // The teacher-forced kernel's fused wasm step (lstm.ts): h_{t−1}·Whᵀ straight into the
      // step's gate slot, then bias, Wx·u_t, the nonlinearities and the cell update in one sweep.
      if (t === 0) this.transposeWx(theta);
      if (this.biasOf !== theta) {
        this.bias = theta.subarray(off.b, off.b + G);
        this.biasOf = theta;
      }
      arena.nt(B, G, H, h, t * BH, H, theta, off.wh, H, gates, t * B * G, G, false);
      heap.lstmCellForward(B, H, C, gates, t * B * G, u, uOff, C, this.bias!, this.wxT, c, t * BH, (t + 1) * BH, tc, t * BH, h, (t + 1) * BH);
      return;
    }
    arena.nt(B, G, H, h, t * BH, H, theta, off.wh, H, z, 0, G, false);
    arena.nt(B, G, C, u, uOff, C, theta, off.wx, C, z, 0, G, true);
    for (let b = 0; b < B; b++) {
      const zr = b * G, gr = (t * B + b) * G, s = t * BH + b * H;
      for (let k = 0; k < H; k++) {
        const ig = sigmoid(z[zr + k] + theta[off.b + k]);
        const fg = sigmoid(z[zr + H + k] + theta[off.b + H + k]);
        const gg = Math.tanh(z[zr + 2 * H + k] + theta[off.b + 2 * H + k]);
        const og = sigmoid(z[zr + 3 * H + k] + theta[off.b + 3 * H + k]);
        gates[gr + k] = ig;
        gates[gr + H + k] = fg;
        gates[gr + 2 * H + k] = gg;
        gates[gr + 3 * H + k] = og;
        const cv = fg * c[s + k] + ig * gg;
        const tv = Math.tanh(cv);
        c[s + BH + k] = cv;
        tc[s + k] = tv;
        h[s + BH + k] = og * tv;
      }
    }
  }

  start(state: Float64Array | null, width: number): void {
    const H = this.shape.hidden;
    if (!state) this.c.fill(0, 0, this.B * H);
    else for (let b = 0; b < this.B; b++) this.c.set(state.subarray(b * width + H, b * width + 2 * H), b * H);
  }

  end(len: number, state: Float64Array, width: number): void {
    const H = this.shape.hidden, at = len * this.B * H;
    for (let b = 0; b < this.B; b++) state.set(this.c.subarray(at + b * H, at + (b + 1) * H), b * width + H);
  }

  backward(theta: Float64Array, t: number, h: Float64Array, u: Float64Array, uOff: number, dh: Float64Array, dhPrev: Float64Array, du: Float64Array, grad: Float64Array): void {
    const { channels: C, hidden: H } = this.shape;
    const B = this.B, G = 4 * H, BH = B * H;
    const { gates, c, tc, dz, dc, whT, wxT, off, arena } = this;
    const heap = arena.heap;
    if (heap) {
      // The teacher-forced kernel's fused wasm step: dz, dc, and db, dWxᵀ accumulated.
      heap.lstmCellBackward(B, H, C, gates, t * B * G, tc, t * BH, c, t * BH, dh, dc, dz, u, uOff, C, this.db, this.dWxT);
    } else {
      for (let b = 0; b < B; b++) {
        const dr = b * G;
        lstmGateBackward(H, gates, (t * B + b) * G, c, tc, t * BH + b * H, dh, dc, b * H, dz, dr);
        for (let j = 0; j < G; j++) grad[off.b + j] += dz[dr + j];
      }
      arena.tn(G, C, B, dz, 0, G, u, uOff, C, grad, off.wx, C);
    }
    arena.tn(G, H, B, dz, 0, G, h, t * BH, H, grad, off.wh, H);
    arena.nt(B, H, G, dz, 0, G, whT, 0, G, dhPrev, 0, H, false);
    arena.nt(B, C, G, dz, 0, G, wxT, 0, G, du, 0, C, false);
    if (heap && t === 0) {
      const { db, dWxT } = this;
      for (let j = 0; j < G; j++) {
        grad[off.b + j] += db[j];
        for (let k = 0; k < C; k++) grad[off.wx + j * C + k] += dWxT[k * G + j];
      }
    }
  }
}

/** The LSTM as a closed-loop cell kind (θ laid out as `lstmLayout`). */
export const lstmCell: CellKind = {
  name: 'lstm',
  layout: (s) => lstmLayout(lstmShape(s)),
  init: (s, theta, rng) => initLstm(lstmShape(s), theta, rng),
  buffers: lstmBuffers,
  create: (shape, batch, steps, arena) => new LstmCell(shape, batch, steps, arena),
  stateWidth: (s) => 2 * s.hidden,
};
