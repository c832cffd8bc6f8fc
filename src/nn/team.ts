/**
 * Data-parallel gradients for any kernel: a batch split into fixed shares whose losses and
 * gradients are combined in a fixed order, each share computed on this thread or on a
 * worker thread. A kernel (an LSTM, a GRU, an MLP, …) supplies only its parameter count, the
 * numbers per sample of each batch input and a share's loss and gradient (`TeamKernel`);
 * the team does the splitting, the threads and the combination.
 *
 * The result depends on the number of shares, never on the number of workers: with or
 * without worker threads, on any machine, the same seed gives the same bits. Each share's
 * mean loss is weighted by its share of the batch, so the combination is the full-batch
 * loss and gradient up to rounding.
 *
 * Functions cannot be posted to a thread, so a worker finds the kernel by its name in the
 * registry (nn/kernels.ts): a worker receives a `TeamInit` and runs `serveTeam` on it. Workers
 * share memory with this thread (SharedArrayBuffer) and meet it through Atomics: no message
 * per step. Blocking waits (Atomics.wait) are allowed in Node and in Web Workers, not on a
 * browser's main thread, so a team with workers must be driven from a worker there. Without
 * workers nothing here needs shared memory. Browser-safe.
 */

/** Anything that posts a message to a worker thread: Node's Worker, a browser Worker. */
export interface WorkerPort {
  postMessage(message: unknown): void;
}

/** A share's loss over its samples (a mean), its gradient written to `grad` (θ's length). */
export type ShareLossAndGrad = (theta: Float64Array, inputs: readonly Float64Array[], grad: Float64Array) => number;

/**
 * What a data-parallel kernel supplies. `S` is its specification (shapes, window, …): plain
 * JSON, since it is posted to the workers, which rebuild the kernel from it.
 */
export interface TeamKernel<S = unknown> {
  /** Its name in the kernel registry (nn/kernels.ts), e.g. "lstm". */
  readonly name: string;
  /** θ's length for `spec`. */
  size(spec: S): number;
  /** Numbers per sample in each batch input, in order (the LSTM: [steps·input, steps·output]). */
  widths(spec: S): number[];
  /**
   * Inputs the kernel overwrites with an output per sample (a recurrent state carried to the
   * next step), by index: the team returns a worker's rows of them to the caller's arrays.
   */
  carried?(spec: S): number[];
  /** A share's loss and gradient over `batch` samples; it allocates its workspace once, here. */
  create(spec: S, batch: number): ShareLossAndGrad;
}

/** What a worker receives once; `serveTeam` then serves its share until the team closes. */
export interface TeamInit {
  kind: 'team';
  /** The kernel's registry name and its specification. */
  kernel: string;
  spec: unknown;
  /** Samples in this worker's share. */
  batch: number;
  /** Int32Array view: [0] step generation (−1: stop), [1] workers done, [2] a worker failed. */
  control: SharedArrayBuffer;
  /** θ, written by the host before every step. */
  theta: SharedArrayBuffer;
  /** The share's rows of each batch input. */
  inputs: SharedArrayBuffer[];
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
  /** This thread's evaluator, or undefined when a worker computes the share. */
  local?: ShareLossAndGrad;
  grad: Float64Array;
  loss: number;
  /** A worker's shared inputs and loss. */
  remote?: { inputs: Float64Array[]; loss: Float64Array };
}

/** The host side: `lossAndGrad` over a whole batch, in shares, some on worker threads. */
export class Team<S> {
  private readonly widths: number[];
  private readonly carried: number[];
  private readonly parts: Share[];
  private readonly theta: Float64Array | null = null;
  private readonly control: Int32Array | null = null;
  private readonly workerCount: number;
  private readonly label: string;
  private closed = false;

  /**
   * @param batch samples per step, split into `shares` parts
   * @param workers threads for shares 1 … workers.length (at most shares − 1 are used);
   *   this thread computes share 0 and any share without a worker
   */
  constructor(
    readonly kernel: TeamKernel<S>,
    readonly spec: S,
    readonly batch: number,
    shares: number,
    workers: readonly WorkerPort[] = [],
  ) {
    this.label = `Team(${kernel.name})`;
    this.widths = kernel.widths(spec);
    this.carried = kernel.carried?.(spec) ?? [];
    const size = kernel.size(spec);
    const sizes = shareSizes(batch, shares);
    const used = workers.slice(0, shares - 1);
    this.workerCount = used.length;
    let thetaBuf: SharedArrayBuffer | undefined;
    if (used.length > 0) {
      this.control = new Int32Array(new SharedArrayBuffer(3 * 4));
      thetaBuf = new SharedArrayBuffer(size * 8);
      this.theta = new Float64Array(thetaBuf);
    }
    let start = 0;
    this.parts = sizes.map((n, k) => {
      const at = start;
      start += n;
      const port = k >= 1 ? used[k - 1] : undefined;
      if (!port) return { start: at, size: n, local: kernel.create(spec, n), grad: new Float64Array(size), loss: 0 };
      const init: TeamInit = {
        kind: 'team', kernel: kernel.name, spec, batch: n,
        control: this.control!.buffer as SharedArrayBuffer, theta: thetaBuf!,
        inputs: this.widths.map((w) => new SharedArrayBuffer(n * w * 8)),
        grad: new SharedArrayBuffer(size * 8), loss: new SharedArrayBuffer(8),
      };
      port.postMessage(init);
      return {
        start: at, size: n, grad: new Float64Array(init.grad), loss: 0,
        remote: { inputs: init.inputs.map((b) => new Float64Array(b)), loss: new Float64Array(init.loss) },
      };
    });
  }

  /** Threads in use besides this one. */
  get workers(): number {
    return this.workerCount;
  }

  /**
   * The loss over the whole batch (each input sample-major, `widths[k]` numbers per sample),
   * its gradient written to `grad`. Shares are combined in order 0, 1, …, weighted by size.
   * The kernel's `carried` inputs hold its per-sample outputs afterwards.
   */
  lossAndGrad(theta: Float64Array, inputs: readonly Float64Array[], grad: Float64Array): number {
    if (this.closed) throw new Error(`${this.label}: used after close()`);
    const { widths, batch: B } = this;
    if (inputs.length !== widths.length) throw new RangeError(`${this.label}.lossAndGrad: got ${inputs.length} inputs; the kernel takes ${widths.length}`);
    inputs.forEach((a, k) => {
      if (a.length !== B * widths[k]) throw new RangeError(`${this.label}.lossAndGrad: input ${k} has ${a.length} entries; batch ${B} × ${widths[k]} per sample needs ${B * widths[k]}`);
    });
    if (grad.length !== this.parts[0].grad.length) throw new RangeError(`${this.label}.lossAndGrad: grad has ${grad.length} entries, θ has ${this.parts[0].grad.length}`);
    const rows = (p: Share) => inputs.map((a, k) => a.subarray(p.start * widths[k], (p.start + p.size) * widths[k]));
    const ctl = this.control;
    if (ctl) {
      this.theta!.set(theta);
      for (const p of this.parts) if (p.remote) rows(p).forEach((r, k) => p.remote!.inputs[k].set(r));
      Atomics.store(ctl, DONE, 0);
      Atomics.add(ctl, GENERATION, 1); // publishes θ and the inputs written above
      Atomics.notify(ctl, GENERATION);
    }
    for (const p of this.parts) if (p.local) p.loss = p.local(theta, rows(p), p.grad);
    if (ctl) {
      for (let done = Atomics.load(ctl, DONE); done < this.workerCount; done = Atomics.load(ctl, DONE)) {
        if (Atomics.wait(ctl, DONE, done, WORKER_TIMEOUT_MS) === 'timed-out') {
          throw new Error(`${this.label}: a worker thread did not finish its share within ${WORKER_TIMEOUT_MS / 1000} s`);
        }
      }
      if (Atomics.load(ctl, FAILED) !== 0) throw new Error(`${this.label}: a worker thread failed (see its error)`);
      for (const p of this.parts) {
        if (!p.remote) continue;
        p.loss = p.remote.loss[0];
        for (const k of this.carried) inputs[k].set(p.remote.inputs[k], p.start * widths[k]);
      }
    }
    grad.fill(0);
    let loss = 0;
    for (const p of this.parts) {
      const w = p.size / B;
      for (let i = 0; i < grad.length; i++) grad[i] += w * p.grad[i];
      loss += w * p.loss;
    }
    return loss;
  }

  /** Lets the workers return from `serveTeam`; the team cannot be used after. */
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
 * closes the team. Blocks its thread meanwhile (Atomics.wait). `lookup` finds the kernel by
 * name (nn/kernels.ts's `getKernel`). A failure (an unknown kernel, an impossible share) is
 * flagged to the host, which then throws, and rethrown here.
 */
export function serveTeam(init: TeamInit, lookup: (name: string) => TeamKernel<unknown>): void {
  const ctl = new Int32Array(init.control);
  const theta = new Float64Array(init.theta);
  const inputs = init.inputs.map((b) => new Float64Array(b));
  const grad = new Float64Array(init.grad), loss = new Float64Array(init.loss);
  let share: ShareLossAndGrad | undefined;
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, GENERATION, seen);
    const now = Atomics.load(ctl, GENERATION);
    if (now < 0) return;
    if (now === seen) continue;
    seen = now;
    try {
      share ??= lookup(init.kernel).create(init.spec, init.batch);
      loss[0] = share(theta, inputs, grad);
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
