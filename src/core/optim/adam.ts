/**
 * Adam (Kingma & Ba 2015, Alg. 1) with bias-corrected moments, optional decoupled weight
 * decay (AdamW, Loshchilov & Hutter 2019) and optional global gradient-norm clipping.
 * Allocation-free per step: both moment vectors are allocated once at construction.
 */
import { ConfigError, DivergenceError } from '../errors.js';
import type { Optimizer } from './base.js';
import { toSchedule } from './schedules.js';
import type { Schedule } from './schedules.js';

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** Step size α, or a schedule of it over iterations. Default 1e-3. @example cosine(1e-2, 2000) */
  lr?: number | Schedule;
  /** Decay rate of the first-moment (mean) estimate, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay rate of the second-moment (uncentred variance) estimate, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to √v̂ so the step stays bounded where the gradient vanishes. Default 1e-8. */
  eps?: number;
  /**
   * Decoupled weight decay λ (AdamW): each step also does θ ← θ − lr·λ·θ, independent of
   * the gradient's scale. Default 0 (plain Adam).
   */
  weightDecay?: number;
  /**
   * If set, the gradient is rescaled so its Euclidean norm is at most `clipNorm` before the
   * moments see it (Pascanu et al. 2013). Default: no clipping.
   */
  clipNorm?: number;
}

/** Adam over a flat parameter vector of fixed length. */
export class Adam implements Optimizer {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly lr: Schedule;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly clipNorm: number;
  private t = 0;
  // β^t kept as running products so bias correction costs no pow() per step.
  private beta1t = 1;
  private beta2t = 1;

  constructor(
    readonly size: number,
    opts: AdamOptions = {},
  ) {
    this.lr = toSchedule(opts.lr ?? 1e-3);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.clipNorm = opts.clipNorm ?? Infinity;
    if (!(this.beta1 >= 0 && this.beta1 < 1)) throw new ConfigError(`must be in [0, 1); got ${this.beta1}`, 'beta1');
    if (!(this.beta2 >= 0 && this.beta2 < 1)) throw new ConfigError(`must be in [0, 1); got ${this.beta2}`, 'beta2');
    if (!(this.eps >= 0)) throw new ConfigError(`must be ≥ 0; got ${this.eps}`, 'eps');
    if (!(this.clipNorm > 0)) throw new ConfigError(`must be > 0; got ${this.clipNorm}`, 'clipNorm');
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** Steps taken so far. */
  get iteration(): number {
    return this.t;
  }

  /**
   * One Adam step on `theta` in place. A non-finite gradient entry throws a
   * `DivergenceError` before anything is written, carrying a copy of the untouched `theta`.
   */
  step(theta: Float64Array, grad: Float64Array): void {
    const n = this.size;
    if (theta.length !== n || grad.length !== n) {
      throw new ConfigError(`Adam was built for ${n} parameters; got theta ${theta.length}, grad ${grad.length}`, 'size');
    }
    let sumSq = 0;
    let finite = true;
    for (let i = 0; i < n; i++) {
      const gi = grad[i];
      if (gi - gi !== 0) finite = false; // NaN or ±Infinity
      sumSq += gi * gi;
    }
    if (!finite) throw new DivergenceError(`Adam: non-finite gradient at step ${this.t}`, Float64Array.from(theta), this.t);
    const norm = Math.sqrt(sumSq);
    const clip = norm > this.clipNorm ? this.clipNorm / norm : 1;

    const lr = this.lr(this.t);
    this.t += 1;
    const { beta1: b1, beta2: b2, eps, m, v } = this;
    this.beta1t *= b1;
    this.beta2t *= b2;
    const c1 = 1 / (1 - this.beta1t);
    const c2 = 1 / (1 - this.beta2t);
    const decay = 1 - lr * this.weightDecay;
    for (let i = 0; i < n; i++) {
      const gi = grad[i] * clip;
      const mi = (m[i] = b1 * m[i] + (1 - b1) * gi);
      const vi = (v[i] = b2 * v[i] + (1 - b2) * gi * gi);
      theta[i] = theta[i] * decay - (lr * mi * c1) / (Math.sqrt(vi * c2) + eps);
    }
  }

  reset(): void {
    this.m.fill(0);
    this.v.fill(0);
    this.t = 0;
    this.beta1t = 1;
    this.beta2t = 1;
  }
}
