/**
 * The step `demo` and `fit` share: fit every job in worker threads, reload each saved model,
 * score it in and beyond the window, and collect the results.json entries.
 */
import { ConfigError } from '../core/errors.js';
import { sliceSeries, type Series } from '../data/series.js';
import { evaluate, type Split } from '../eval/evaluate.js';
import type { ModelSummary, SavedModel } from '../models/base.js';
import { getFamily } from '../models/index.js';
import type { ModelResult } from '../report/results.js';
import { fitAll, type FitJob } from './fit-pool.js';
import type { MultiProgress } from './progress.js';

export interface Scored {
  models: ModelResult[];
  /** Prediction of each scored model on the truth's clock (native in-window, then the forecast). */
  predictions: Float64Array[][];
  /** Saved form of each scored model, in `models` order. */
  saved: SavedModel[];
  /** Fits that failed, with the reason (absent from `models`). */
  failures: Failure[];
}

/** A fit that failed; one that diverged keeps its last good state as a saved model. */
export interface Failure {
  name: string;
  error: string;
  lastGood?: SavedModel;
}

export interface ScoreOptions {
  jobs: FitJob[];
  observed: Series;
  truth: Series;
  split: Split;
  /** Adds entries to a model's `describe` (e.g. recovered vs true modes). */
  annotate?: (summary: ModelSummary) => ModelSummary;
  /** Worker threads. Default: the number of cores. */
  concurrency?: number;
  progress?: MultiProgress;
  signal?: AbortSignal;
}

/** The training part of `observed` for a split. */
export function trainingPart(observed: Series, split: Split): Series {
  return sliceSeries(observed, split.trainFrom, split.trainUntil);
}

/** Longest fits first, so every core stays busy to the end (the LSTM trains longest). */
function schedule(jobs: FitJob[]): FitJob[] {
  const cost = (j: FitJob) => (j.spec.family === 'lstm' ? 0 : j.spec.family === 'persistence' ? 2 : 1);
  return jobs.map((j, i) => ({ j, i })).sort((a, b) => cost(a.j) - cost(b.j) || a.i - b.i).map((x) => x.j);
}

export async function fitAndScore(opts: ScoreOptions): Promise<Scored> {
  const bars = new Map(opts.jobs.map((j) => [j.name, opts.progress?.bar(j.name)]));
  const outcomes = await fitAll(schedule(opts.jobs), {
    concurrency: opts.concurrency,
    signal: opts.signal,
    onProgress: (job, p) => bars.get(job.name)?.update(p.fraction, p.stage),
    onDone: (job, o) => bars.get(job.name)?.update(1, o.ok ? `${o.fitSeconds.toFixed(1)} s` : 'failed'),
  });
  opts.progress?.stop();
  const byName = new Map(outcomes.map((o) => [o.name, o]));
  const scored: Scored = { models: [], predictions: [], saved: [], failures: [] };
  for (const job of opts.jobs) {
    const o = byName.get(job.name)!;
    if (!o.ok) {
      scored.failures.push({ name: o.name, error: `${o.errorName}: ${o.error}`, lastGood: o.lastGood });
      continue;
    }
    const fitted = getFamily(o.saved.family).load(o.saved);
    const ev = evaluate(fitted, { observed: opts.observed, truth: opts.truth, split: opts.split });
    const summary = fitted.describe();
    scored.models.push({
      name: o.name,
      family: fitted.family,
      parameters: fitted.nParams,
      metrics: { ...ev.metrics, fitSeconds: o.fitSeconds },
      describe: (opts.annotate ? opts.annotate(summary) : summary) as ModelResult['describe'],
    });
    scored.predictions.push(ev.prediction);
    scored.saved.push(o.saved);
  }
  return scored;
}

/**
 * A family's defaults with the user's overrides (from `--config`), refusing what cannot be
 * meant: a family the config names but the run does not fit, or an option the family does
 * not have (a typo would otherwise be silently ignored).
 */
export function familyConfig(family: string, configs: Record<string, Record<string, unknown>> | undefined, fitted: string[]): Record<string, unknown> {
  for (const name of Object.keys(configs ?? {})) {
    if (!fitted.includes(name)) throw new ConfigError(`has options for "${name}", which this run does not fit (fitting ${fitted.join(', ')})`, '--config');
  }
  const defaults = getFamily(family).defaults as Record<string, unknown>;
  const overrides = configs?.[family] ?? {};
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new ConfigError(`"${family}" must map to an object of options`, '--config');
  }
  for (const key of Object.keys(overrides)) {
    if (!(key in defaults)) throw new ConfigError(`${family} has no option "${key}"; it has ${Object.keys(defaults).join(', ')}`, '--config');
  }
  const config = { ...defaults, ...overrides };
  try {
    getFamily(family).check?.(config); // a bad value is refused before any data is read or fit started
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${family}.${err.message}`, '--config');
    throw err;
  }
  return config;
}
