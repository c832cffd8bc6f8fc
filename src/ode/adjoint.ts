/**
 * Gradients by the discrete adjoint of the steps actually taken (backpropagation through
 * the solver; cf. diffrax's `RecursiveCheckpointAdjoint`, Griewank & Walther 2008 ch. 12).
 *
 * The forward pass is the ordinary loop with a recorder: it keeps every accepted step's
 * (t, h) — step sizes are constants of the backward pass, so adaptive solves are
 * differentiated through their accepted steps — the step and fraction of every save, and a
 * checkpoint of the state every K steps. The backward pass walks the checkpoint segments
 * from the last: it recomputes the segment's states from its checkpoint (bitwise the same
 * steps as the forward pass), then runs each step's `stepVjp` in reverse, adding the
 * saves' cotangents where they were taken. Memory: ⌈N/K⌉ checkpoints + K states; the
 * default K ≈ √N is kept by halving the checkpoints whenever they outnumber 2K.
 *
 * The solver is bound to `theta` by reference: do not modify it between the
 * forward solve and `backward`. `backward` may be called several times (different gY).
 */
import { ConfigError } from '../core/errors.js';
import type { LoopRecorder } from './loop.js';
import { prepareSolve, runLoop } from './loop.js';
import type { Solution, SolveOptions } from './types.js';
import type { DenseCotangent } from './solvers/base.js';

export interface SolveWithAdjointOptions extends SolveOptions {
  /**
   * Store the state every `checkpointEvery` accepted steps and recompute in between.
   * 1 stores every state (no recomputation). Default: automatic, about √(number of steps).
   */
  checkpointEvery?: number;
}

export interface AdjointSolution extends Solution {
  /** What the tape holds: a checkpoint every `checkpointEvery` steps, `checkpoints` states in all. */
  tape: { checkpointEvery: number; checkpoints: number };
  /** gY: ∂L/∂(saved states), same shape as Solution.y. Returns ∂L/∂θ and ∂L/∂y0. */
  backward(gY: Float64Array): { dTheta: Float64Array; dY0: Float64Array };
}

/** Growable Float64Array (amortised doubling; no allocation in the steady state). */
class Grow {
  data: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(capacity, 16));
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const next = new Float64Array(Math.max(2 * this.data.length, this.length + extra));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push(x: number): void {
    this.reserve(1);
    this.data[this.length++] = x;
  }
}

class Tape implements LoopRecorder {
  readonly ts = new Grow(256);
  readonly hs = new Grow(256);
  readonly checkpoints: Grow;
  /** Checkpoint c holds the state before step c·K. */
  K: number;
  readonly saveStep: Int32Array;
  readonly saveFrac: Float64Array;

  constructor(
    private readonly dim: number,
    nSave: number,
    private readonly auto: boolean,
    K: number,
  ) {
    this.K = K;
    this.checkpoints = new Grow(64 * dim);
    this.saveStep = new Int32Array(nSave);
    this.saveFrac = new Float64Array(nSave);
  }

  onStep(n: number, t: number, h: number, y0: Float64Array): void {
    this.ts.push(t);
    this.hs.push(h);
    if (n % this.K !== 0) return;
    const cp = this.checkpoints;
    cp.reserve(this.dim);
    cp.data.set(y0, cp.length);
    cp.length += this.dim;
    if (this.auto) {
      const count = cp.length / this.dim;
      if (count > 2 * this.K) {
        // Keep checkpoints at multiples of 2K: every other one.
        const d = this.dim;
        let w = 0;
        for (let c = 0; c < count; c += 2) {
          cp.data.copyWithin(w * d, c * d, (c + 1) * d);
          w++;
        }
        cp.length = w * d;
        this.K *= 2;
      }
    }
  }

  onSave(i: number, n: number, frac: number): void {
    this.saveStep[i] = n;
    this.saveFrac[i] = frac;
  }
}

/** Forward solve that records what the discrete adjoint needs, and returns a backward pass. */
export function solveWithAdjoint(opts: SolveWithAdjointOptions): AdjointSolution {
  const p = prepareSolve(opts);
  const dim = p.term.dim;
  const nSave = p.saveAt.length;
  const every = opts.checkpointEvery;
  if (every !== undefined && !(Number.isInteger(every) && every >= 1)) {
    throw new ConfigError(`must be a positive integer; got ${every}`, 'checkpointEvery');
  }
  const tape = new Tape(dim, nSave, every === undefined, every ?? 1);
  const sol = runLoop(p, tape);
  const { stepper, theta } = p;

  let rows: Float64Array[] = [];
  const dense: DenseCotangent = { fractions: tape.saveFrac, g: new Float64Array(0), from: 0, to: 0 };

  const backward = (gY: Float64Array): { dTheta: Float64Array; dY0: Float64Array } => {
    if (gY.length !== nSave * dim) {
      throw new ConfigError(`has length ${gY.length}; expected ${nSave} saves × ${dim} = ${nSave * dim}`, 'gY');
    }
    const N = tape.ts.length;
    const K = tape.K;
    const ts = tape.ts.data;
    const hs = tape.hs.data;
    const cps = tape.checkpoints.data;
    if (rows.length < K + 1) {
      const buf = new Float64Array((K + 1) * dim);
      rows = Array.from({ length: K + 1 }, (_, j) => buf.subarray(j * dim, (j + 1) * dim));
    }
    const dTheta = new Float64Array(theta.length);
    let lam = new Float64Array(dim);
    let lamPrev = new Float64Array(dim);
    dense.g = gY;
    stepper.beginVjp?.();
    let i = nSave - 1;
    const nSeg = Math.ceil(N / K);
    for (let c = nSeg - 1; c >= 0; c--) {
      const first = c * K;
      const last = Math.min(first + K, N); // steps first … last−1
      // Recompute y_first … y_{last−1} from the checkpoint, exactly as the forward pass did.
      rows[0].set(cps.subarray(c * dim, (c + 1) * dim));
      stepper.reset();
      for (let n = first; n < last - 1; n++) {
        const j = n - first;
        stepper.step(ts[n], hs[n], rows[j], rows[j + 1], null);
        stepper.accept();
      }
      for (let n = last - 1; n >= first; n--) {
        // Saves at the end of step n add to the cotangent of y_{n+1}; saves inside it go to the step's vjp.
        while (i >= 0 && tape.saveStep[i] === n && tape.saveFrac[i] === 1) {
          for (let d = 0; d < dim; d++) lam[d] += gY[i * dim + d];
          i--;
        }
        dense.to = i + 1;
        while (i >= 0 && tape.saveStep[i] === n) i--;
        dense.from = i + 1;
        stepper.stepVjp(ts[n], hs[n], rows[n - first], lam, lamPrev, dTheta, dense.to > dense.from ? dense : null);
        const tmp = lam;
        lam = lamPrev;
        lamPrev = tmp;
      }
    }
    while (i >= 0) {
      // Saves at t0 (step −1).
      for (let d = 0; d < dim; d++) lam[d] += gY[i * dim + d];
      i--;
    }
    stepper.endVjp?.(dTheta);
    return { dTheta, dY0: lam };
  };
  return { ...sol, tape: { checkpointEvery: tape.K, checkpoints: tape.checkpoints.length / dim }, backward };
}
