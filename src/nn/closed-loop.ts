/**
 * Closed-loop training of a one-layer recurrent network with a linear readout: the input at
 * step t is either the observed sample x_t (teacher forcing) or the network's own prediction
 * ŷ_{t−1}, chosen per sequence and step by a `feed` mask; the loss is the mean squared error
 * of ŷ_t against the next sample over positions t ≥ burnIn, and the gradient flows back
 * through the fed-back predictions (backpropagation through the rollout, Werbos 1990).
 *
 * One kernel covers the three training modes of the recurrent families (models/recurrent/):
 * one step ahead (feed all 1), a multi-step free run after a teacher-forced warm-up (feed 1
 * then 0), scheduled sampling (Bengio et al. 2015: feed drawn per step with the annealed
 * teacher-forcing ratio). A feed of −1 marks positions past the end of a shorter sequence:
 * they are neither computed nor in the loss, so one workspace (and one worker team) serves
 * a rollout whose horizon grows, at the cost of the current length. With `increments` s the readout predicts the change from the
 * step's input in units of s (per channel), ŷ_t = u_t + s ⊙ (Wout·h_t + bout): the residual
 * form of learned simulators, on normalised increments so that the readout works at unit
 * scale (Adam's steps are the same size whatever the gradient's scale). `incrementFrom` a
 * takes each channel's change from another input, ŷ_t[c] = u_t[a_c] + s_c·(…): a network
 * that reads and predicts blocks of samples predicts every sample of the next block from
 * the last sample it has seen, not each from its own counterpart a block earlier (those
 * drift apart over a free run, a saw-tooth within each block).
 *
 * The cell (GRU: nn/gru.ts, LSTM: nn/closed-loop-lstm.ts) owns its gates and weight
 * gradients; this driver owns the inputs, the readout, the loss and the feedback path.
 * Float64; allocates nothing per pass. The products run on the WebAssembly SIMD GEMMs
 * (wasm/gemm.as), and the cells' gate updates on their fused SIMD steps (wasm/lstm-cell.as,
 * wasm/gru-cell.as), where the runtime has them; else on the blocked TypeScript GEMMs (gemm.ts)
 * and TypeScript loops. With the wasm backend every operand the driver and the cell touch — θ's copy and the
 * gradient included — lives in one wasm heap, sized before anything is allocated, like the
 * MLP's (mlp.ts). The two backends sum products in different orders (and the fused steps
 * take exp from their own vector routine), so they agree to rounding, not to the bit; each
 * is deterministic.
 */
import type { ParamLayout } from '../core/params.js';
import type { Rng } from '../core/rng.js';
import { gemmNT, gemmTN } from './gemm.js';
import { WasmHeap, wasmSimdAvailable } from './wasm/heap.js';

/** Where the products run: 'wasm' (f64x2 SIMD kernels), 'js' (plain TypeScript), or 'auto' (wasm if available). */
export type LoopBackend = 'auto' | 'js' | 'wasm';

/**
 * Where a workspace's buffers live, and the GEMMs over them (any two of its buffers may be
 * operands); with the wasm backend, the heap itself, whose fused kernels a cell may call.
 */
export interface LoopArena {
  alloc(n: number): Float64Array;
  readonly nt: typeof gemmNT;
  readonly tn: typeof gemmTN;
  readonly heap: WasmHeap | null;
}

/** Channels (input = output: the prediction is fed back) and hidden units. */
export interface LoopShape {
  channels: number;
  hidden: number;
}

/**
 * One step of a recurrent cell over a batch, forward and backward (see module comment).
 * Every array it is handed — θ and the gradient included — comes from the workspace's arena.
 */
export interface RecurrentCell {
  /** Called once before each backward pass (t = len − 1 down to 0). */
  startBackward(theta: Float64Array): void;
  /** h_{t+1} (slot t + 1 of `h`) from h_t and the inputs u [B×C] at `uOff`; keeps what backward needs. */
  forward(theta: Float64Array, t: number, h: Float64Array, u: Float64Array, uOff: number): void;
  /**
   * Given dh = ∂L/∂h_{t+1} (total), writes ∂L/∂h_t to `dhPrev` and ∂L/∂u_t to `du`, and adds
   * the step's weight gradients to `grad`. Called for t = len − 1 down to 0.
   */
  backward(theta: Float64Array, t: number, h: Float64Array, u: Float64Array, uOff: number, dh: Float64Array, dhPrev: Float64Array, du: Float64Array, grad: Float64Array): void;
  /**
   * A cell with state beside h (the LSTM's c): sets it before step 0 from each lane's row of
   * `state` (`width` numbers a lane, h first, then this), zero when `state` is null.
   */
  start?(state: Float64Array | null, width: number): void;
  /** Writes that state after `len` steps into each lane's row of `state`, after h. */
  end?(len: number, state: Float64Array, width: number): void;
}

/**
 * A cell type: its parameter layout (ending in Wout [C×H], bout [C]), initialisation and
 * workspace. `buffers` lists the lengths of the buffers `create` takes from the arena, so
 * that a wasm heap can be sized first.
 */
export interface CellKind {
  name: string;
  layout(shape: LoopShape): { layout: ParamLayout; size: number };
  init(shape: LoopShape, theta: Float64Array, rng: Rng): void;
  buffers(shape: LoopShape, batch: number, steps: number): number[];
  create(shape: LoopShape, batch: number, steps: number, arena: LoopArena): RecurrentCell;
  /** Numbers of state a lane carries from one window to the next: h, then any state of the cell's own. */
  stateWidth(shape: LoopShape): number;
}

/** Buffers of closed-loop passes over [batch × steps], allocated once. */
export class LoopWorkspace {
  readonly batch: number;
  readonly steps: number;
  readonly burnIn: number;
  /** Scale of the predicted increment per channel, or null: the readout predicts the next sample. */
  readonly increments: Float64Array | null;
  /** With increments: the input channel each output channel's increment starts from. */
  readonly incrementFrom: Int32Array;
  readonly cell: RecurrentCell;
  /** The backend actually in use. */
  readonly backend: 'js' | 'wasm';
  /** @internal θ as of the last forward pass, and the gradient a backward pass builds before copying it out. */
  readonly w: Float64Array;
  private readonly gw: Float64Array;
  /** @internal Hidden states [T+1][B][H]; slot 0 is the initial state (zero unless given). */
  readonly h: Float64Array;
  /** @internal The inputs actually fed, time-major [T][B][C]. */
  readonly u: Float64Array;
  /** Predictions ŷ of the last forward pass, batch-major [B][T][C] like the targets. */
  readonly pred: Float64Array;
  private readonly dy: Float64Array;
  private readonly dr: Float64Array;
  private readonly dh: Float64Array;
  private readonly dhPrev: Float64Array;
  private readonly du: Float64Array;
  private readonly carry: Float64Array;
  private readonly wout: number;
  private readonly bout: number;
  private readonly nt: typeof gemmNT;
  private readonly tn: typeof gemmTN;
  /** Steps of the last forward pass's longest sequence. */
  private len = 0;

  constructor(
    readonly kind: CellKind, readonly shape: LoopShape, batch: number, steps: number, burnIn = 0,
    increments: readonly number[] | null = null, incrementFrom: readonly number[] | null = null, backend: LoopBackend = 'auto',
  ) {
    const { channels: C, hidden: H } = shape;
    for (const [k, v] of Object.entries({ channels: C, hidden: H, batch, steps })) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`LoopWorkspace: ${k} must be a positive integer, got ${v}`);
    }
    if (!Number.isInteger(burnIn) || burnIn < 0 || burnIn >= steps) throw new RangeError(`LoopWorkspace: burnIn must be an integer in [0, steps=${steps}), got ${burnIn}`);
    if (increments && increments.length !== C) throw new RangeError(`LoopWorkspace: increments has ${increments.length} scales for ${C} channels`);
    this.batch = batch;
    this.steps = steps;
    this.burnIn = burnIn;
    if (incrementFrom && (incrementFrom.length !== C || incrementFrom.some((a) => !Number.isInteger(a) || a < 0 || a >= C))) {
      throw new RangeError(`LoopWorkspace: incrementFrom must give one input channel in [0, ${C}) per channel; got [${incrementFrom.join(', ')}]`);
    }
    this.increments = increments ? Float64Array.from(increments) : null;
    this.incrementFrom = incrementFrom ? Int32Array.from(incrementFrom) : Int32Array.from({ length: C }, (_, c) => c);
    if (backend === 'wasm' && !wasmSimdAvailable()) throw new Error('LoopWorkspace: WebAssembly SIMD is not available here');
    this.backend = backend === 'js' || !wasmSimdAvailable() ? 'js' : 'wasm';
    const { layout, size } = kind.layout(shape);
    const BC = batch * C, BH = batch * H;
    const own = [size, size, (steps + 1) * BH, steps * BC, steps * BC, BC, BC, BH, BH, BC, BC];
    let arena: LoopArena = { alloc: (n) => new Float64Array(n), nt: gemmNT, tn: gemmTN, heap: null };
    if (this.backend === 'wasm') {
      // Each allocation rounds up to 16 bytes: two entries at most.
      const heap = new WasmHeap([...own, ...kind.buffers(shape, batch, steps)].reduce((t, n) => t + n + 2, 0));
      arena = { alloc: (n) => heap.alloc(n), nt: heap.gemmNT.bind(heap), tn: heap.gemmTN.bind(heap), heap };
    }
    this.nt = arena.nt;
    this.tn = arena.tn;
    const [, , hLen, uLen, predLen] = own;
    this.w = arena.alloc(size);
    this.gw = arena.alloc(size);
    this.h = arena.alloc(hLen);
    this.u = arena.alloc(uLen);
    this.pred = arena.alloc(predLen);
    this.dy = arena.alloc(BC);
    this.dr = arena.alloc(BC);
    this.dh = arena.alloc(BH);
    this.dhPrev = arena.alloc(BH);
    this.du = arena.alloc(BC);
    this.carry = arena.alloc(BC);
    this.cell = kind.create(shape, batch, steps, arena);
    const at = (name: string) => layout.find((b) => b.name === name)!.offset;
    this.wout = at('Wout');
    this.bout = at('bout');
  }

  /**
   * Forward pass. `x` [B][T][C] observed inputs; `feed` [B][T]: 1 feeds x_t, 0 feeds the
   * previous prediction ŷ_{t−1} (position 0 always feeds x_0), −1 from a position on: the
   * sequence has ended. `state` [B][kind.stateWidth]: each lane's initial state, zero when
   * absent; an input only, no gradient flows into it (truncated backpropagation through
   * time). Fills `pred` up to the longest sequence's end and returns that length; keeps a copy of θ (`w`) for the
   * backward pass.
   */
  forward(theta: Float64Array, x: Float64Array, feed: Float64Array, state?: Float64Array): number {
    const { channels: C, hidden: H } = this.shape;
    const B = this.batch, T = this.steps, BH = B * H;
    const { h, u, pred, w } = this;
    if (theta.length !== w.length) throw new RangeError(`LoopWorkspace.forward: θ has ${theta.length} entries, the layout ${w.length}`);
    if (x.length !== B * T * C) throw new RangeError(`LoopWorkspace.forward: x has ${x.length} entries, expected B·T·C = ${B * T * C}`);
    if (feed.length !== B * T) throw new RangeError(`LoopWorkspace.forward: feed has ${feed.length} entries, expected B·T = ${B * T}`);
    let len = 0;
    for (let b = 0; b < B; b++) {
      let end = T;
      while (end > 0 && feed[b * T + end - 1] < 0) end--;
      len = Math.max(len, end);
    }
    w.set(theta);
    const width = this.kind.stateWidth(this.shape);
    if (state) {
      if (state.length !== B * width) throw new RangeError(`LoopWorkspace.forward: state has ${state.length} entries, expected B·${width} = ${B * width}`);
      for (let b = 0; b < B; b++) h.set(state.subarray(b * width, b * width + H), b * H);
    } else h.fill(0, 0, BH);
    this.cell.start?.(state ?? null, width);
    this.len = len;
    for (let t = 0; t < len; t++) {
      const uOff = t * B * C;
      for (let b = 0; b < B; b++) {
        const src = t === 0 || feed[b * T + t] !== 0 ? x : pred;
        const from = (b * T + t - (src === x ? 0 : 1)) * C;
        for (let c = 0; c < C; c++) u[uOff + b * C + c] = src[from + c];
      }
      this.cell.forward(w, t, h, u, uOff);
      this.nt(B, C, H, h, (t + 1) * BH, H, w, this.wout, H, pred, t * C, T * C, false);
      const inc = this.increments, from = this.incrementFrom;
      for (let b = 0; b < B; b++) {
        for (let c = 0; c < C; c++) {
          const p = (b * T + t) * C + c, r = pred[p] + w[this.bout + c];
          pred[p] = inc ? u[uOff + b * C + from[c]] + inc[c] * r : r;
        }
      }
    }
    return len;
  }

  /** Each lane's state after the last forward pass's longest sequence, written to `state` [B][kind.stateWidth] as `forward` reads it. */
  finalState(state: Float64Array): void {
    const H = this.shape.hidden, B = this.batch, width = this.kind.stateWidth(this.shape), at = this.len * B * H;
    for (let b = 0; b < B; b++) state.set(this.h.subarray(at + b * H, at + (b + 1) * H), b * width);
    this.cell.end?.(this.len, state, width);
  }

  /**
   * Mean over sequences, their positions t ≥ burnIn and channels of (ŷ_t − target_t)², from
   * the initial `state` (see `forward`); overwrites `grad` with its gradient through the
   * whole closed loop and returns the loss.
   */
  lossAndGrad(theta: Float64Array, x: Float64Array, target: Float64Array, feed: Float64Array, grad: Float64Array, state?: Float64Array): number {
    const { channels: C, hidden: H } = this.shape;
    const B = this.batch, T = this.steps, BH = B * H;
    const { h, u, pred, dy, dr, dh, dhPrev, du, carry, w, gw } = this;
    const inc = this.increments;
    if (target.length !== B * T * C) throw new RangeError(`LoopWorkspace.lossAndGrad: target has ${target.length} entries, expected B·T·C = ${B * T * C}`);
    if (grad.length !== theta.length) throw new RangeError(`LoopWorkspace.lossAndGrad: grad has ${grad.length} entries, θ has ${theta.length}`);
    const len = this.forward(theta, x, feed, state);
    let count = 0;
    for (let b = 0; b < B; b++) for (let t = this.burnIn; t < len; t++) if (feed[b * T + t] >= 0) count++;
    if (count === 0) throw new RangeError(`LoopWorkspace.lossAndGrad: no position ≥ burnIn = ${this.burnIn} is inside a sequence`);
    const scale = 2 / (count * C);
    let loss = 0;
    for (let b = 0; b < B; b++) {
      for (let t = this.burnIn; t < len; t++) {
        if (feed[b * T + t] < 0) continue;
        for (let c = 0; c < C; c++) loss += (pred[(b * T + t) * C + c] - target[(b * T + t) * C + c]) ** 2;
      }
    }
    loss *= scale / 2;
    gw.fill(0);
    dhPrev.fill(0);
    carry.fill(0);
    this.cell.startBackward(w);
    for (let t = len - 1; t >= 0; t--) {
      // dŷ_t: the loss's share plus what step t + 1 sent back through its fed-back input;
      // dr: the same at the readout (scaled by the increments' scale).
      for (let b = 0; b < B; b++) {
        const live = t >= this.burnIn && feed[b * T + t] >= 0;
        for (let c = 0; c < C; c++) {
          const p = (b * T + t) * C + c;
          const d = (live ? scale * (pred[p] - target[p]) : 0) + carry[b * C + c];
          dy[b * C + c] = d;
          dr[b * C + c] = inc ? d * inc[c] : d;
          gw[this.bout + c] += dr[b * C + c];
        }
      }
      // dh_{t+1} = dr·Wout + the recurrent gradient from step t + 1; dWout += drᵀ·h_{t+1}.
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < H; k++) {
          let s = dhPrev[b * H + k];
          for (let c = 0; c < C; c++) s += dr[b * C + c] * w[this.wout + c * H + k];
          dh[b * H + k] = s;
        }
      }
      this.tn(C, H, B, dr, 0, C, h, (t + 1) * BH, H, gw, this.wout, H);
      const uOff = t * B * C;
      this.cell.backward(w, t, h, u, uOff, dh, dhPrev, du, gw);
      // ∂L/∂u_t goes to ŷ_{t−1} where the prediction was fed back, nowhere where x_t was.
      for (let b = 0; b < B; b++) {
        const fed = t > 0 && feed[b * T + t] === 0;
        for (let c = 0; c < C; c++) carry[b * C + c] = fed ? du[b * C + c] : 0;
        if (fed && inc) for (let c = 0; c < C; c++) carry[b * C + this.incrementFrom[c]] += dy[b * C + c];
      }
    }
    grad.set(gw);
    return loss;
  }
}
