/**
 * `lawful fit` as a library call: families of the registry fitted to one series on one split,
 * scored, and assembled into results.json. Browser-safe: the caller reads the file (or
 * receives the series) and passes a `Fitter`; this does the rest.
 */
import { ConfigError } from '../core/errors.js';
import { compileFunctions, EquationError, type CompiledFunctions } from '../equations/index.js';
import type { Invariant } from '../systems/base.js';
import { isUniform, resample } from '../data/resample.js';
import { sliceSeries, type Series } from '../data/series.js';
import { splitSeries } from '../data/split.js';
import type { SavedModel } from '../models/base.js';
import { defaultEnsemble } from '../models/ensemble.js';
import { getFamily } from '../models/index.js';
import type { Split } from './evaluate.js';
import { checkFitData, runExperiment, type ExperimentOptions, type ExperimentResult, type FitJob } from './experiment.js';
import { familyConfigs, type FamilyConfigs } from './family-config.js';
import { experimentRecord, type ExperimentRecord } from './record.js';

export interface FitExperimentOptions extends Pick<ExperimentOptions, 'fitter' | 'signal' | 'onProgress' | 'onDone' | 'vptThreshold'> {
  /** The data as read, one trajectory. */
  series: Series;
  /** Where it came from (a file path), and the sha256 fingerprint of what was read. */
  source: string;
  fingerprint: string;
  /** Families to fit, each once, e.g. ["oscillator-bank", "fourier"]. */
  models: string[];
  /** Per-family overrides of the defaults, e.g. `{ fourier: { terms: 6 } }`. */
  configs?: FamilyConfigs;
  /** End of the training window, on the data's clock. Give this or `trainFraction`. */
  trainUntil?: number;
  /** The training window as a fraction of the time span. Default 0.7 when `trainUntil` is not given. */
  trainFraction?: number;
  /** Interpolate onto a uniform grid of this step first (data units of time). Default: none. */
  resample?: number;
  /** Seed of every fit. Default 0. */
  seed?: number;
  /** Members of a deep ensemble over seeds for the families trained from random weights (models/ensemble.ts). Default: `defaultEnsemble` per family. */
  ensemble?: number;
  /**
   * A quantity the system conserves, as an expression of the channels in the equation
   * language, optionally named: "E = p^2/2 + 1 - cos(q)". The report then draws the phase
   * portrait and the invariant over time, truth against each model.
   */
  invariant?: string;
  /** Further fields recorded in results.json `config` (how the file was read, …). */
  recordConfig?: Record<string, unknown>;
}

export interface FitExperimentRun extends ExperimentResult {
  results: ExperimentRecord;
  /** The series the models were fitted to and scored against (resampled if asked). */
  series: Series;
  /** `invariant` compiled, where one was given. */
  invariant?: Invariant;
  split: Split;
}

/** Median spacing of t: the natural step to suggest for resampling. */
function medianStep(t: Float64Array): number {
  const d = steps(t).sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)];
}

function steps(t: Float64Array): number[] {
  return Array.from({ length: t.length - 1 }, (_, i) => t[i + 1] - t[i]);
}

/**
 * Refuses irregular sampling when a family declares it needs a uniform grid
 * (`capabilities.uniformGrid`, default true), suggesting the median step for `--resample`.
 */
export function checkGrid(series: Series, models: readonly string[], source: string): void {
  const needGrid = models.filter((m) => getFamily(m).capabilities?.uniformGrid !== false);
  if (needGrid.length === 0 || isUniform(series.t)) return;
  const d = steps(series.t);
  throw new ConfigError(
    `${source} is sampled irregularly (steps from ${Math.min(...d).toPrecision(4)} to ${Math.max(...d).toPrecision(4)}); ` +
      `${needGrid.join(', ')} need${needGrid.length > 1 ? '' : 's'} a uniform grid: pass --resample ${medianStep(series.t).toPrecision(4)} (the median step) to interpolate onto one`,
    '--resample',
  );
}

/** The split of `series` the options ask for (default: train on the first 70% of the time span). */
export function fitSplit(series: Series, opts: Pick<FitExperimentOptions, 'trainUntil' | 'trainFraction'>): Split {
  const { trainUntil } = splitSeries(series, {
    trainUntil: opts.trainUntil,
    trainFraction: opts.trainFraction ?? (opts.trainUntil === undefined ? 0.7 : undefined),
  });
  return { trainFrom: series.t[0], trainUntil, until: series.t[series.t.length - 1] };
}

/** Fits, scores and assembles results.json; writes nothing. */
export async function fitExperiment(opts: FitExperimentOptions): Promise<FitExperimentRun> {
  const configs = familyConfigs(opts.models, opts.configs);
  const invariant = opts.invariant === undefined ? undefined : invariantOf(opts.invariant, opts.series.names);
  let series = opts.series;
  if (opts.resample !== undefined) series = resample(series, opts.resample);
  else checkGrid(series, opts.models, opts.source);
  checkFitData(series, opts.source);
  const split = fitSplit(series, opts);
  const train = sliceSeries(series, split.trainFrom, split.trainUntil);
  const seed = opts.seed ?? 0;
  const jobs: FitJob[] = opts.models.map((family, i) => ({ name: family, spec: { family, config: configs[i] }, train, seed, ensemble: opts.ensemble ?? defaultEnsemble(getFamily(family)) }));
  const scored = await runExperiment({ ...opts, jobs, observed: series, truth: series, split });
  // Each saved model records what it was trained on, so `lawful forecast` can check the data it is given.
  const withData = (m: SavedModel): SavedModel => ({
    ...m,
    training: { from: split.trainFrom, until: split.trainUntil, channels: [...series.names], ...m.training, fingerprint: opts.fingerprint },
  });
  const results = experimentRecord(
    {
      command: 'fit',
      seed,
      config: {
        data: opts.source,
        models: opts.models,
        configs: opts.configs ?? {},
        trainUntil: opts.trainUntil,
        trainFraction: opts.trainFraction,
        resample: opts.resample,
        ensemble: opts.ensemble,
        invariant: opts.invariant,
        ...opts.recordConfig,
      },
      data: { source: opts.source, fingerprint: opts.fingerprint, truth: 'observations' },
      split,
    },
    scored,
  );
  return {
    ...scored,
    saved: scored.saved.map(withData),
    failures: scored.failures.map((f) => (f.lastGood ? { ...f, lastGood: withData(f.lastGood) } : f)),
    results,
    series,
    split,
    ...(invariant ? { invariant } : {}),
  };
}

/**
 * An invariant written as an expression of the channels ("E = p^2 + q^2", or without a
 * name: "p^2 + q^2"), compiled by the equation language from its checked tree. A mistake is
 * a ConfigError naming `invariant` and the column.
 */
export function invariantOf(text: string, channels: readonly string[]): Invariant {
  const named = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)([\s\S]*)$/.exec(text);
  const [name, expr] = named ? [named[1], named[2]] : ['invariant', text];
  // Columns in messages count from the start of the whole text the user typed.
  const offset = text.length - expr.trimStart().length;
  let f: CompiledFunctions;
  try {
    f = compileFunctions([expr.trim()], channels);
  } catch (e) {
    if (e instanceof EquationError) throw new ConfigError(e.message.replace(/ at 1:(\d+)/, (_, c: string) => ` at column ${Number(c) + offset}`), 'invariant');
    throw e;
  }
  const out = new Float64Array(1);
  return {
    name,
    value(y: Float64Array): number {
      f.value(y, out);
      return out[0];
    },
  };
}
