/** The NVAR's configuration: its fields, defaults, checks, the saved-form schema, and its feature count. */
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/** Most readout features: beyond it a configuration (or a damaged saved one) would not fit in memory. */
export const MAX_FEATURES = 5000;

export interface NvarConfig {
  /** Time-delayed copies k of the state in the linear part (the current sample and k − 1 earlier ones). Default 2 (Gauthier et al. 2021). */
  delays: number;
  /** Samples between delayed copies s. Default 1. Example: 5 for a finely sampled series. */
  spacing: number;
  /** Highest polynomial degree of the monomials of the linear part. Default 2 (quadratic, Gauthier et al.); 1 is a linear VAR. */
  order: number;
  /** Ridge weight λ of the readout, on unscaled sums over the training samples. Default 2.5e-6 (Gauthier et al. on Lorenz-63). */
  ridge: number;
  /** Predict the increment u_{k+1} − u_k (true, as Gauthier et al. do for Lorenz) or u_{k+1} itself. Default true. */
  increment: boolean;
}

export const NVAR_DEFAULTS: NvarConfig = { delays: 2, spacing: 1, order: 2, ridge: 2.5e-6, increment: true };

/** Number of monomials of degree exactly d in m variables: C(m + d − 1, d). */
function monomials(m: number, d: number): number {
  let r = 1;
  for (let i = 1; i <= d; i++) r = (r * (m + i - 1)) / i;
  return Math.round(r);
}

/** Features of an NVAR on C channels: 1 + Σ_{d=1..order} C(kC + d − 1, d). */
export function nvarFeatureCount(c: Pick<NvarConfig, 'delays' | 'order'>, C: number): number {
  let p = 1;
  for (let d = 1; d <= c.order; d++) p += monomials(c.delays * C, d);
  return p;
}

/** A ConfigError naming the first option that cannot work; `channels` also bounds the feature count. */
export function checkNvarConfig(c: NvarConfig, channels = 1): void {
  if (!Number.isInteger(c.delays) || c.delays < 1 || c.delays > 1000) throw new ConfigError(`must be an integer in [1, 1000]; got ${c.delays}`, 'delays');
  if (!Number.isInteger(c.spacing) || c.spacing < 1 || c.spacing > 1e5) throw new ConfigError(`must be an integer in [1, 100000]; got ${c.spacing}`, 'spacing');
  if (!Number.isInteger(c.order) || c.order < 1 || c.order > 4) throw new ConfigError(`must be an integer in [1, 4]; got ${c.order}`, 'order');
  if (!(c.ridge >= 0 && c.ridge <= 1e100)) throw new ConfigError(`must be a number ≥ 0; got ${c.ridge}`, 'ridge');
  if (typeof c.increment !== 'boolean') throw new ConfigError(`must be true or false; got ${String(c.increment)}`, 'increment');
  const p = nvarFeatureCount(c, channels);
  if (p > MAX_FEATURES) throw new ConfigError(`${c.delays} delays of ${channels} channel(s) to degree ${c.order} make ${p} features; at most ${MAX_FEATURES} (fewer delays or a lower order)`, 'order');
}

/** The saved form's `config`: types here, ranges by {@link checkNvarConfig}. */
export const nvarConfigSchema = z.strictObject({
  delays: z.number().int(),
  spacing: z.number().int(),
  order: z.number().int(),
  ridge: z.number(),
  increment: z.boolean(),
});
