/**
 * The experiment every front end shares (`lawful demo`, `lawful fit`, a server, a sweep, a
 * browser page): fit each job, reload each saved model, score it inside and beyond the
 * window, and collect the results.json entries. Browser-safe: how the fits run is a
 * `Fitter` strategy — in-process `family.fit` by default; the CLI passes its worker-thread
 * pool. The options travel down once and the results come back up once (docs/architecture.md).
 */
import { fitJobSpec, type TuneSpec } from './tune.js';
import { AbortError, ConfigError, DataError } from '../core/errors.js';
import type { Series } from '../data/series.js';
import { FitDivergedError } from '../models/base.js';
import type { FitProgress, ModelSpec, ModelSummary, SavedModel } from '../models/base.js';
import { ensembleOf, ensembles, loadEnsembleOr, memberSeeds } from '../models/ensemble.js';
import { getFamily } from '../models/index.js';
import { evaluate, type Evaluation, type ModelMetrics, type Split } from './evaluate.js';

/** One fit to run: a display name, a family and its configuration, the training data, a seed. */
export interface FitJob {
  /** Display name, e.g. "oscillator-bank K=4"; unique within an experiment. */
  name: string;
  spec: ModelSpec;
  train: Series;
  seed: number;
  /** A hyper-parameter search before the fit (eval/tune.ts); none if absent. */
  tune?: TuneSpec;
  /** Members of its deep ensemble, overriding `ExperimentOptions.ensemble` for this job. */
  ensemble?: number;
}

/** How one fit ended. A failed or interrupted fit is an outcome, never a throw. */
export type FitOutcome =
  | { name: string; ok: true; saved: SavedModel; fitSeconds: number }
  | {
      name: string;
      ok: false;
      error: string;
      errorName: string;
      fitSeconds: number;
      /** The last good state of a fit that diverged (FitDivergedError). */
      lastGood?: SavedModel;
      /** The fit was cut short by the abort signal (Ctrl-C), not by a fault of its own. */
      interrupted?: boolean;
    };

/** Options a `Fitter` receives. */
export interface FitterOptions {
  /** Stops the fits. Finished fits keep their outcomes; the others come back `interrupted`. */
  signal?: AbortSignal;
  onProgress?: (job: FitJob, p: FitProgress) => void;
  onDone?: (job: FitJob, outcome: FitOutcome) => void;
}

/**
 * Runs fits: in this thread (`inProcessFitter`), in worker threads (the CLI's pool), on other
 * machines. Resolves to one outcome per job, in the order of `jobs`; never rejects for a fit's
 * own failure or for an abort.
 */
export interface Fitter {
  fitAll(jobs: readonly FitJob[], opts: FitterOptions): Promise<FitOutcome[]>;
}

/** The outcome of a job the abort signal reached before it finished. */
export function interruptedOutcome(job: FitJob, fitSeconds = 0): FitOutcome {
  return { name: job.name, ok: false, error: 'interrupted', errorName: 'AbortError', fitSeconds, interrupted: true };
}

/** The outcome of a fit that threw `err` (diverged fits keep their last good state). */
export function failedOutcome(job: FitJob, err: unknown, fitSeconds: number, signal?: AbortSignal): FitOutcome {
  if (err instanceof AbortError || signal?.aborted) return interruptedOutcome(job, fitSeconds);
  const e = err instanceof Error ? err : new Error(String(err));
  const lastGood = err instanceof FitDivergedError ? err.lastGoodModel : undefined;
  return { name: job.name, ok: false, error: e.message, errorName: e.name, fitSeconds, lastGood };
}

/** Fits one job after another in this thread with `family.fit` (browser-safe; a Web Worker runs it as is). */
export const inProcessFitter: Fitter = {
  async fitAll(jobs, opts) {
    const outcomes: FitOutcome[] = [];
    for (const job of jobs) {
      if (opts.signal?.aborted) {
        outcomes.push(interruptedOutcome(job));
        continue;
      }
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      let outcome: FitOutcome;
      try {
        const { saved } = await fitJobSpec(job, { seed: job.seed, signal: opts.signal, onProgress: (p) => opts.onProgress?.(job, p) });
        outcome = { name: job.name, ok: true, saved, fitSeconds: seconds() };
      } catch (err) {
        outcome = failedOutcome(job, err, seconds(), opts.signal);
      }
      opts.onDone?.(job, outcome);
      outcomes.push(outcome);
    }
    return outcomes;
  },
};

/** One scored model: its results.json entry. */
export interface ScoredModel {
  name: string;
  family: string;
  parameters: number;
  metrics: ModelMetrics;
  describe: ModelSummary;
}

/** A fit that failed, with the reason; one that diverged keeps its last good state. */
export interface Failure {
  name: string;
  /** "ErrorName: message", e.g. "DivergenceError: lstm: training loss became Infinity …". */
  error: string;
  lastGood?: SavedModel;
}

export interface ExperimentResult {
  /** The models that were fitted and scored, in job order. */
  models: ScoredModel[];
  /** Per scored model, per channel: the prediction on the truth's clock (native in-window, then the forecast). */
  predictions: Float64Array[][];
  /**
   * Per scored model: one-step families' free-running in-window prediction, per channel on the
   * truth's clock (evaluate's `freeRun`); undefined for the others.
   */
  freeRuns: (Float64Array[] | undefined)[];
  /** Per scored model: its forecast quantiles beyond the window (evaluate's `quantiles`), for the figure's bands; undefined where the family has none. */
  quantiles: Evaluation['quantiles'][];
  /** Per scored model: the adversarial probe's worst attack (evaluate's `attack`), for the figure of the clean and the attacked forecast; undefined where none. */
  attacks?: Evaluation['attack'][];
  /** Saved form of each scored model, in `models` order. */
  saved: SavedModel[];
  /** Per scored model: the text files it writes beside its saved form (`Fitted.files`), undefined where none. */
  modelFiles: (Record<string, string> | undefined)[];
  /** Fits that failed, with the reason (absent from `models`). */
  failures: Failure[];
  /** Names of the fits the abort signal cut short (absent from `models` and `failures`). */
  interrupted: string[];
}

export interface ExperimentOptions {
  jobs: FitJob[];
  /** What the models were trained on. */
  observed: Series;
  /** What the forecasts are scored against (the clean signal of a simulation, else `observed`). */
  truth: Series;
  split: Split;
  /** How the fits run. Default `inProcessFitter`. */
  fitter?: Fitter;
  /** Adds entries to a model's `describe` (e.g. recovered vs true modes). */
  annotate?: (summary: ModelSummary, job: FitJob) => ModelSummary;
  /** Stops the fits; the experiment then scores the finished ones and lists the rest in `interrupted`. */
  signal?: AbortSignal;
  onProgress?: (job: FitJob, p: FitProgress) => void;
  onDone?: (job: FitJob, outcome: FitOutcome) => void;
  /** Running-NRMSE threshold of the valid prediction time. Default 0.2. */
  vptThreshold?: number;
  /**
   * Members of a deep ensemble over seeds (models/ensemble.ts) for every job whose family
   * declares `capabilities.ensembles`: each member is a fit of its own for the fitter (the
   * CLI's pool trains them in parallel), combined before scoring. Default 1: single fits.
   */
  ensemble?: number;
}

/**
 * The largest magnitude a value may have: sums of squares over a window (every least-squares
 * fit, every NRMSE) must stay finite. 1e150² = 1e300 leaves room for 10⁸ samples below
 * float64's 1.8e308.
 */
export const LARGEST_VALUE = 1e150;

/**
 * Refuses data no fit can use: a non-finite value, or one so large that its square
 * overflows (a cell of 1e308 turns every sum of squares into Infinity, so every fit and
 * every error metric silently breaks). Names the channel, time and value.
 */
export function checkFitData(s: Series, source?: string): void {
  for (let c = 0; c < s.y.length; c++) {
    const y = s.y[c];
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      if (Number.isFinite(v) && Math.abs(v) <= LARGEST_VALUE) continue;
      const why = Number.isFinite(v)
        ? `its square overflows float64, so no fit or error could be computed; rescale the channel (e.g. to other units)`
        : `not a finite number`;
      throw new DataError(`channel "${s.names[c]}" at t = ${s.t[i]} holds ${v}: ${why}`, { file: source, column: s.names[c] });
    }
  }
}

/** Longest fits first (the family's declared relative cost), so every core stays busy to the end. */
function schedule(jobs: FitJob[]): FitJob[] {
  const cost = (j: FitJob) => getFamily(j.spec.family).capabilities?.relativeCost ?? 1;
  return jobs
    .map((j, i) => ({ j, i }))
    .sort((a, b) => cost(b.j) - cost(a.j) || a.i - b.i)
    .map((x) => x.j);
}

/** Why a saved model cannot be scored: parameters that left the finite numbers. */
function nonFiniteParameters(saved: SavedModel): string | undefined {
  const bad = saved.params.filter((p) => !Number.isFinite(p)).length;
  return bad ? `the fit produced ${bad} non-finite parameter${bad > 1 ? 's' : ''} of ${saved.params.length} (it overflowed)` : undefined;
}

/** Names of the typed errors of core/errors.ts: a failure with another name (TypeError, RangeError, …) is a bug. */
const TYPED_ERRORS = new Set(['LawfulError', 'DataError', 'ConfigError', 'DivergenceError', 'SolverError', 'AbortError']);

/** Fits every job (through `fitter`), reloads, evaluates and collects the results. */
export async function runExperiment(opts: ExperimentOptions): Promise<ExperimentResult> {
  checkFitData(opts.observed);
  const names = new Set(opts.jobs.map((j) => j.name));
  if (names.size !== opts.jobs.length) throw new DataError(`two jobs share a name: ${opts.jobs.map((j) => j.name).join(', ')}`);
  const fitter = opts.fitter ?? inProcessFitter;
  const groups = opts.jobs.map((job) => ensembleMembers(job, job.ensemble ?? opts.ensemble ?? 1));
  const outcomes = await fitter.fitAll(schedule(groups.flat()), { signal: opts.signal, onProgress: opts.onProgress, onDone: opts.onDone });
  const byName = new Map(outcomes.map((o) => [o.name, o]));
  groups.forEach((members, k) => {
    if (members.length > 1) byName.set(opts.jobs[k].name, combineMembers(opts.jobs[k], members.map((m) => byName.get(m.name))));
  });
  const result: ExperimentResult = { models: [], predictions: [], freeRuns: [], quantiles: [], attacks: [], saved: [], modelFiles: [], failures: [], interrupted: [] };
  for (const job of opts.jobs) {
    const o = byName.get(job.name);
    if (!o || (!o.ok && o.interrupted)) {
      result.interrupted.push(job.name);
      continue;
    }
    if (!o.ok) {
      // A user's data or config explains a typed error; anything else is a fault in lawful and is said to be one.
      const internal = TYPED_ERRORS.has(o.errorName) ? '' : 'internal error (a bug in lawful; please report it with the data) — ';
      result.failures.push({ name: o.name, error: `${internal}${o.errorName}: ${o.error}`, lastGood: o.lastGood });
      continue;
    }
    const bad = nonFiniteParameters(o.saved);
    if (bad) {
      result.failures.push({ name: o.name, error: `DivergenceError: ${bad}` });
      continue;
    }
    let scored: ReturnType<typeof score>;
    try {
      scored = score(job, o.saved, o.fitSeconds, opts);
    } catch (err) {
      // A fitted model that cannot even forecast its own window is a failed fit, said as such.
      const e = err instanceof Error ? err : new Error(String(err));
      result.failures.push({ name: o.name, error: `${e.name}: ${e.message} (while evaluating the fitted model)` });
      continue;
    }
    result.models.push(scored.entry);
    result.predictions.push(scored.prediction);
    result.freeRuns.push(scored.freeRun);
    result.quantiles.push(scored.quantiles);
    result.attacks!.push(scored.attack);
    result.saved.push(o.saved);
    result.modelFiles.push(scored.files);
  }
  return result;
}

/** The fits behind one job: the job itself, or one per member of its deep ensemble (seeds s, s + 1, …), named "<job> [seed s]". */
function ensembleMembers(job: FitJob, size: number): FitJob[] {
  if (!Number.isInteger(size) || size < 1) throw new ConfigError(`the ensemble size must be a whole number ≥ 1, got ${size}`, 'ensemble');
  if (size === 1 || !ensembles(getFamily(job.spec.family))) return [job];
  return memberSeeds(job.seed, size).map((seed) => ({ ...job, name: `${job.name} [seed ${seed}]`, seed }));
}

/**
 * One outcome for an ensemble's member fits: interrupted if any was, failed (naming the
 * member) if any failed, else the ensemble's saved form; its fit time is the members' sum.
 */
function combineMembers(job: FitJob, outcomes: (FitOutcome | undefined)[]): FitOutcome {
  const fitSeconds = outcomes.reduce((s, o) => s + (o?.fitSeconds ?? 0), 0);
  const saved: SavedModel[] = [];
  for (const o of outcomes) {
    if (!o || (!o.ok && o.interrupted)) return interruptedOutcome(job, fitSeconds);
    if (!o.ok) return { ...o, name: job.name, error: `ensemble member ${o.name}: ${o.error}`, fitSeconds };
    saved.push(o.saved);
  }
  const members = saved.map((m) => getFamily(m.family).load(m));
  const seeds = memberSeeds(job.seed, saved.length);
  return { name: job.name, ok: true, saved: ensembleOf(members, seeds, job.train).toJSON(), fitSeconds };
}

function score(
  job: FitJob,
  saved: SavedModel,
  fitSeconds: number,
  opts: ExperimentOptions,
): { entry: ScoredModel; prediction: Float64Array[]; freeRun?: Float64Array[]; quantiles: Evaluation['quantiles']; attack: Evaluation['attack']; files?: Record<string, string> } {
  // Reloaded from its saved form: every model reported has survived the save/load round trip.
  const fitted = loadEnsembleOr(saved, (m) => getFamily(m.family).load(m));
  const ev = evaluate(fitted, { observed: opts.observed, truth: opts.truth, split: opts.split, vptThreshold: opts.vptThreshold });
  const summary = saved.tuning ? { ...fitted.describe(), tuning: saved.tuning } : fitted.describe();
  return {
    entry: {
      name: job.name,
      family: fitted.family,
      parameters: fitted.nParams,
      metrics: { ...ev.metrics, fitSeconds },
      describe: opts.annotate ? opts.annotate(summary, job) : summary,
    },
    prediction: ev.prediction,
    freeRun: ev.freeRun,
    quantiles: ev.quantiles,
    attack: ev.attack,
    files: fitted.files?.(),
  };
}

/** The abort signal's reason as an AbortError (for callers that must throw when nothing finished). */
export function abortErrorOf(signal: AbortSignal | undefined): AbortError {
  return new AbortError(typeof signal?.reason === 'string' ? signal.reason : 'interrupted');
}
