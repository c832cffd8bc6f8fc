/**
 * Single-step LSTM inference with a carried state (h, c): what autoregressive forecasting
 * runs. The arithmetic is that of the TypeScript forward pass in lstm.ts, so a run of steps
 * from `reset()` reproduces `lstmForward`'s predictions.
 */
import { gemmNT } from './gemm.js';
import type { LstmOffsets, LstmShape } from './lstm.js';
import { sigmoid } from './activations.js';
import { lstmOffsets } from './lstm.js';

/** Carried state of `lstmStep` for a batch of independent sequences (autoregressive inference). */
export class LstmState {
  readonly shape: LstmShape;
  readonly batch: number;
  /** Hidden state [B][H]. */
  readonly h: Float64Array;
  /** Cell state [B][H]. */
  readonly c: Float64Array;
  /** @internal Gate scratch [B][4H]. */
  readonly z: Float64Array;
  readonly off: LstmOffsets;
  constructor(shape: LstmShape, batch = 1) {
    this.shape = { ...shape };
    this.batch = batch;
    this.h = new Float64Array(batch * shape.hidden);
    this.c = new Float64Array(batch * shape.hidden);
    this.z = new Float64Array(batch * 4 * shape.hidden);
    this.off = lstmOffsets(shape);
  }
  /** Back to the zero state the training windows start from. */
  reset(): void {
    this.h.fill(0);
    this.c.fill(0);
  }
}

/**
 * One step of inference: advances `state` (h, c) by input `x` [B][I] and writes the
 * readout ŷ [B][O] to `y`. Same arithmetic as `lstmForward`, so a run of steps from
 * `reset()` reproduces its predictions.
 */
export function lstmStep(theta: Float64Array, state: LstmState, x: Float64Array, y: Float64Array): void {
  const { input: I, hidden: H, output: O } = state.shape;
  const B = state.batch, G = 4 * H;
  const { h, c, z, off } = state;
  gemmNT(B, G, H, h, 0, H, theta, off.wh, H, z, 0, G, false);
  for (let bi = 0; bi < B; bi++) {
    const zr = bi * G;
    for (let j = 0; j < G; j++) {
      let s = z[zr + j] + theta[off.b + j];
      for (let k = 0; k < I; k++) s += theta[off.wx + j * I + k] * x[bi * I + k];
      z[zr + j] = s;
    }
    for (let u = 0; u < H; u++) {
      const ig = sigmoid(z[zr + u]);
      const fg = sigmoid(z[zr + H + u]);
      const gg = Math.tanh(z[zr + 2 * H + u]);
      const og = sigmoid(z[zr + 3 * H + u]);
      const cv = fg * c[bi * H + u] + ig * gg;
      c[bi * H + u] = cv;
      h[bi * H + u] = og * Math.tanh(cv);
    }
  }
  gemmNT(B, O, H, h, 0, H, theta, off.wout, H, y, 0, O, false);
  for (let bi = 0; bi < B; bi++) for (let o = 0; o < O; o++) y[bi * O + o] += theta[off.bout + o];
}
