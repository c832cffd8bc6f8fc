/**
 * results.json (docs/architecture.md): the one record every `demo` and `fit` writes, read by the run
 * store, the report and the web app. Types and a zod schema only, browser-safe, so every
 * reader validates with the same schema.
 *
 * Compatibility: the shape changes only by adding fields or bumping `schema`, so the
 * schema keeps fields it does not know (loose objects) instead of rejecting or dropping them.
 *
 * Non-finite metrics: JSON cannot hold NaN or ±Infinity (`JSON.stringify` writes `null`).
 * An error metric of a model that diverged is therefore `null` in the file; in memory,
 * before serialisation, it may still be NaN or Infinity. Readers show both as "diverged".
 */
import { z } from 'zod';
import { DataError } from '../core/errors.js';

/** An error metric: a finite number, or `null` when it was not finite (the model diverged). */
export type ErrorMetric = number | null;

/** How a family predicts inside its training window (models/base.ts `Fitted.inWindowMode`). */
export type InWindowMode = 'simulated' | 'one-step';

/** Per-model metrics (docs/architecture.md, "Evaluation"). Errors are on the data's scale; NRMSE is RMSE / std of the truth in the training window. */
export interface Metrics {
  /** RMSE inside the training window, in the family's native in-window mode (`inWindowMode`). */
  rmseIn: ErrorMetric;
  /** NRMSE inside the training window, native mode. */
  nrmseIn: ErrorMetric;
  /** `simulated`: free run from the fitted initial state; `one-step`: teacher-forced one step ahead. */
  inWindowMode: InWindowMode;
  /** Free-running NRMSE inside the training window, for every family (comparable across families). */
  nrmseInFreeRun: ErrorMetric;
  /** RMSE beyond the training window, (trainUntil, until]. */
  rmseOut: ErrorMetric;
  /** NRMSE beyond the training window. */
  nrmseOut: ErrorMetric;
  /**
   * First time after the window at which the running NRMSE exceeds the threshold (0.2 unless
   * set), as an absolute time on the data's clock; equals `split.until` when it never does.
   */
  validPredictionTime: number;
  /** Fit time in seconds: initialisation, restarts and training, not evaluation. */
  fitSeconds: number;
  /** Mean squared energy error, where the system defines an energy. */
  energyMse?: ErrorMetric;
  /** Largest relative drift of the energy over a rollout's horizon, averaged over the test rollouts (eval/energy.ts). */
  energyDrift?: ErrorMetric;
  /** Beyond the window, models whose forecast has quantiles: fraction of the truth inside the central 50/80/95% intervals, keyed "50", "80", "95". */
  coverage?: Record<string, ErrorMetric>;
  /** Mean continuous ranked probability score beyond the window, on the data's scale. */
  crps?: ErrorMetric;
  /** How `crps` was computed: Gaussian closed form or the quantile-score approximation. */
  crpsMethod?: 'gaussian-closed-form' | 'quantile-score';
  /** PIT histogram beyond the window: bin edges (the quantile levels, 0 and 1) and density per bin (1 when calibrated). */
  pit?: { edges: number[]; density: ErrorMetric[] };
  /** Reliability diagram: observed fraction of the truth at or below each quantile level. */
  reliability?: { level: number; observed: ErrorMetric }[];
  /** Valid prediction time the forecast's own spread predicts (absolute time), with an interval. */
  predictedVpt?: { time: number; interval: [number, number] };
  /** Whether the scored distribution included the model's observation noise (not when the truth is the clean signal). */
  noiseIncluded?: boolean;
  /** Where the scored intervals come from: the family's own, or backtests of its in-window errors (eval/backtest.ts). */
  intervals?: 'model' | 'backtest';
  /**
   * Perturbations of the context the forecast is conditioned on, within ε × each channel's
   * standard deviation (eval/adversarial.ts, docs/audit.md): per ε the worst beyond-window NRMSE
   * found, the mean of random sign perturbations, the worst's valid prediction time; the
   * smallest ε halving the valid prediction time; the largest deviation per unit ε.
   */
  adversarial?: {
    eps: number[];
    nrmseOut: ErrorMetric[];
    randomNrmseOut: ErrorMetric[];
    validPredictionTime: number[];
    epsHalvingVpt: number | null;
    amplification: ErrorMetric;
    conditioned: boolean;
    forecasts: number;
  };
  /** The same model fitted with several seeds (eval/seeds.ts): per metric every seed's value, the mean and a 95% interval of the mean. */
  overSeeds?: {
    seeds: number[];
    nrmseInFreeRun: SeedSpread;
    nrmseOut: SeedSpread;
    validPredictionTime: SeedSpread;
    fitSeconds: SeedSpread;
  };
}

/** A metric over seeds (`overSeeds`). */
export interface SeedSpread {
  values: ErrorMetric[];
  mean: ErrorMetric;
  interval: [ErrorMetric, ErrorMetric];
}

/** One fitted model in results.json. */
export interface ModelResult {
  /** Display name, e.g. "oscillator-bank K=4" (user-provided: escape it before putting it in HTML). */
  name: string;
  /** Model family as registered, e.g. "oscillator-bank". */
  family: string;
  /** Number of trained scalars. */
  parameters: number;
  metrics: Metrics;
  /** What the parameters mean (`Fitted.describe()`); `equations` where the family has them. */
  describe: { equations?: string[]; [key: string]: unknown };
}

/** The training split, on the data's clock: trained on [trainFrom, trainUntil], forecast (trainUntil, until]. */
export interface Split {
  trainFrom: number;
  trainUntil: number;
  until: number;
}

/** Where the data came from. */
export interface DataProvenance {
  /** "simulated:<system>" or a file path. */
  source: string;
  /** "sha256:" followed by 64 lowercase hex digits, of the data as read. */
  fingerprint: string;
  /** What the metrics compare against: the clean signal (simulated data) or the observations (a file). */
  truth: 'clean' | 'observations';
}

/** The whole of results.json. */
export interface Results {
  /** Version of this shape; bumped only on an incompatible change. */
  schema: 1;
  /** Version of lawful that wrote the file. */
  lawful: string;
  /** The command that wrote it, e.g. "demo" or "fit". */
  command: string;
  seed: number;
  /** Everything needed to rerun. */
  config: Record<string, unknown>;
  data: DataProvenance;
  split: Split;
  models: ModelResult[];
}

const errorMetric = z.number().nullable();

const seedSpread = z.looseObject({ values: z.array(errorMetric), mean: errorMetric, interval: z.tuple([errorMetric, errorMetric]) });

const metricsSchema = z.looseObject({
  rmseIn: errorMetric,
  nrmseIn: errorMetric,
  inWindowMode: z.enum(['simulated', 'one-step']),
  nrmseInFreeRun: errorMetric,
  rmseOut: errorMetric,
  nrmseOut: errorMetric,
  validPredictionTime: z.number(),
  fitSeconds: z.number().nonnegative(),
  energyMse: errorMetric.optional(),
  energyDrift: errorMetric.optional(),
  coverage: z.record(z.string(), errorMetric).optional(),
  crps: errorMetric.optional(),
  crpsMethod: z.enum(['gaussian-closed-form', 'quantile-score']).optional(),
  pit: z.looseObject({ edges: z.array(z.number()), density: z.array(errorMetric) }).optional(),
  reliability: z.array(z.looseObject({ level: z.number(), observed: errorMetric })).optional(),
  predictedVpt: z.looseObject({ time: z.number(), interval: z.tuple([z.number(), z.number()]) }).optional(),
  noiseIncluded: z.boolean().optional(),
  intervals: z.enum(['model', 'backtest']).optional(),
  adversarial: z
    .looseObject({
      eps: z.array(z.number()),
      nrmseOut: z.array(errorMetric),
      randomNrmseOut: z.array(errorMetric),
      validPredictionTime: z.array(z.number()),
      epsHalvingVpt: z.number().nullable(),
      amplification: errorMetric,
      conditioned: z.boolean(),
      forecasts: z.number().int().nonnegative(),
    })
    .optional(),
  overSeeds: z
    .looseObject({
      seeds: z.array(z.number().int()),
      nrmseInFreeRun: seedSpread,
      nrmseOut: seedSpread,
      validPredictionTime: seedSpread,
      fitSeconds: seedSpread,
    })
    .optional(),
});

const modelSchema = z.looseObject({
  name: z.string().min(1),
  family: z.string().min(1),
  parameters: z.number().int().nonnegative(),
  metrics: metricsSchema,
  describe: z.looseObject({ equations: z.array(z.string()).optional() }),
});

const splitSchema = z
  .looseObject({ trainFrom: z.number(), trainUntil: z.number(), until: z.number() })
  .refine((s) => s.trainFrom < s.trainUntil && s.trainUntil <= s.until, {
    message: 'needs trainFrom < trainUntil <= until',
  });

const resultsSchema = z.looseObject({
  schema: z.literal(1),
  lawful: z.string().min(1),
  command: z.string().min(1),
  seed: z.number().int(),
  config: z.record(z.string(), z.unknown()),
  data: z.looseObject({
    source: z.string().min(1),
    fingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" and 64 lowercase hex digits'),
    truth: z.enum(['clean', 'observations']),
  }),
  split: splitSchema,
  models: z.array(modelSchema),
});

/**
 * The zod schema of results.json. Its output type is checked against `Results` at compile
 * time (the annotation fails to type-check if the two drift apart).
 */
export const ResultsSchema: z.ZodType<Results> = resultsSchema;

/** `models[0].metrics.nrmseOut` from a zod issue path. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/**
 * Validates parsed JSON as results.json. Throws a `DataError` whose message names the
 * source and every offending field, e.g.
 * `results.json: models[0].metrics.nrmseOut: Invalid input: expected number, received undefined`.
 *
 * @param source what to call the input in messages; default "results.json".
 */
export function parseResults(value: unknown, source = 'results.json'): Results {
  const parsed = ResultsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new DataError(problems.join('; '), { file: source });
}

/**
 * The text of results.json for `results`: pretty-printed, non-finite metrics written as
 * `null`, and validated against the schema so nothing invalid is ever written.
 */
export function serializeResults(results: Results): string {
  const text = JSON.stringify(results, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
  parseResults(JSON.parse(text), 'results to write');
  return `${text}\n`;
}
