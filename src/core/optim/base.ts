/**
 * What every first-order optimizer in lawful is: an object that updates a flat parameter
 * vector in place from its gradient (docs/architecture.md: parameters live in one `Float64Array`).
 * The training loop owns the iteration; the optimizer owns only its state (moments, counters).
 * L-BFGS is different in kind (it drives the objective itself) and is a function instead.
 */

/** A first-order optimizer over a flat parameter vector. */
export interface Optimizer {
  /** Number of steps taken since construction or the last `reset()`. */
  readonly iteration: number;
  /** Updates `theta` in place from `grad` = ∇loss(theta). `grad` is not modified. */
  step(theta: Float64Array, grad: Float64Array): void;
  /** Forgets all state (moments, step count), as if newly constructed. */
  reset(): void;
}

/**
 * An objective with its gradient, evaluated together (they share most of the work in
 * lawful: a forward solve and its adjoint): returns f(x) and writes ∇f(x) into `g`.
 * It must not keep or modify `x`.
 */
export type ObjectiveWithGradient = (x: Float64Array, g: Float64Array) => number;
