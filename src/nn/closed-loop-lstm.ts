/**
 * The LSTM as a closed-loop cell (closed-loop.ts): the same equations, gate order and θ
 * layout as the teacher-forced kernel lstm.ts (`lstmLayout`, `initLstm`), so a network
 * trained through a rollout here is saved, loaded and run by the LSTM family's `lstmStep`
 * unchanged. It exists beside lstm.ts because the rollout needs ∂L/∂u_t (the gradient into
 * each fed-back prediction), which the teacher-forced kernel never forms; a test checks that
 * with teacher forcing everywhere both give the same predictions, loss and gradient.
 */
import { sigmoid } from './activations.js';
import type { CellKind, LoopShape, RecurrentCell } from './closed-loop.js';
import { gemmNT, gemmTN } from './gemm.js';
import { initLstm, lstmGateBackward, lstmLayout, lstmOffsets, type LstmOffsets, type LstmShape } from './lstm.js';

const lstmShape = (s: LoopShape): LstmShape => ({ input: s.channels, hidden: s.hidden, output: s.channels });

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
  private readonly off: LstmOffsets;

  constructor(private readonly shape: LoopShape, private readonly B: number, steps: number) {
    const H = shape.hidden;
    this.gates = new Float64Array(steps * B * 4 * H);
    this.c = new Float64Array((steps + 1) * B * H);
    this.tc = new Float64Array(steps * B * H);
    this.z = new Float64Array(B * 4 * H);
    this.dz = new Float64Array(B * 4 * H);
    this.dc = new Float64Array(B * H);
    this.whT = new Float64Array(4 * H * H);
    this.wxT = new Float64Array(4 * H * shape.channels);
    this.off = lstmOffsets(lstmShape(shape));
  }

  startBackward(theta: Float64Array): void {
    // No cell gradient from beyond the end; Whᵀ and Wxᵀ once per pass, so both products read rows.
    const { channels: C, hidden: H } = this.shape;
    const G = 4 * H, { whT, wxT, off } = this;
    this.dc.fill(0);
    for (let j = 0; j < G; j++) {
      for (let k = 0; k < H; k++) whT[k * G + j] = theta[off.wh + j * H + k];
      for (let k = 0; k < C; k++) wxT[k * G + j] = theta[off.wx + j * C + k];
    }
  }

  forward(theta: Float64Array, t: number, h: Float64Array, u: Float64Array, uOff: number): void {
    const { channels: C, hidden: H } = this.shape;
    const B = this.B, G = 4 * H, BH = B * H;
    const { z, gates, c, tc, off } = this;
    gemmNT(B, G, H, h, t * BH, H, theta, off.wh, H, z, 0, G, false);
    gemmNT(B, G, C, u, uOff, C, theta, off.wx, C, z, 0, G, true);
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
    const { gates, c, tc, dz, dc, whT, wxT, off } = this;
    for (let b = 0; b < B; b++) {
      const dr = b * G;
      lstmGateBackward(H, gates, (t * B + b) * G, c, tc, t * BH + b * H, dh, dc, b * H, dz, dr);
      for (let j = 0; j < G; j++) grad[off.b + j] += dz[dr + j];
    }
    gemmTN(G, H, B, dz, 0, G, h, t * BH, H, grad, off.wh, H);
    gemmTN(G, C, B, dz, 0, G, u, uOff, C, grad, off.wx, C);
    gemmNT(B, H, G, dz, 0, G, whT, 0, G, dhPrev, 0, H, false);
    gemmNT(B, C, G, dz, 0, G, wxT, 0, G, du, 0, C, false);
  }
}

/** The LSTM as a closed-loop cell kind (θ laid out as `lstmLayout`). */
export const lstmCell: CellKind = {
  name: 'lstm',
  layout: (s) => lstmLayout(lstmShape(s)),
  init: (s, theta, rng) => initLstm(lstmShape(s), theta, rng),
  create: (shape, batch, steps) => new LstmCell(shape, batch, steps),
  stateWidth: (s) => 2 * s.hidden,
};
