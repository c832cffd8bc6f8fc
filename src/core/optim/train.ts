/**
 * The one iterative training loop of lawful: every first-order fit (the LSTM's Adam passes,
 * the oscillator bank's Adam phase, the families to come) runs through `train`, so they share
 * one behaviour for divergence, early stopping, abort, progress and yielding.
 *
 * Per step: loss and gradient at θ → divergence checks → `stopWhen` → one optimizer step.
 * Every `validation.every` steps the held-out score of θ is taken and the best-scoring θ
 * kept (early stopping with the best snapshot; Prechelt 1998, "Early stopping — but when?").
 * A non-finite loss, gradient or score throws a `DivergenceError` carrying the last θ whose
 * loss was finite (the fit's "last good state"), never a half-updated vector.
 * Browser-safe; no allocation per step beyond what `lossAndGrad` does.
 */
import { ConfigError, DivergenceError, throwIfAborted } from '../errors.js';
import { EventLoopPacer } from '../pace.js';
import type { ObjectiveWithGradient, Optimizer } from './base.js';

/** Early stopping on a held-out score (lower is better). */
export interface Validation {
  /** Steps between checks; a check also runs after the last step. @example 50 */
  every: number;
  /** The held-out score of θ (e.g. a validation MSE); must not keep or modify θ. */
  score(theta: Float64Array): number;
  /** Checks in a row without a new best score before training stops. Default: never stops early. */
  patience?: number;
}

/** What `train` reports at every check. */
export interface TrainProgress {
  /** Steps taken so far (≥ 1). */
  step: number;
  /** The step budget, `TrainOptions.steps`. */
  steps: number;
  /** step / steps, in (0, 1]; never decreases within one call. */
  fraction: number;
  /** Training loss of the last step (at θ before its update). */
  loss: number;
  /** The validation score at this check, when there is a validation. */
  score?: number;
}

/** Options of {@link train}: the maths first (objective, θ, optimizer), then the strategies. */
export interface TrainOptions {
  /** Loss at θ, gradient written into g. May draw a fresh mini-batch each call. */
  lossAndGrad: ObjectiveWithGradient;
  /** The parameters, updated in place; after `train` it holds the last iterate. */
  theta: Float64Array;
  /** Owns the update rule and its schedule, e.g. `new Adam(n, { lr: cosine(1e-2, 1000) })`. */
  optimizer: Optimizer;
  /** Largest number of optimizer steps (an integer ≥ 0). */
  steps: number;
  /** Early stopping on a held-out score, keeping the best θ. Default: none (the last θ is the result). */
  validation?: Validation;
  /**
   * Stops before the update when it returns true for the step's loss (e.g. a target loss
   * reached, so a better method can take over). Default: never.
   */
  stopWhen?(loss: number, step: number): boolean;
  /** Checked before every step; when it fires, `train` throws an `AbortError`. */
  signal?: AbortSignal;
  /** Called at every check (each `progressEvery` steps and after the last one). */
  onProgress?(p: TrainProgress): void;
  /** Steps between progress reports without a validation. Default `validation.every`, else 100. */
  progressEvery?: number;
  /** Names the fit in error messages, e.g. "lstm". Default "train". */
  name?: string;
  /** Yields to the event loop at most every `pacer.intervalMs`. Default: a fresh 100 ms pacer. */
  pacer?: EventLoopPacer;
}

/** Why {@link train} stopped. */
export type TrainStopReason = 'max-steps' | 'patience' | 'stop-when';

export interface TrainResult {
  /** The best θ: the best-scoring check's with a validation, else the last iterate (a copy). */
  best: Float64Array;
  /** Steps taken when `best` was reached (0: the start). */
  bestStep: number;
  /** Validation score of `best`; null without a validation. */
  bestScore: number | null;
  /** Training loss of the last step evaluated (NaN if none). */
  lastLoss: number;
  /** Optimizer steps taken. */
  steps: number;
  reason: TrainStopReason;
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] - x[i] !== 0) return false; // NaN or ±Infinity
  return true;
}

/**
 * Runs the loop; see the module comment.
 * @example
 *   const r = await train({ lossAndGrad: (x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) ** 2; },
 *     theta: Float64Array.of(0), optimizer: new Adam(1, { lr: 0.1 }), steps: 500 });
 */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const { lossAndGrad, theta, optimizer, steps, validation, signal } = opts;
  const name = opts.name ?? 'train';
  if (!(Number.isInteger(steps) && steps >= 0)) throw new ConfigError(`must be an integer ≥ 0; got ${steps}`, 'steps');
  if (validation && !(Number.isInteger(validation.every) && validation.every >= 1)) {
    throw new ConfigError(`must be a positive integer; got ${validation.every}`, 'validation.every');
  }
  const every = validation?.every ?? opts.progressEvery ?? 100;
  if (!(Number.isInteger(every) && every >= 1)) throw new ConfigError(`must be a positive integer; got ${every}`, 'progressEvery');
  const patience = validation?.patience ?? Infinity;
  const pacer = opts.pacer ?? new EventLoopPacer();
  const n = theta.length;
  const grad = new Float64Array(n);
  // θ before the last update: the last θ whose loss was finite when the next one is not.
  const prev = Float64Array.from(theta);
  const best = Float64Array.from(theta);
  let bestScore = Infinity;
  let bestStep = 0;
  let bad = 0;
  let step = 0;
  let lastLoss = NaN;
  let reason: TrainStopReason = 'max-steps';

  while (step < steps) {
    throwIfAborted(signal);
    const loss = lossAndGrad(theta, grad);
    if (loss - loss !== 0) throw new DivergenceError(`${name}: training loss became ${loss} at step ${step}`, Float64Array.from(prev), step);
    if (opts.stopWhen?.(loss, step)) {
      lastLoss = loss;
      reason = 'stop-when';
      break;
    }
    // A finite loss with a non-finite gradient: θ itself is still good.
    if (!allFinite(grad)) throw new DivergenceError(`${name}: non-finite gradient at step ${step}`, Float64Array.from(theta), step);
    prev.set(theta);
    optimizer.step(theta, grad);
    step++;
    lastLoss = loss;
    if (step % every === 0 || step === steps) {
      let score: number | undefined;
      if (validation) {
        score = validation.score(theta);
        if (score - score !== 0) throw new DivergenceError(`${name}: validation score became ${score} at step ${step}`, Float64Array.from(prev), step);
        if (score < bestScore) {
          bestScore = score;
          bestStep = step;
          best.set(theta);
          bad = 0;
        } else if (++bad >= patience) {
          reason = 'patience';
        }
      }
      opts.onProgress?.({ step, steps, fraction: step / steps, loss, score });
      if (reason === 'patience') break;
    }
    await pacer.tick();
  }
  if (!validation) {
    best.set(theta);
    bestStep = step;
  }
  return { best, bestStep, bestScore: validation ? bestScore : null, lastLoss, steps: step, reason };
}
