/**
 * Data-parallel LSTM gradients: a batch split into fixed shares whose losses and gradients
 * are combined in a fixed order, each share computed on this thread or on a worker thread.
 *
 * The result depends on the number of shares, never on the number of workers: with or
 * without worker threads, on any machine, the same seed gives the same bits. Each share's
 * mean-squared loss is weighted by its share of the batch, so the combination is the
 * full-batch loss and gradient up to rounding.
 *
 * Workers are threads (Node worker_threads, browser Web Workers) that received an
 * `LstmTeamInit` message and run `serveLstmTeam` on it. They share memory with this thread
 * (SharedArrayBuffer) and meet it through Atomics: no message per step. Blocking waits
 * (Atomics.wait) are allowed in Node and in Web Workers, not on a browser's main thread,
 * so a team with workers must be driven from a worker there. Without workers nothing here
 * needs shared memory. Browser-safe.
 */
import { LstmWorkspace, lstmLossAndGrad, type LstmShape } from './lstm.js';

/** Anything that posts a message to a worker thread: Node's Worker, a browser Worker. */
export interface WorkerPort {
  postMessage(message: unknown): void;
}

/** What a worker receives once; `serveLstmTeam` then serves its share until the team closes. */
export interface LstmTeamInit {
  kind: 'lstm-team';
  shape: LstmShape;
  /** Sequences in this worker's share. */
  batch: number;
  steps: number;
  burnIn: number;
  /** Int32Array view: [0] step generation (−1: stop), [1] workers done, [2] a worker failed. */
  control: SharedArrayBuffer;
  /** θ, written by the host before every step. */
  theta: SharedArrayBuffer;
  /** The share's inputs [batch][steps][input] and targets [batch][steps][output]. */
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  /** The share's gradient (θ's length) and loss (one double). */
  grad: SharedArrayBuffer;
  loss: SharedArrayBuffer;
}

const GENERATION = 0, DONE = 1, FAILED = 2;

/** How long the host waits for a worker's share before deciding it is gone, in ms. */
const WORKER_TIMEOUT_MS = 120_000;

/** Sizes of `shares` near-equal parts of `batch`, larger first (64 in 3: 22, 21, 21). */
export function shareSizes(batch: number, shares: number): number[] {
  if (!Number.isInteger(shares) || shares < 1 || shares > batch) throw new RangeError(`shares must be an integer in [1, batch = ${batch}], got ${shares}`);
  return Array.from({ length: shares }, (_, k) => Math.floor(batch / shares) + (k < batch % shares ? 1 : 0));
}

/** One share: its place in the batch and where its loss and gradient come from. */
interface Share {
  start: number;
  size: number;
  /** This thread's workspace, or undefined when a worker computes the share. */
  ws?: LstmWorkspace;
  grad: Float64Array;
  loss: number;
  /** A worker's shared inputs and outputs. */
  remote?: { x: Float64Array; y: Float64Array; loss: Float64Array };
}

/** The host side: `lossAndGrad` over a whole batch, in shares, some on worker threads. */
export class LstmTeam {
  private readonly shape: LstmShape;
  private readonly steps: number;
  private readonly batch: number;
  private readonly parts: Share[];
  private readonly theta: Float64Array | null = null;
  private readonly control: Int32Array | null = null;
  private readonly workerCount: number;
  private closed = false;

  /**
   * @param batch sequences per step, split into `shares` parts
   * @param size θ's length (lstmLayout(shape).size)
   * @param workers threads for shares 1 … workers.length (at most shares − 1 are used);
   *   this thread computes share 0 and any share without a worker
   */
  constructor(shape: LstmShape, batch: number, steps: number, burnIn: number, size: number, shares: number, workers: readonly WorkerPort[] = []) {
    this.shape = { ...shape };
    this.steps = steps;
    this.batch = batch;
    const sizes = shareSizes(batch, shares);
    const used = workers.slice(0, shares - 1);
    this.workerCount = used.length;
    let thetaBuf: SharedArrayBuffer | undefined;
    if (used.length > 0) {
      this.control = new Int32Array(new SharedArrayBuffer(3 * 4));
      thetaBuf = new SharedArrayBuffer(size * 8);
      this.theta = new Float64Array(thetaBuf);
    }
    this.parts = sizes.map((n, k) => {
      const start = sizes.slice(0, k).reduce((a, b) => a + b, 0);
      const port = k >= 1 ? used[k - 1] : undefined;
      if (!port) return { start, size: n, ws: new LstmWorkspace(shape, n, steps, burnIn), grad: new Float64Array(size), loss: 0 };
      const init: LstmTeamInit = {
        kind: 'lstm-team', shape: this.shape, batch: n, steps, burnIn,
        control: this.control!.buffer as SharedArrayBuffer, theta: thetaBuf!,
        x: new SharedArrayBuffer(n * steps * shape.input * 8), y: new SharedArrayBuffer(n * steps * shape.output * 8),
        grad: new SharedArrayBuffer(size * 8), loss: new SharedArrayBuffer(8),
      };
      port.postMessage(init);
      return {
        start, size: n, grad: new Float64Array(init.grad), loss: 0,
        remote: { x: new Float64Array(init.x), y: new Float64Array(init.y), loss: new Float64Array(init.loss) },
      };
    });
  }

  /** Threads in use besides this one. */
  get workers(): number {
    return this.workerCount;
  }

  /**
   * The loss over the whole batch (x, target batch-major as for `lstmLossAndGrad`), its
   * gradient written to `grad`. Shares are combined in order 0, 1, …, weighted by size.
   */
  lossAndGrad(theta: Float64Array, x: Float64Array, target: Float64Array, grad: Float64Array): number {
    if (this.closed) throw new Error('LstmTeam: used after close()');
    const { input: I, output: O } = this.shape, T = this.steps, B = this.batch;
    if (x.length !== B * T * I || target.length !== B * T * O) {
      throw new RangeError(`LstmTeam.lossAndGrad: x has ${x.length} entries and target ${target.length}; batch ${B} × steps ${T} needs ${B * T * I} and ${B * T * O}`);
    }
    if (grad.length !== this.parts[0].grad.length) throw new RangeError(`LstmTeam.lossAndGrad: grad has ${grad.length} entries, θ has ${this.parts[0].grad.length}`);
    const rows = (a: Float64Array, p: Share, width: number) => a.subarray(p.start * T * width, (p.start + p.size) * T * width);
    const ctl = this.control;
    if (ctl) {
      this.theta!.set(theta);
      for (const p of this.parts) {
        if (!p.remote) continue;
        p.remote.x.set(rows(x, p, I));
        p.remote.y.set(rows(target, p, O));
      }
      Atomics.store(ctl, DONE, 0);
      Atomics.add(ctl, GENERATION, 1); // publishes θ and the inputs written above
      Atomics.notify(ctl, GENERATION);
    }
    for (const p of this.parts) if (p.ws) p.loss = lstmLossAndGrad(theta, rows(x, p, I), rows(target, p, O), p.ws, p.grad);
    if (ctl) {
      for (let done = Atomics.load(ctl, DONE); done < this.workerCount; done = Atomics.load(ctl, DONE)) {
        if (Atomics.wait(ctl, DONE, done, WORKER_TIMEOUT_MS) === 'timed-out') {
          throw new Error(`LstmTeam: a worker thread did not finish its share within ${WORKER_TIMEOUT_MS / 1000} s`);
        }
      }
      if (Atomics.load(ctl, FAILED) !== 0) throw new Error('LstmTeam: a worker thread failed (see its error)');
      for (const p of this.parts) if (p.remote) p.loss = p.remote.loss[0];
    }
    grad.fill(0);
    let loss = 0;
    for (const p of this.parts) {
      const w = p.size / this.batch;
      for (let i = 0; i < grad.length; i++) grad[i] += w * p.grad[i];
      loss += w * p.loss;
    }
    return loss;
  }

  /** Lets the workers return from `serveLstmTeam`; the team cannot be used after. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.control) {
      Atomics.store(this.control, GENERATION, -1);
      Atomics.notify(this.control, GENERATION);
    }
  }
}

/**
 * The worker side: computes its share every time the host starts a step, until the host
 * closes the team. Blocks its thread meanwhile (Atomics.wait). A failure is flagged to the
 * host, which then throws, and rethrown here.
 */
export function serveLstmTeam(init: LstmTeamInit): void {
  const ctl = new Int32Array(init.control);
  const theta = new Float64Array(init.theta), x = new Float64Array(init.x), y = new Float64Array(init.y);
  const grad = new Float64Array(init.grad), loss = new Float64Array(init.loss);
  let ws: LstmWorkspace | undefined;
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, GENERATION, seen);
    const now = Atomics.load(ctl, GENERATION);
    if (now < 0) return;
    if (now === seen) continue;
    seen = now;
    try {
      ws ??= new LstmWorkspace(init.shape, init.batch, init.steps, init.burnIn);
      loss[0] = lstmLossAndGrad(theta, x, y, ws, grad);
    } catch (err) {
      Atomics.store(ctl, FAILED, 1);
      Atomics.add(ctl, DONE, 1);
      Atomics.notify(ctl, DONE);
      throw err;
    }
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
}
