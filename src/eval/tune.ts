/**
 * Equal tuning budgets (Schötz et al. 2024): every family, structured or black box, gets the
 * same small random search over the hyper-parameters it declares (`capabilities.searchSpace`),
 * on the training window only, so no comparison can be said to favour one model.
 *
 * A search of n trials holds out the last `holdout` of the window, fits trial 0 with the
 * configuration as given and trials 1 … n − 1 with draws from the search space on the part
 * before it (same seed), scores each by its free-running NRMSE through the held-out tail — a
 * forecast from the part before it, as the model will be used — then refits the best
 * configuration on the whole window. Every trial, its configuration and score, goes into the
 * saved model's `tuning` and from there into results.json (and the run store). Browser-safe.
 */
import { throwIfAborted } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { sliceSeries, type Series } from '../data/series.js';
import type { FitOptions, Fitted, ModelFamily, SavedModel, SearchDimension, TuningRecord } from '../models/base.js';
import { getFamily } from '../models/index.js';

/** How one fit job is tuned (`FitJob.tune`). */
export interface TuneSpec {
  /** Configurations tried, the given one included; 1 or less: no search. */
  trials: number;
  /** Share of the training window held out to score the trials. Default 0.2. */
  holdout?: number;
}

/** One draw from a search dimension. */
function draw(d: SearchDimension, rng: Rng): unknown {
  if ('log' in d) return Math.exp(rng.uniformIn(Math.log(d.log[0]), Math.log(d.log[1])));
  if ('uniform' in d) return rng.uniformIn(d.uniform[0], d.uniform[1]);
  if ('int' in d) return d.int[0] + rng.int(d.int[1] - d.int[0] + 1);
  return d.choice[rng.int(d.choice.length)];
}

/** One draw of every option a search space names. */
export function drawOptions(space: Readonly<Record<string, SearchDimension | undefined>>, rng: Rng): Record<string, unknown> {
  return Object.fromEntries(Object.entries(space).flatMap(([k, d]) => (d ? [[k, draw(d, rng)]] : [])));
}

/** Free-running NRMSE of `fitted` through `tail`, forecast from `context`; NRMSE divides by each channel's standard deviation over the context. */
export function tailScore(fitted: Fitted, context: Series, tail: Series): number {
  const mean = fitted.forecast(tail.t, context).mean;
  let sq = 0, n = 0;
  for (let c = 0; c < tail.y.length; c++) {
    const y = context.y[c];
    const m = y.reduce((a, v) => a + v, 0) / y.length;
    const sd = Math.sqrt(y.reduce((a, v) => a + (v - m) ** 2, 0) / y.length) || 1;
    for (let i = 0; i < tail.t.length; i++) {
      sq += ((mean[c][i] - tail.y[c][i]) / sd) ** 2;
      n++;
    }
  }
  const v = Math.sqrt(sq / n);
  return Number.isFinite(v) ? v : Infinity;
}

/** The search: the best configuration (the given one unless a draw scored better) and its record. */
export async function tuneConfig<C>(family: ModelFamily<C>, config: C, train: Series, spec: TuneSpec, opts: FitOptions): Promise<{ config: C; record: TuningRecord }> {
  const holdout = spec.holdout ?? 0.2;
  const t0 = train.t[0], t1 = train.t[train.t.length - 1];
  const split = t1 - holdout * (t1 - t0);
  const fitPart = sliceSeries(train, t0, split);
  const tail = sliceSeries(train, split + 1e-12 * Math.max(1, Math.abs(split)), t1);
  const space: Readonly<Record<string, SearchDimension | undefined>> = family.capabilities?.searchSpace ?? {};
  const rng = new Rng(opts.seed ^ 0x7e57);
  const log: TuningRecord['log'] = [];
  const configs: C[] = [];
  for (let i = 0; i < spec.trials; i++) {
    throwIfAborted(opts.signal);
    const options = i === 0 ? {} : drawOptions(space, rng);
    const trial = { ...config, ...options } as C;
    configs.push(trial);
    const report = (f: number) => opts.onProgress?.({ fraction: (i + f) / (spec.trials + 1), stage: `tuning: trial ${i + 1}/${spec.trials}` });
    try {
      family.check?.(trial);
      // No worker threads for the trials: a share worker serves the one fit that starts it
      // (cli/share-worker.ts), so they stay fresh for the final fit; a fit gives the same bits without them.
      const fitted = await family.fit({ family: family.family, config: trial }, fitPart, { ...opts, workers: undefined, onProgress: (p) => report(p.fraction) });
      const score = tailScore(fitted, fitPart, tail);
      log.push({ options, score: Number.isFinite(score) ? score : null });
    } catch (e) {
      throwIfAborted(opts.signal);
      log.push({ options, score: null, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  }
  let best = 0;
  for (let i = 1; i < log.length; i++) if (log[i].score !== null && (log[best].score === null || log[i].score! < log[best].score!)) best = i;
  return { config: configs[best] ?? config, record: { trials: spec.trials, holdout, best, log } };
}

/** What a fitter returns: the fitted model, with the tuning record in its saved form when it was tuned. */
export interface JobFit {
  fitted: Fitted;
  saved: SavedModel;
}

/** Fits a job's spec, after the search its `tune` asks for (the fitters' one entry point). */
export async function fitJobSpec(job: { spec: { family: string; config: Record<string, unknown> }; train: Series; tune?: TuneSpec }, opts: FitOptions): Promise<JobFit> {
  const family = getFamily(job.spec.family);
  if (!job.tune || job.tune.trials <= 1) {
    const fitted = await family.fit(job.spec, job.train, opts);
    return { fitted, saved: fitted.toJSON() };
  }
  const { config, record } = await tuneConfig(family, job.spec.config, job.train, job.tune, opts);
  const n = job.tune.trials;
  const fitted = await family.fit({ family: job.spec.family, config }, job.train, {
    ...opts,
    onProgress: (p) => opts.onProgress?.({ ...p, fraction: (n + p.fraction) / (n + 1), stage: `best of ${n} trials, whole window${p.stage ? `: ${p.stage}` : ''}` }),
  });
  return { fitted, saved: { ...fitted.toJSON(), tuning: record } };
}
