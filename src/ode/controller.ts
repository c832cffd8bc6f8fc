/**
 * Step-size control for adaptive solvers: the PI controller of Gustafsson (1991) in the
 * form of Hairer & Wanner II, IV.2 (eq. 2.43c) and Hairer, Nørsett & Wanner I, II.4, with
 * the scaled RMS error norm and Hairer's initial-step heuristic.
 *
 * A controller is an object passed to `solve` (`controller`); the stepping loop asks it for
 * the next step after every trial step and accepts the step when the scaled error ≤ 1.
 */

export interface StepSizeController {
  /** Called once per solve, with the order of the solver's error estimate (q in h^(q+1)). */
  reset(errorOrder: number): void;
  /**
   * The next step size after a trial step of size `h` whose scaled error norm is `err`
   * (accepted when err ≤ 1). A non-finite `err` must shrink the step.
   */
  next(err: number, h: number, accepted: boolean): number;
}

export interface PIControllerOptions {
  /** Safety factor on the optimal step. Default 0.9. */
  safety?: number;
  /** Smallest factor h_new / h. Default 0.2. */
  factorMin?: number;
  /** Largest factor h_new / h. Default 10. */
  factorMax?: number;
  /** Integral gain β₁ times (q+1). Default 0.7 (Hairer & Wanner: β₁ = 0.7/(q+1)). */
  integral?: number;
  /** Proportional gain β₂ times (q+1). Default 0.4 (β₂ = 0.4/(q+1)). Set 0 for the classical I controller. */
  proportional?: number;
  /** Largest step allowed (unit of t). Default Infinity. */
  hMax?: number;
}

/**
 * h_new = h · safety · err_n^(−β₁) · err_{n−1}^(β₂), clamped to [factorMin, factorMax];
 * after a rejection the step only shrinks and the proportional memory is not updated.
 */
export class PIController implements StepSizeController {
  private readonly safety: number;
  private readonly factorMin: number;
  private readonly factorMax: number;
  private readonly integral: number;
  private readonly proportional: number;
  private readonly hMax: number;
  private beta1 = 0;
  private beta2 = 0;
  private errPrev = 1;
  private rejectedLast = false;

  constructor(opts: PIControllerOptions = {}) {
    this.safety = opts.safety ?? 0.9;
    this.factorMin = opts.factorMin ?? 0.2;
    this.factorMax = opts.factorMax ?? 10;
    this.integral = opts.integral ?? 0.7;
    this.proportional = opts.proportional ?? 0.4;
    this.hMax = opts.hMax ?? Infinity;
  }

  reset(errorOrder: number): void {
    const k = errorOrder + 1;
    this.beta1 = this.integral / k;
    this.beta2 = this.proportional / k;
    this.errPrev = 1;
    this.rejectedLast = false;
  }

  next(err: number, h: number, accepted: boolean): number {
    if (!Number.isFinite(err)) {
      this.rejectedLast = true;
      return h * this.factorMin;
    }
    const e = Math.max(err, 1e-10);
    let factor = this.safety * Math.pow(e, -this.beta1);
    if (accepted) {
      factor *= Math.pow(this.errPrev, this.beta2);
      // No growth right after a rejection (Hairer & Wanner, DOPRI5 `reject` flag).
      factor = Math.min(this.rejectedLast ? 1 : this.factorMax, Math.max(this.factorMin, factor));
      this.errPrev = e;
      this.rejectedLast = false;
    } else {
      factor = Math.min(1, Math.max(this.factorMin, factor));
      this.rejectedLast = true;
    }
    return Math.min(h * factor, this.hMax);
  }
}

/**
 * Scaled RMS norm of an error estimate (Hairer, Nørsett & Wanner I, eq. II.4.11):
 * sqrt(mean((err_i / (atol + rtol · max(|y0_i|, |y1_i|)))²)).
 */
export function scaledErrorNorm(err: Float64Array, y0: Float64Array, y1: Float64Array, rtol: number, atol: number): number {
  const n = err.length;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const sc = atol + rtol * Math.max(Math.abs(y0[i]), Math.abs(y1[i]));
    const r = err[i] / sc;
    acc += r * r;
  }
  return Math.sqrt(acc / Math.max(1, n));
}

/**
 * Hairer's initial step (Hairer, Nørsett & Wanner I, II.4, "Starting step size"):
 * h₀ = 0.01 ‖y₀‖/‖f₀‖, one explicit Euler step to estimate the second derivative, then
 * h = min(100 h₀, (0.01 / max(‖f₀‖, ‖f′‖))^(1/(p+1))). Uses `f1`, `y1`, `f0` as scratch.
 * @returns the step and writes f(t0, y0) into `f0`.
 */
export function initialStep(
  f: (t: number, y: Float64Array, dy: Float64Array) => void,
  t0: number,
  y0: Float64Array,
  order: number,
  rtol: number,
  atol: number,
  span: number,
  scratch: { f0: Float64Array; f1: Float64Array; y1: Float64Array },
): number {
  const { f0, f1, y1 } = scratch;
  const n = y0.length;
  const rms = (v: Float64Array): number => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const r = v[i] / (atol + rtol * Math.abs(y0[i]));
      acc += r * r;
    }
    return Math.sqrt(acc / Math.max(1, n));
  };
  f(t0, y0, f0);
  const d0 = rms(y0);
  const d1 = rms(f0);
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
  h0 = Math.min(h0, span);
  for (let i = 0; i < n; i++) y1[i] = y0[i] + h0 * f0[i];
  f(t0 + h0, y1, f1);
  for (let i = 0; i < n; i++) f1[i] = (f1[i] - f0[i]) / h0;
  const d2 = rms(f1);
  const m = Math.max(d1, d2);
  const h1 = m <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / m, 1 / (order + 1));
  const h = Math.min(100 * h0, h1, span);
  return Number.isFinite(h) && h > 0 ? h : Math.min(1e-6, span);
}

/**
 * Keeps the step at `dt`: runs an adaptive solver as a fixed-step one, ignoring its error
 * estimate (diffrax's `ConstantStepSize`). Pass as `controller` together with `dt`.
 */
export class ConstantStepSize implements StepSizeController {
  reset(): void {}
  next(_err: number, h: number): number {
    return h;
  }
}
