/**
 * Learning-rate schedules: plain functions of the 0-based iteration (the number of steps
 * already taken), so an optimizer evaluates `schedule(iteration)` before each step.
 */

/** A learning rate as a function of the 0-based iteration. */
export type Schedule = (iteration: number) => number;

/** The same rate at every iteration. */
export const constant = (lr: number): Schedule => () => lr;

/** Options of {@link cosine}. */
export interface CosineOptions {
  /**
   * Iterations of linear warm-up before the cosine starts: the rate is lr·(i + 1)/warmup
   * for i < warmup, so the first step is not wasted at zero. Default 0.
   */
  warmup?: number;
  /** Rate reached at iteration `total` and kept afterwards. Default 0. */
  min?: number;
}

/**
 * Cosine annealing (Loshchilov & Hutter 2017, without restarts): from `lr` at the end of
 * the warm-up to `min` at iteration `total`,
 * rate(i) = min + (lr − min)·(1 + cos(π (i − warmup)/(total − warmup)))/2, and `min` after.
 * @example cosine(1e-2, 1000)(500) === 5e-3
 */
export function cosine(lr: number, total: number, opts: CosineOptions = {}): Schedule {
  const warmup = opts.warmup ?? 0;
  const min = opts.min ?? 0;
  const span = Math.max(total - warmup, 1);
  return (i) => {
    if (i < warmup) return (lr * (i + 1)) / warmup;
    if (i >= total) return min;
    return min + 0.5 * (lr - min) * (1 + Math.cos((Math.PI * (i - warmup)) / span));
  };
}

/** Exponential decay: rate(i) = lr · decay^i (decay in (0, 1], per iteration). */
export function exponential(lr: number, decay: number): Schedule {
  return (i) => lr * decay ** i;
}

/** A number is a constant schedule; a function is used as it is. */
export function toSchedule(lr: number | Schedule): Schedule {
  return typeof lr === 'number' ? constant(lr) : lr;
}
