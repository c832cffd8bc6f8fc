/**
 * Fitting a trajectory model, written once for every family that has no tuned strategy of
 * its own: from the family's initial guess, optionally a few Adam steps through the one
 * training loop (core/optim/train.ts) to get near a basin, then L-BFGS on the layer's loss to
 * convergence. Aborts, yields and keeps its last good θ the same way as every other fit.
 */
import { DivergenceError, throwIfAborted } from '../../core/errors.js';
import { Adam } from '../../core/optim/adam.js';
import { lbfgs } from '../../core/optim/lbfgs.js';
import type { LbfgsReason } from '../../core/optim/lbfgs.js';
import { cosine } from '../../core/optim/schedules.js';
import { train } from '../../core/optim/train.js';
import { EventLoopPacer } from '../../core/pace.js';
import type { TrajectoryData, TrajectoryModel } from './base.js';
import { trajectoryLoss } from './paths.js';
import type { PathOptions } from './paths.js';

/** Options of {@link fitTrajectory}. */
export interface TrajectoryFitOptions extends PathOptions {
  /** Starting θ (not modified). Default: the model's `initialGuess(data)`. */
  theta0?: Float64Array;
  /** Adam steps before L-BFGS, with a cosine schedule from `lr` to 0. Default: none. @example { steps: 500, lr: 1e-2 } */
  adam?: { steps: number; lr?: number };
  /** L-BFGS iteration cap. Default 200. */
  maxIterations?: number;
  /** L-BFGS stops when ‖∇ℓ‖∞ falls below this. Default 1e-10. */
  gradTol?: number;
  /** Stops the fit between steps; it then throws an `AbortError`. */
  signal?: AbortSignal;
  /** Fraction done in [0, 1] (Adam the first half when it runs), the stage and the loss. */
  onProgress?(p: { fraction: number; stage: string; loss: number }): void;
}

export interface TrajectoryFit {
  theta: Float64Array;
  /** ℓ at `theta`. */
  loss: number;
  adamSteps: number;
  iterations: number;
  reason: LbfgsReason | 'no-iterations';
}

/** L-BFGS iterations between turns of the event loop and abort checks. */
const CHUNK = 50;

/**
 * Fits `model` to `data`. A non-finite loss throws a `DivergenceError` carrying the last θ
 * whose loss was finite.
 */
export async function fitTrajectory(model: TrajectoryModel, data: TrajectoryData, opts: TrajectoryFitOptions = {}): Promise<TrajectoryFit> {
  const path = trajectoryLoss(model, data, opts);
  const start = opts.theta0 ?? model.initialGuess?.(data);
  if (!start) throw new DivergenceError('the trajectory model has no initial guess and no theta0 was given');
  const theta = Float64Array.from(start);
  const n = theta.length;
  const last = Float64Array.from(theta);
  let lastLoss = path.lossAndGrad(theta, null);
  if (!Number.isFinite(lastLoss)) throw new DivergenceError('the start of the trajectory fit gives a non-finite loss', Float64Array.from(theta), 0);
  const fg = (x: Float64Array, g: Float64Array) => {
    const f = path.lossAndGrad(x, g);
    if (Number.isFinite(f)) {
      last.set(x);
      lastLoss = f;
    }
    return f;
  };
  const pacer = new EventLoopPacer();
  const maxIterations = opts.maxIterations ?? 200;
  const adamShare = opts.adam && opts.adam.steps > 0 ? 0.5 : 0;
  let adamSteps = 0;
  if (opts.adam && opts.adam.steps > 0) {
    const { steps, lr = 1e-2 } = opts.adam;
    const r = await train({
      lossAndGrad: fg, theta, optimizer: new Adam(n, { lr: cosine(lr, steps) }), steps, signal: opts.signal, pacer,
      name: 'trajectory fit (Adam)',
      onProgress: (p) => opts.onProgress?.({ fraction: adamShare * p.fraction, stage: 'Adam', loss: p.loss }),
    });
    adamSteps = r.steps;
  }
  let iterations = 0;
  let reason: TrajectoryFit['reason'] = 'no-iterations';
  let x: Float64Array = theta;
  while (iterations < maxIterations) {
    throwIfAborted(opts.signal);
    const r = lbfgs(fg, x, { maxIterations: Math.min(CHUNK, maxIterations - iterations), gradTol: opts.gradTol ?? 1e-10, signal: opts.signal });
    iterations += r.iterations;
    reason = r.reason;
    if (!Number.isFinite(r.f)) throw new DivergenceError('trajectory fit: L-BFGS reached a non-finite loss', Float64Array.from(last), iterations);
    x = r.x;
    opts.onProgress?.({ fraction: adamShare + (1 - adamShare) * (iterations / maxIterations), stage: 'L-BFGS', loss: r.f });
    throwIfAborted(opts.signal);
    if (r.reason !== 'max-iterations') break;
    await pacer.tick();
  }
  const loss = path.lossAndGrad(x, null);
  opts.onProgress?.({ fraction: 1, stage: 'done', loss });
  return { theta: Float64Array.from(x), loss, adamSteps, iterations, reason };
}
