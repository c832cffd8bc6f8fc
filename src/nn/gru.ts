/**
 * A fused gated recurrent unit (Cho et al. 2014) in PyTorch's form (gate order r, z, n; the
 * candidate's recurrent part inside the reset gate), forward and hand-written backward:
 *
 *   a = Wh·h_{t−1} + bh,   g = Wx·u_t + bx
 *   r = σ(g_r + a_r),  z = σ(g_z + a_z),  n = tanh(g_n + r ⊙ a_n)
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 *
 * followed by the closed-loop driver's linear readout (closed-loop.ts). The products per
 * step ([B×H]·[H×3H] recurrent, [B×C]·[C×3H] input) and the weight gradients run through the workspace's GEMMs
 * (WebAssembly SIMD or TypeScript, closed-loop.ts `LoopBackend`); on the wasm backend the
 * gate updates run as one fused step too (wasm/gru-cell.as).
 */
import { block, makeLayout, type ParamLayout } from '../core/params.js';
import type { Rng } from '../core/rng.js';
import { sigmoid } from './activations.js';
import type { CellKind, LoopArena, LoopShape, RecurrentCell } from './closed-loop.js';

/** Named layout: Wx [3H×C], Wh [3H×H], bx [3H], bh [3H], Wout [C×H], bout [C] (gate rows r, z, n). */
export function gruLayout(shape: LoopShape): { layout: ParamLayout; size: number } {
  const { channels: C, hidden: H } = shape;
  return makeLayout({ Wx: [3 * H, C], Wh: [3 * H, H], bx: [3 * H], bh: [3 * H], Wout: [C, H], bout: [C] });
}

/**
 * Initialises θ: Wx and Wout Glorot-uniform, every block of Wh uniform in ±1/√H (PyTorch's
 * default), biases 0 — except bx_z = 1, which starts the update gate half-open toward
 * keeping the state (the GRU's counterpart of the LSTM's forget-gate bias).
 */
export function initGru(shape: LoopShape, theta: Float64Array, rng: Rng): void {
  const { channels: C, hidden: H } = shape;
  const { layout } = gruLayout(shape);
  const at = (n: string) => block(layout, n).offset;
  theta.fill(0);
  const ax = Math.sqrt(6 / (C + H)), ah = 1 / Math.sqrt(H), ao = Math.sqrt(6 / (H + C));
  for (let k = 0; k < 3 * H * C; k++) theta[at('Wx') + k] = rng.uniformIn(-ax, ax);
  for (let k = 0; k < 3 * H * H; k++) theta[at('Wh') + k] = rng.uniformIn(-ah, ah);
  for (let j = H; j < 2 * H; j++) theta[at('bx') + j] = 1;
  for (let k = 0; k < C * H; k++) theta[at('Wout') + k] = rng.uniformIn(-ao, ao);
}

/** Lengths of the cell's buffers, in the order the constructor takes them. */
function gruBuffers({ channels: C, hidden: H }: LoopShape, B: number, steps: number): number[] {
  return [steps * B * 4 * H, B * 3 * H, B * 3 * H, B * 3 * H, B * 3 * H, 3 * H * H, 3 * H * C];
}

class GruCell implements RecurrentCell {
  /** r, z, n and a_n per step, time-major [T][B][4H]. */
  private readonly gates: Float64Array;
  private readonly a: Float64Array;
  /** Wx·u_t for the step, [B][3H]. */
  private readonly g: Float64Array;
  private readonly da: Float64Array;
  private readonly dg: Float64Array;
  private readonly whT: Float64Array;
  private readonly wxT: Float64Array;
  private readonly off: { wx: number; wh: number; bx: number; bh: number };
  /** wasm backend: views of the bias blocks bx, bh of θ (or of the gradient) for the fused steps, and the array they view. */
  private readonly views = new Map<'theta' | 'grad', { of: Float64Array; bx: Float64Array; bh: Float64Array }>();

  constructor(private readonly shape: LoopShape, private readonly B: number, steps: number, private readonly arena: LoopArena) {
    [this.gates, this.a, this.g, this.da, this.dg, this.whT, this.wxT] = gruBuffers(shape, B, steps).map((n) => arena.alloc(n));
    const { layout } = gruLayout(shape);
    this.off = { wx: block(layout, 'Wx').offset, wh: block(layout, 'Wh').offset, bx: block(layout, 'bx').offset, bh: block(layout, 'bh').offset };
  }

  /** The bias blocks of `arr` (θ or the gradient) as views, made once per array. */
  private biasViews(which: 'theta' | 'grad', arr: Float64Array): { bx: Float64Array; bh: Float64Array } {
    let v = this.views.get(which);
    if (v?.of !== arr) {
      const { bx, bh } = this.off, G = 3 * this.shape.hidden;
      v = { of: arr, bx: arr.subarray(bx, bx + G), bh: arr.subarray(bh, bh + G) };
      this.views.set(which, v);
    }
    return v;
  }

  startBackward(theta: Float64Array): void {
    // Whᵀ and Wxᵀ once per backward pass, so both products read rows.
    const { channels: C, hidden: H } = this.shape;
    const G = 3 * H, { whT, wxT, off } = this;
    for (let j = 0; j < G; j++) {
      for (let k = 0; k < H; k++) whT[k * G + j] = theta[off.wh + j * H + k];
      for (let c = 0; c < C; c++) wxT[c * G + j] = theta[off.wx + j * C + c];
    }
  }

  forward(theta: Float64Array, t: number, h: Float64Array, u: Float64Array, uOff: number): void {
    const { channels: C, hidden: H } = this.shape;
    const B = this.B, G = 3 * H, BH = B * H;
    const { a, g, gates, off, arena } = this;
    arena.nt(B, G, H, h, t * BH, H, theta, off.wh, H, a, 0, G, false);
    arena.nt(B, G, C, u, uOff, C, theta, off.wx, C, g, 0, G, false);
    if (arena.heap) {
      const { bx, bh } = this.biasViews('theta', theta);
      arena.heap.gruCellForward(B, H, a, g, bx, bh, h, t * BH, (t + 1) * BH, gates, t * B * 4 * H);
      return;
    }
    for (let b = 0; b < B; b++) {
      const ar = b * G, gr = (t * B + b) * 4 * H, hp = t * BH + b * H;
      for (let k = 0; k < H; k++) {
        const gr_ = g[ar + k] + theta[off.bx + k], gz = g[ar + H + k] + theta[off.bx + H + k], gn = g[ar + 2 * H + k] + theta[off.bx + 2 * H + k];
        const r = sigmoid(gr_ + a[ar + k] + theta[off.bh + k]);
        const z = sigmoid(gz + a[ar + H + k] + theta[off.bh + H + k]);
        const an = a[ar + 2 * H + k] + theta[off.bh + 2 * H + k];
        const n = Math.tanh(gn + r * an);
        gates[gr + k] = r;
        gates[gr + H + k] = z;
        gates[gr + 2 * H + k] = n;
        gates[gr + 3 * H + k] = an;
        h[hp + BH + k] = (1 - z) * n + z * h[hp + k];
      }
    }
  }

  backward(theta: Float64Array, t: number, h: Float64Array, u: Float64Array, uOff: number, dh: Float64Array, dhPrev: Float64Array, du: Float64Array, grad: Float64Array): void {
    const { channels: C, hidden: H } = this.shape;
    const B = this.B, G = 3 * H, BH = B * H;
    const { gates, da, dg, whT, wxT, off, arena } = this;
    if (arena.heap) {
      const { bx, bh } = this.biasViews('grad', grad);
      arena.heap.gruCellBackward(B, H, gates, t * B * 4 * H, h, t * BH, dh, dg, da, dhPrev, bx, bh);
    } else this.gateBackward(t, h, dh, dhPrev, grad);
    // dWh += daᵀ·h_{t−1}, dWx += dgᵀ·u_t; dh_{t−1} += da·Wh, du = dg·Wx.
    arena.tn(G, H, B, da, 0, G, h, t * BH, H, grad, off.wh, H);
    arena.tn(G, C, B, dg, 0, G, u, uOff, C, grad, off.wx, C);
    arena.nt(B, H, G, da, 0, G, whT, 0, G, dhPrev, 0, H, true);
    arena.nt(B, C, G, dg, 0, G, wxT, 0, G, du, 0, C, false);
  }

  /** The TypeScript elementwise backward step (the wasm backend runs gruCellBackward): dg, da, dh_{t−1} = dh·z, and the bias gradients. */
  private gateBackward(t: number, h: Float64Array, dh: Float64Array, dhPrev: Float64Array, grad: Float64Array): void {
    const H = this.shape.hidden, B = this.B, G = 3 * H, BH = B * H;
    const { gates, da, dg, off } = this;
    for (let b = 0; b < B; b++) {
      const gr = (t * B + b) * 4 * H, hp = t * BH + b * H;
      for (let k = 0; k < H; k++) {
        const r = gates[gr + k], z = gates[gr + H + k], n = gates[gr + 2 * H + k], an = gates[gr + 3 * H + k];
        const d = dh[b * H + k];
        const dn = d * (1 - z) * (1 - n * n);
        const dz = d * (h[hp + k] - n) * z * (1 - z);
        const dr = dn * an * r * (1 - r);
        dg[b * G + k] = dr;
        dg[b * G + H + k] = dz;
        dg[b * G + 2 * H + k] = dn;
        da[b * G + k] = dr;
        da[b * G + H + k] = dz;
        da[b * G + 2 * H + k] = dn * r;
        dhPrev[b * H + k] = d * z;
      }
    }
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < G; j++) {
        grad[off.bx + j] += dg[b * G + j];
        grad[off.bh + j] += da[b * G + j];
      }
    }
  }
}

/** The GRU as a closed-loop cell kind. */
export const gruCell: CellKind = {
  name: 'gru',
  layout: gruLayout,
  init: initGru,
  buffers: gruBuffers,
  create: (shape, batch, steps, arena) => new GruCell(shape, batch, steps, arena),
  stateWidth: (s) => s.hidden,
};
