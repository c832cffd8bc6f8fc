/**
 * The one contract every model family implements (docs/architecture.md), so that the CLI, the
 * evaluator, the sweep and the web app treat all families alike.
 */
import { DivergenceError } from '../core/errors.js';
import type { ParamLayout } from '../core/params.js';
import type { WorkerPort } from '../nn/team.js';
import type { Series } from '../data/series.js';

/** A family and its configuration, plain JSON. */
export interface ModelSpec<C = Record<string, unknown>> {
  family: string;
  config: C;
}

/** Progress of a long fit, reported to `FitOptions.onProgress`. */
export interface FitProgress {
  /** Fraction done in [0, 1]. */
  fraction: number;
  /** What the fit is doing now, e.g. "L-BFGS restart 2/4". */
  stage?: string;
  loss?: number;
}

export interface FitOptions {
  /** Seed of every random choice the fit makes. */
  seed: number;
  /** Stops the fit between iterations; it then throws an `AbortError`. */
  signal?: AbortSignal;
  /**
   * Worker threads a family may use for data-parallel work (the LSTM's batch shares), each
   * ready to run what it is sent (cli/share-worker.ts in Node). They only make a fit
   * faster: results are the same with or without them. The caller owns and ends them.
   */
  workers?: readonly WorkerPort[];
  onProgress?: (p: FitProgress) => void;
}

/** A forecast: one mean array per channel at the requested times; quantiles where the family has them. */
export interface Forecast {
  t: Float64Array;
  mean: Float64Array[];
  quantiles?: { level: number; values: Float64Array[] }[];
  /**
   * Where the quantiles come from a Gaussian (eval/calibration.ts): per channel, the standard
   * deviation of the predicted signal (parameter uncertainty propagated, per time) and of the
   * observation noise; the quantiles are those of signal + noise. Scoring against a clean
   * signal uses `signalSd` alone.
   */
  gaussian?: { signalSd: Float64Array[]; noiseSd: number[] };
}

/** What a fitted model's parameters mean, for tables, reports and results.json. */
export interface ModelSummary {
  family: string;
  /** Number of trained scalars. */
  parameters: number;
  /** Human-readable equations where the family has them. */
  equations?: string[];
  [key: string]: unknown;
}

/** Versioned JSON form of a fitted model (`lawful forecast` reloads it). */
export interface SavedModel {
  format: 'lawful-model';
  version: 1;
  lawful: string;
  family: string;
  config: Record<string, unknown>;
  layout: ParamLayout;
  params: number[];
  /** Anything else the family needs to forecast (normalisation, fitted initial state, …). */
  extra?: Record<string, unknown>;
  training?: { from: number; until: number; channels: string[]; fingerprint?: string };
  /** Id of the run that wrote it (the run store's id, also in results.json), so a folder mixing runs can be detected. */
  run?: string;
  /** The hyper-parameter search its configuration came from, when it was tuned (eval/tune.ts). */
  tuning?: TuningRecord;
  /** A deep ensemble over seeds (models/ensemble.ts): the other members, their seeds and the noise level; this form is the first member. */
  ensemble?: SavedEnsemble;
}

/** The `ensemble` block of a saved deep ensemble (models/ensemble.ts). */
export interface SavedEnsemble {
  /** Seed of every member, the first (whose saved form carries the block) first. */
  seeds: number[];
  /** Per channel, the RMS residual of the ensemble mean inside the training window. */
  noiseSd: number[];
  /** Saved forms of the members after the first. */
  members: SavedModel[];
}

/** A random search's record (eval/tune.ts): every trial's drawn options and held-out score, and the one chosen. */
export interface TuningRecord {
  trials: number;
  /** Share of the training window held out to score the trials. */
  holdout: number;
  /** Index of the chosen trial (0: the configuration as given). */
  best: number;
  /** Per trial: the options drawn (empty for trial 0), its free-running NRMSE through the held-out tail (null if the fit failed or diverged), and why it failed. */
  log: { options: Record<string, unknown>; score: number | null; error?: string }[];
}

/** One hyper-parameter's range in a family's search space (`capabilities.searchSpace`). */
export type SearchDimension =
  | { log: readonly [number, number] }
  | { uniform: readonly [number, number] }
  | { int: readonly [number, number] }
  | { choice: readonly unknown[] };

export interface Fitted {
  readonly family: string;
  /** Number of trained scalars. */
  readonly nParams: number;
  /**
   * How this family predicts inside its training window (docs/architecture.md): state-space families
   * simulate from their fitted initial state, sequence families predict one step ahead.
   */
  readonly inWindowMode: 'simulated' | 'one-step';
  /**
   * Predicts at `times`. State-space families simulate from their fitted initial state
   * and may use `context` only for its clock; sequence families run autoregressively from
   * the end of `context` (every time in `times` must be later than its last sample).
   */
  forecast(times: Float64Array, context: Series): Forecast;
  /**
   * State-space families whose state is the whole phase space (the neural vector fields): the
   * trajectory from any state `y0` at `t0`, one array per state entry (`describe().state`
   * names them), so an audit can roll out from test initial conditions.
   */
  rollout?(y0: Float64Array, t0: number, times: Float64Array): Float64Array[];
  /** Sequence families: teacher-forced one-step-ahead predictions at the times of `series` (NaN where no history). */
  predictOneStep?(series: Series): Float64Array[];
  describe(): ModelSummary;
  toJSON(): SavedModel;
  /**
   * Text files that go beside the saved model in an output folder, by file name, e.g.
   * SINDy's `{ 'discovered.eq': … }` (the system in the equation language, which
   * `--model equation --equation` refits). Names are `discovered.<ext>` (the output folder
   * accepts them as lawful's own, report/output-folder.ts). None if absent.
   */
  files?(): Record<string, string>;
}

/** A model family: registered once, found by name by the CLI, the evaluator and the tests. */
export interface ModelFamily<C = Record<string, unknown>> {
  family: string;
  description: string;
  defaults: C;
  /**
   * A small configuration that fits in well under a second on a few hundred samples, for
   * the contract test over every family (test/models/contract.test.ts) and smoke runs.
   * Merged over `defaults`. Example: `{ hidden: 4, maxSteps: 20 }`.
   */
  quick?: Partial<C>;
  fit(spec: ModelSpec<C>, train: Series, opts: FitOptions): Promise<Fitted>;
  /**
   * Rebuilds a fitted model from its saved form after checking the whole of it (the
   * family's schema: config types and ranges, layout shapes, finite parameters of the right
   * count, extra fields). A damaged form is a DataError naming `source` (a file path,
   * default "saved model") and the first bad field, e.g. `params[3]` or `extra.dt`.
   */
  load(saved: SavedModel, source?: string): Fitted;
  /**
   * Checks a configuration (defaults filled in) without fitting: a `ConfigError` naming the
   * option, the same one `fit` would throw, so callers can refuse it before any work.
   */
  check?(config: C): void;
  /** How many worker threads (FitOptions.workers) a fit with this configuration can use; none if absent. */
  workersFor?(config: Partial<C>): number;
  /** What sets this family apart, declared so that nobody switches on its name. Default: `{}` (see each field). */
  capabilities?: FamilyCapabilities<C>;
}

/**
 * What differs between families (docs/architecture.md, "Model families"): the experiment, the CLI and the sweep
 * read these instead of switching on family names, so a new family needs no edit outside
 * its own file and the registry line.
 */
export interface FamilyCapabilities<C = Record<string, unknown>> {
  /** Fitted by the reference experiment (`lawful demo`) unless the user names the families. Default true. */
  inReferenceExperiment?: boolean;
  /**
   * Fits start from random weights, so fits with different seeds differ and a deep ensemble
   * over seeds (models/ensemble.ts, `--ensemble`) gives the forecast its spread. Default false.
   */
  ensembles?: boolean;
  /** The fit needs samples on a uniform grid (an irregular file must be resampled first). Default true. */
  uniformGrid?: boolean;
  /**
   * Relative cost of one fit, to start the longest first so every core stays busy to the
   * end: 0 instant (persistence), 1 seconds (default), 2 tens of seconds, 3 minutes (an LSTM).
   */
  relativeCost?: number;
  /**
   * Extras `describe()` reports beyond parameters and equations. `modes`: a list of
   * `{ frequency, decay }` (rad/s, 1/s) that the reference experiment compares with the true modes.
   */
  reports?: readonly 'modes'[];
  /**
   * The variants the reference experiment (`lawful demo`) fits of this family, each a name
   * suffix and a configuration, e.g. banks of K = N and K = 2 oscillators. Default: one, as configured.
   */
  referenceVariants?(config: C, setting: ReferenceSetting): { suffix: string; config: C }[];
  /**
   * The hyper-parameters a tuning budget searches (eval/tune.ts: random search on the
   * training window, scored by the free run through its held-out tail), by config option.
   * Default: none — the budget is then spent on the configuration as given.
   * Example: `{ lr: { log: [1e-3, 1e-2] }, hidden: { choice: [32, 64] } }`.
   */
  searchSpace?: Readonly<Partial<Record<keyof C & string, SearchDimension>>>;
}

/** What the reference experiment tells a family's `referenceVariants`. */
export interface ReferenceSetting {
  /** Number of coupled pendulums simulated. */
  oscillators: number;
  /** Full-amplitude (sin θ) pendulums rather than the small-angle form. */
  nonlinear: boolean;
  /** Model sizes the user asked for (`demo --bank 4,3,2`); default: N and 2 (enough, and too few). */
  sizes: number[];
}

/**
 * A fit that diverged (a non-finite loss or gradient) and stopped, keeping its last good
 * state as a saved model: `family.load(err.lastGoodModel)` forecasts from the parameters
 * of the last finite step, and the CLI writes it to model-<name>.last-good.json.
 */
export class FitDivergedError extends DivergenceError {
  override name = 'DivergenceError';
  readonly lastGoodModel: SavedModel;
  constructor(cause: DivergenceError, lastGoodModel: SavedModel) {
    super(`${cause.message}; the fit stopped and kept its last good state`, cause.lastGood, cause.at);
    this.lastGoodModel = lastGoodModel;
  }
}
