/**
 * One model fitted with several seeds, reported as one entry: the jobs of an experiment
 * repeated per seed (`jobsOverSeeds`), then folded back (`foldSeeds`) into the first seed's
 * entry — its figure curve, saved model and full metrics — with `metrics.overSeeds` holding
 * every seed's headline errors, their mean and a 95% Student-t interval of the mean. A
 * single seed's luck is how a black box gets praised or dismissed unfairly; the spread says
 * which differences between models are real. Browser-safe.
 */
import type { ExperimentResult, FitJob, ScoredModel } from './experiment.js';

/** A metric over seeds: every seed's value (in seed order), their mean and a 95% interval of the mean. */
export interface Spread {
  values: number[];
  mean: number;
  /** Mean ∓ t₀.₉₇₅,ₙ₋₁ · s/√n; the mean itself for one seed; NaN bounds when a value is not finite. */
  interval: [number, number];
}

/** `metrics.overSeeds`: the seeds and the spread of the headline metrics over them. */
export interface SeedSummary {
  seeds: number[];
  nrmseInFreeRun: Spread;
  nrmseOut: Spread;
  validPredictionTime: Spread;
  fitSeconds: Spread;
}

/** Two-sided 95% quantiles of Student's t for 1 … 30 degrees of freedom; beyond, the normal's 1.96 is within 2%. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Mean and 95% t-interval of the mean of `values`. */
export function spread(values: number[]): Spread {
  const n = values.length;
  const mean = values.reduce((a, v) => a + v, 0) / n;
  if (n < 2) return { values, mean, interval: [mean, mean] };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = (T975[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
  return { values, mean, interval: [mean - half, mean + half] };
}

/** The name of `name`'s fit with the k-th seed (k ≥ 1); the first keeps the name itself. */
export function seedName(name: string, k: number): string {
  return k === 0 ? name : `${name} (seed +${k})`;
}

/** Each job repeated with seeds seed, seed + 1, …, seed + n − 1, named by `seedName`. */
export function jobsOverSeeds(jobs: readonly FitJob[], n: number): FitJob[] {
  return jobs.flatMap((job) => Array.from({ length: n }, (_, k) => ({ ...job, name: seedName(job.name, k), seed: job.seed + k })));
}

/**
 * Folds the per-seed entries of `jobsOverSeeds(jobs, n)` back into one entry per job, in job
 * order: the first seed's, with `metrics.overSeeds` over the seeds whose fits succeeded.
 * A job whose first seed failed is left out (its failure is in `failures`).
 */
export function foldSeeds<R extends ExperimentResult>(result: R, jobs: readonly FitJob[], n: number): R {
  const index = new Map(result.models.map((m, i) => [m.name, i]));
  const keep: number[] = [];
  const models: ScoredModel[] = [];
  for (const job of jobs) {
    const first = index.get(job.name);
    if (first === undefined) continue;
    const runs = Array.from({ length: n }, (_, k) => ({ seed: job.seed + k, i: index.get(seedName(job.name, k)) })).filter((r): r is { seed: number; i: number } => r.i !== undefined);
    const metric = (key: 'nrmseInFreeRun' | 'nrmseOut' | 'validPredictionTime' | 'fitSeconds') => spread(runs.map((r) => result.models[r.i].metrics[key]));
    const overSeeds: SeedSummary = {
      seeds: runs.map((r) => r.seed),
      nrmseInFreeRun: metric('nrmseInFreeRun'),
      nrmseOut: metric('nrmseOut'),
      validPredictionTime: metric('validPredictionTime'),
      fitSeconds: metric('fitSeconds'),
    };
    const m = result.models[first];
    models.push({ ...m, metrics: { ...m.metrics, overSeeds } });
    keep.push(first);
  }
  return {
    ...result,
    models,
    predictions: keep.map((i) => result.predictions[i]),
    freeRuns: keep.map((i) => result.freeRuns[i]),
    quantiles: keep.map((i) => result.quantiles[i]),
    saved: keep.map((i) => result.saved[i]),
    modelFiles: keep.map((i) => result.modelFiles[i]),
  };
}
