/**
 * Fitting a trajectory model, written once for every family that has no tuned strategy of
 * its own: from the family's initial guess, optionally a few Adam steps through the one
 * training loop (core/optim/train.ts) to get near a basin, then L-BFGS on the layer's loss to
 * convergence (multiple shooting first, as an option). Aborts, yields and keeps its last
 * good θ the same way as every other fit.
 */
import { DivergenceError, throwIfAborted } from '../../core/errors.js';
import { Adam } from '../../core/optim/adam.js';
import { lbfgs } from '../../core/optim/lbfgs.js';
import type { LbfgsReason } from '../../core/optim/lbfgs.js';
import { cosine } from '../../core/optim/schedules.js';
import { train } from '../../core/optim/train.js';
import { EventLoopPacer } from '../../core/pace.js';
import type { TrajectoryData, TrajectoryModel, TrajectoryPath } from './base.js';
import { ShootingPath, type ShootingOptions } from './shooting.js';
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
  /**
   * Multiple shooting before the fit on the plain loss (shooting.ts): for long oscillatory
   * series, where a single rollout from a poor start settles on the mean. Default: none.
   * @example { segments: 10 }
   */
  shooting?: ShootingOptions;
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

/** One stage: Adam (when asked) then L-BFGS on `path` from `x0`, progress reported over [from, to]. */
async function minimise(
  path: TrajectoryPath,
  x0: Float64Array,
  keep: number,
  opts: TrajectoryFitOptions,
  progress: { from: number; to: number; stage: string },
  pacer: EventLoopPacer,
): Promise<{ x: Float64Array; adamSteps: number; iterations: number; reason: TrajectoryFit['reason'] }> {
  const theta = Float64Array.from(x0);
  const n = theta.length;
  const last = Float64Array.from(theta);
  // The last θ with a finite loss, cut to the model's own θ (`keep` entries) for the error.
  const lastGood = () => last.slice(0, keep);
  if (!Number.isFinite(path.lossAndGrad(theta, null))) throw new DivergenceError(`the start of the trajectory fit${progress.stage} gives a non-finite loss`, lastGood(), 0);
  const fg = (x: Float64Array, g: Float64Array) => {
    const f = path.lossAndGrad(x, g);
    if (Number.isFinite(f)) last.set(x);
    return f;
  };
  const span = progress.to - progress.from;
  const maxIterations = opts.maxIterations ?? 200;
  const adamShare = opts.adam && opts.adam.steps > 0 ? 0.5 : 0;
  let adamSteps = 0;
  if (opts.adam && opts.adam.steps > 0) {
    const { steps, lr = 1e-2 } = opts.adam;
    const r = await train({
      lossAndGrad: fg, theta, optimizer: new Adam(n, { lr: cosine(lr, steps) }), steps, signal: opts.signal, pacer,
      name: `trajectory fit${progress.stage} (Adam)`,
      onProgress: (p) => opts.onProgress?.({ fraction: progress.from + span * adamShare * p.fraction, stage: `Adam${progress.stage}`, loss: p.loss }),
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
    if (!Number.isFinite(r.f)) throw new DivergenceError(`trajectory fit${progress.stage}: L-BFGS reached a non-finite loss`, lastGood(), iterations);
    x = r.x;
    opts.onProgress?.({ fraction: progress.from + span * (adamShare + (1 - adamShare) * (iterations / maxIterations)), stage: `L-BFGS${progress.stage}`, loss: r.f });
    throwIfAborted(opts.signal);
    if (r.reason !== 'max-iterations') break;
    await pacer.tick();
  }
  return { x, adamSteps, iterations, reason };
}

/**
 * Fits `model` to `data`. A non-finite loss throws a `DivergenceError` carrying the last θ
 * whose loss was finite. With `shooting`, Adam and L-BFGS first minimise the multiple-shooting
 * loss (shooting.ts) over θ and the segments' starting states, then L-BFGS polishes θ on the
 * plain loss, so the fitted model is the same kind either way.
 */
export async function fitTrajectory(model: TrajectoryModel, data: TrajectoryData, opts: TrajectoryFitOptions = {}): Promise<TrajectoryFit> {
  const path = trajectoryLoss(model, data, opts);
  const start = opts.theta0 ?? model.initialGuess?.(data);
  if (!start) throw new DivergenceError('the trajectory model has no initial guess and no theta0 was given');
  const size = model.layout.size;
  const pacer = new EventLoopPacer();
  let theta = Float64Array.from(start);
  let adamSteps = 0;
  let shotIterations = 0;
  const candidate = opts.shooting && opts.shooting.segments >= 2 ? new ShootingPath(model, data, opts.solver ?? {}, opts.shooting) : undefined;
  // Too few samples for two segments of two intervals: plain fitting only.
  const shoot = candidate && candidate.bounds.length > 2 ? candidate : undefined;
  if (shoot) {
    const r = await minimise(shoot, shoot.extend(theta, opts.shooting!.stateAt), size, opts, { from: 0, to: 0.5, stage: ' by multiple shooting' }, pacer);
    theta = r.x.slice(0, size);
    adamSteps = r.adamSteps;
    shotIterations = r.iterations;
  }
  const polish = shoot ? { ...opts, adam: undefined } : opts;
  const r = await minimise(path, theta, size, polish, shoot ? { from: 0.5, to: 1, stage: '' } : { from: 0, to: 1, stage: '' }, pacer);
  const loss = path.lossAndGrad(r.x, null);
  opts.onProgress?.({ fraction: 1, stage: 'done', loss });
  return { theta: Float64Array.from(r.x), loss, adamSteps: adamSteps + r.adamSteps, iterations: shotIterations + r.iterations, reason: r.reason };
}
