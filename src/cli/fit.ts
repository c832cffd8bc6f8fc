/**
 * `lawful fit`: any registered families on a user's file, on one split, written as the demo
 * writes (table, figure, results.json, index.html) plus each saved model.
 */
import { ConfigError } from '../core/errors.js';
import { LAWFUL_VERSION } from '../core/version.js';
import type { Dataset, ReadOptions } from '../data/dataset.js';
import { readDataset } from '../data/read.js';
import { isUniform, resample } from '../data/resample.js';
import type { Series } from '../data/series.js';
import { splitSeries } from '../data/split.js';
import type { Split } from '../eval/evaluate.js';
import type { SavedModel } from '../models/base.js';
import type { Results } from '../report/results.js';
import { asFlags } from './args.js';
import { familyConfig, fitAndScore, trainingPart, type Scored } from './experiment.js';
import type { FitJob } from './fit-pool.js';
import type { MultiProgress } from './progress.js';

export interface FitCommandOptions {
  data: string;
  /** Families, as given with --model (repeatable); `family:name` is not needed, a family may appear once. */
  models: string[];
  /** Per-family config overrides. */
  configs?: Record<string, Record<string, unknown>>;
  trainUntil?: number;
  trainFraction?: number;
  read?: ReadOptions;
  /** Trajectory id to use when the file holds several (default: the first). */
  trajectory?: string;
  /** Resample onto this uniform step first (families that need a grid ask for it). */
  resample?: number;
  seed?: number;
  concurrency?: number;
  progress?: MultiProgress;
  signal?: AbortSignal;
}

export interface FitRun extends Scored {
  results: Results;
  series: Series;
  split: Split;
  dataset: Dataset;
}

/** Median spacing of t: the natural step to suggest for resampling. */
function medianStep(t: Float64Array): number {
  const d = Array.from({ length: t.length - 1 }, (_, i) => t[i + 1] - t[i]).sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)];
}

export async function runFit(opts: FitCommandOptions): Promise<FitRun> {
  if (opts.models.length === 0) throw new ConfigError('name at least one family, e.g. --model oscillator-bank', '--model');
  if (new Set(opts.models).size !== opts.models.length) throw new ConfigError(`a family is named twice: ${opts.models.join(', ')}`, '--model');
  // Every option is checked before the data is read.
  const configs = opts.models.map((family) => familyConfig(family, opts.configs, opts.models));
  const dataset = await asFlags({ channels: '--channels', time: '--time', fill: '--fill' }, () => readDataset(opts.data, opts.read));
  const traj = opts.trajectory === undefined ? dataset.trajectories[0] : dataset.trajectories.find((x) => x.id === opts.trajectory);
  if (!traj) {
    throw new ConfigError(`no trajectory "${opts.trajectory}" in ${opts.data} (has ${dataset.trajectories.map((x) => x.id).join(', ')})`, '--trajectory');
  }
  let series = traj.series;
  if (opts.resample !== undefined) series = await asFlags({ dt: '--resample' }, () => resample(series, opts.resample!));
  else if (!isUniform(series.t) && opts.models.some((m) => m !== 'persistence')) {
    throw new ConfigError(
      `${opts.data} is sampled irregularly (steps from ${Math.min(...diffs(series.t)).toPrecision(4)} to ${Math.max(...diffs(series.t)).toPrecision(4)}); ` +
        `these families need a uniform grid: pass --resample ${medianStep(series.t).toPrecision(4)} (the median step) to interpolate onto one`,
      '--resample',
    );
  }
  const { trainUntil } = await asFlags({ trainUntil: '--train-until', trainFraction: '--train-fraction' }, () =>
    splitSeries(series, { trainUntil: opts.trainUntil, trainFraction: opts.trainFraction ?? (opts.trainUntil === undefined ? 0.7 : undefined) }),
  );
  const split: Split = { trainFrom: series.t[0], trainUntil, until: series.t[series.t.length - 1] };
  const train = trainingPart(series, split);
  const seed = opts.seed ?? 0;
  const jobs: FitJob[] = opts.models.map((family, i) => ({
    name: family,
    spec: { family, config: configs[i] },
    train,
    seed,
  }));
  const scored = await fitAndScore({ jobs, observed: series, truth: series, split, concurrency: opts.concurrency, progress: opts.progress, signal: opts.signal });
  const withData = (m: SavedModel): SavedModel => ({ ...m, training: { from: split.trainFrom, until: split.trainUntil, channels: [...series.names], ...m.training, fingerprint: dataset.fingerprint } });
  const saved = scored.saved.map(withData);
  const failures = scored.failures.map((f) => (f.lastGood ? { ...f, lastGood: withData(f.lastGood) } : f));
  const results: Results = {
    schema: 1,
    lawful: LAWFUL_VERSION,
    command: 'fit',
    seed,
    config: {
      data: opts.data,
      models: opts.models,
      configs: opts.configs ?? {},
      trainUntil: opts.trainUntil,
      trainFraction: opts.trainFraction,
      read: opts.read ?? {},
      trajectory: traj.id,
      resample: opts.resample,
    },
    data: { source: opts.data, fingerprint: dataset.fingerprint, truth: 'observations' },
    split,
    models: scored.models,
  };
  return { ...scored, saved, failures, results, series, split, dataset };
}

function diffs(t: Float64Array): number[] {
  return Array.from({ length: t.length - 1 }, (_, i) => t[i + 1] - t[i]);
}
