/** The echo-state network's configuration: its fields, defaults, checks and saved-form schema. */
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/** Most reservoir units: beyond it a saved `size` is damage (the readout's normal equations alone would need gigabytes). */
export const MAX_SIZE = 5000;

export interface EsnConfig {
  /** Reservoir units N. Default 500 (Pathak et al. 2018 used 300 at Δt = 0.02 on Lorenz-63). Example: 1000. */
  size: number;
  /** Nonzero recurrent weights per unit (mean degree of W). Default 3 (Pathak et al.: d = 3). */
  degree: number;
  /** Largest |eigenvalue| of W after scaling. Default 1.2 (Pathak et al. 2018; Lorenz forecasts prefer 0.9–1.2). */
  spectralRadius: number;
  /** Leak rate a in (0, 1]: r ← (1 − a) r + a tanh(…). Default 1 (no leak). */
  leak: number;
  /**
   * Input weights uniform in [−σ, σ] on the standardised channels. Default 0.3. Pathak et
   * al.'s σ = 0.1 (on raw Lorenz states, about 8× larger than standardised ones) passed the
   * Lorenz gate (test/models/esn.test.ts) for 4 of seeds 0–4 here; 0.3 for all 5 (7.0–8.6
   * Lyapunov times), and for all 5 again on a trajectory from x0 = (−3, 2, 20) (5.9–10.4).
   */
  inputScaling: number;
  /**
   * Biases uniform in [−b, b]. Default 0.5. Without a bias the reservoir is odd (u → −u
   * gives r → −r), a symmetry Lorenz's full state does not have (z keeps its sign), and the
   * gate fails for every seed 0–4 (VPT ≤ 1.7 Lyapunov times); Herteux & Räth 2020.
   */
  bias: number;
  /** Ridge weight λ of the readout, on unscaled sums over the training samples. Default 1e-6. */
  ridge: number;
  /** Teacher-forced samples run through the reservoir before the readout sees it (its transient is discarded); also the forecast's warm-up from the context. Default 100. */
  warmup: number;
  /**
   * Pathak et al.'s squared-state trick: the readout sees r_i² in place of r_i for every
   * even unit i, so a linear readout can express the even functions of the state that
   * Lorenz's symmetry needs (z is even in (x, y)). Default true.
   */
  squaredStates: boolean;
}

export const ESN_DEFAULTS: EsnConfig = {
  size: 500, degree: 3, spectralRadius: 1.2, leak: 1, inputScaling: 0.3, bias: 0.5, ridge: 1e-6, warmup: 100, squaredStates: true,
};

/** A ConfigError naming the first option that cannot work. */
export function checkEsnConfig(c: EsnConfig): void {
  if (!Number.isInteger(c.size) || c.size < 1 || c.size > MAX_SIZE) throw new ConfigError(`must be an integer in [1, ${MAX_SIZE}]; got ${c.size}`, 'size');
  if (!Number.isInteger(c.degree) || c.degree < 1 || c.degree > c.size) throw new ConfigError(`must be an integer in [1, size = ${c.size}]; got ${c.degree}`, 'degree');
  if (!(c.spectralRadius >= 0 && c.spectralRadius <= 10)) throw new ConfigError(`must be in [0, 10]; got ${c.spectralRadius}`, 'spectralRadius');
  if (!(c.leak > 0 && c.leak <= 1)) throw new ConfigError(`must be in (0, 1]; got ${c.leak}`, 'leak');
  if (!(c.inputScaling >= 0 && c.inputScaling <= 1e3)) throw new ConfigError(`must be in [0, 1000]; got ${c.inputScaling}`, 'inputScaling');
  if (!(c.bias >= 0 && c.bias <= 1e3)) throw new ConfigError(`must be in [0, 1000]; got ${c.bias}`, 'bias');
  if (!(c.ridge >= 0 && c.ridge <= 1e100)) throw new ConfigError(`must be a number ≥ 0; got ${c.ridge}`, 'ridge');
  if (!Number.isInteger(c.warmup) || c.warmup < 0 || c.warmup > 1e7) throw new ConfigError(`must be an integer ≥ 0; got ${c.warmup}`, 'warmup');
  if (typeof c.squaredStates !== 'boolean') throw new ConfigError(`must be true or false; got ${String(c.squaredStates)}`, 'squaredStates');
}

/** The saved form's `config`: types here, ranges by {@link checkEsnConfig}. */
export const esnConfigSchema = z.strictObject({
  size: z.number().int(),
  degree: z.number().int(),
  spectralRadius: z.number(),
  leak: z.number(),
  inputScaling: z.number(),
  bias: z.number(),
  ridge: z.number(),
  warmup: z.number().int(),
  squaredStates: z.boolean(),
});
