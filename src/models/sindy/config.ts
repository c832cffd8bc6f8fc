/**
 * The configuration of a SINDy model as plain JSON (configs, the CLI, saved models), its
 * defaults, and the schema that checks it: one schema for `check` and for `load`, so a
 * config that fits is a config that reloads.
 */
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import type { DifferentiationSpec } from './differentiation/index.js';
import { MAX_FD_ORDER } from './differentiation/index.js';
import type { LibrarySpec } from './library/index.js';
import type { OptimizerSpec } from './optimizer/index.js';
import { fieldName } from '../saved.js';

export interface SindyConfig {
  /**
   * Candidate functions Θ(x). Default `{ kind: 'polynomial', degree: 2 }` (with the constant).
   * Example: `{ kind: 'concat', parts: [{ kind: 'polynomial', degree: 1 }, { kind: 'fourier', frequencies: 2 }] }`.
   * Custom terms are expressions of the equation language over the channels' identifiers
   * (docs/equations.md): `{ kind: 'custom', terms: ['sin(theta)', 'x*y^2', 'exp(-x)/(1 + y^2)'] }`;
   * `tensor` multiplies two libraries term by term.
   */
  library: LibrarySpec;
  /**
   * How ẋ is estimated from the samples (ignored with `discrete`). Default
   * `{ method: 'finite-difference', order: 4 }`: exact for quartics, error O(dt⁴), so that
   * data sampled at dt = 0.01 (what `lawful simulate` writes) still gives coefficients to
   * 0.1%. Example: `{ method: 'savitzky-golay', window: 15, degree: 3 }` for noisy data.
   */
  differentiation: DifferentiationSpec;
  /**
   * Sparse regression. Default `{ method: 'stlsq', threshold: 0.1, ridge: 0.05 }` (PySINDy's).
   * Example: `{ method: 'ensemble', models: 40, threshold: 0.1 }` for inclusion probabilities.
   */
  optimizer: OptimizerSpec;
  /** Fit a map x_{k+1} = Θ(x_k) Ξ instead of an ODE x' = Θ(x) Ξ. Default false. */
  discrete: boolean;
}

export const sindyDefaults: SindyConfig = {
  library: { kind: 'polynomial', degree: 2 },
  differentiation: { method: 'finite-difference', order: 4 },
  optimizer: { method: 'stlsq', threshold: 0.1, ridge: 0.05 },
  discrete: false,
};

const count = (max: number) => z.number().int().min(1).max(max);

export const librarySchema: z.ZodType<LibrarySpec> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('polynomial'), degree: count(12), bias: z.boolean().optional() }),
    z.strictObject({ kind: z.literal('fourier'), frequencies: count(50) }),
    z.strictObject({ kind: z.literal('custom'), terms: z.array(z.string().min(1).max(200)).min(1).max(100) }),
    z.strictObject({ kind: z.literal('concat'), parts: z.array(librarySchema).min(1).max(8) }),
    z.strictObject({ kind: z.literal('tensor'), parts: z.array(librarySchema).length(2) }),
  ]),
);

const differentiationSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('finite-difference'), order: count(MAX_FD_ORDER).optional() }),
  z.strictObject({
    method: z.literal('savitzky-golay'),
    window: z.number().int().min(3).max(1001).refine((w) => w % 2 === 1, { message: 'must be odd' }).optional(),
    degree: count(20).optional(),
  }),
  z.strictObject({ method: z.literal('total-variation'), alpha: z.number().positive().optional(), iterations: count(1000).optional(), cgIterations: count(100000).optional() }),
]);

const stlsqFields = {
  threshold: z.number().min(0).optional(),
  ridge: z.number().min(0).optional(),
  maxIterations: count(1000).optional(),
};

const optimizerSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('stlsq'), ...stlsqFields }),
  z.strictObject({ method: z.literal('ensemble'), ...stlsqFields, models: z.number().int().min(2).max(1000).optional(), dropTerms: z.number().int().min(0).optional() }),
]);

export const sindyConfigSchema = z.strictObject({
  library: librarySchema,
  differentiation: differentiationSchema,
  optimizer: optimizerSchema,
  discrete: z.boolean(),
});

/** The defaults merged with `partial`, checked: a ConfigError naming the first bad option (e.g. `optimizer.threshold`). */
export function resolveConfig(partial: Partial<SindyConfig>): SindyConfig {
  const merged = { ...sindyDefaults, ...partial };
  const parsed = sindyConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const [first] = parsed.error.issues;
    throw new ConfigError(first.message.replace(/\s+/g, ' ').slice(0, 160), fieldName(first.path));
  }
  return parsed.data as SindyConfig;
}
