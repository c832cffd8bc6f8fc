/**
 * `lawful demo`: the reference experiment (docs/architecture.md). Simulates N coupled pendulums seen
 * as one signal, fits every requested family on t ≤ trainUntil in worker threads, scores
 * each inside and beyond the window, and writes the table, figure, results.json and
 * index.html.
 */
import { ConfigError } from '../core/errors.js';
import { LAWFUL_VERSION } from '../core/version.js';
import type { Series } from '../data/series.js';
import { sha256Hex } from '../data/sha256.js';
import { referenceData, type ReferenceConfig, type ReferenceData, type TrueMode } from '../eval/reference-experiment.js';
import type { ModelSpec, ModelSummary, SavedModel } from '../models/base.js';
import type { Results } from '../report/results.js';
import { lastGoodOf, writeRunOutput } from './output.js';
import { familyConfig, fitAndScore, trainingPart, type Failure } from './experiment.js';
import type { FitJob } from './fit-pool.js';
import type { MultiProgress } from './progress.js';

export interface DemoOptions extends Partial<ReferenceConfig> {
  /** Sizes of the oscillator banks to fit. Default [N, 2] (N = oscillators): enough oscillators, and too few. */
  bank?: number[];
  /** Families to fit. Default oscillator-bank, lstm, fourier, persistence. */
  models?: string[];
  /** Worker threads. Default: the number of cores. */
  concurrency?: number;
  /** Per-family config overrides, e.g. { lstm: { maxSteps: 300 } } (tests use short configurations). */
  configs?: Record<string, Record<string, unknown>>;
  progress?: MultiProgress;
  signal?: AbortSignal;
}

export const DEMO_MODELS = ['oscillator-bank', 'lstm', 'fourier', 'persistence'];

export interface DemoRun {
  results: Results;
  data: ReferenceData;
  /** Prediction of each model on the truth's clock (native in-window, then forecast), in `results.models` order. */
  predictions: Float64Array[][];
  /** Saved form of each model, in `results.models` order. */
  saved: SavedModel[];
  /** Models whose fit failed, with the reason (they are absent from results.models). */
  failures: Failure[];
}

function jobsFor(opts: DemoOptions, data: ReferenceData, train: Series): FitJob[] {
  const models = opts.models ?? DEMO_MODELS;
  const jobs: FitJob[] = [];
  const seed = data.config.seed;
  for (const family of models) {
    const config = familyConfig(family, opts.configs, models); // a ConfigError lists the families or options
    if (family === 'oscillator-bank') {
      // The experiment itself: banks of the sizes asked for, enough oscillators and too few.
      for (const K of opts.bank ?? [data.config.oscillators, 2].filter((k, i, a) => a.indexOf(k) === i)) {
        const spec: ModelSpec = { family, config: { ...config, oscillators: K, nonlinear: data.config.nonlinear } };
        jobs.push({ name: `oscillator-bank K=${K}`, spec, train, seed });
      }
    } else {
      jobs.push({ name: family, spec: { family, config }, train, seed });
    }
  }
  return jobs;
}

/** Fits, evaluates and assembles results.json; writes nothing (see `writeDemo`). */
export async function runDemo(opts: DemoOptions = {}): Promise<DemoRun> {
  const data = referenceData(opts);
  if (opts.bank?.some((k) => !Number.isInteger(k) || k < 1)) throw new ConfigError(`sizes must be whole numbers ≥ 1, got ${opts.bank}`, '--bank');
  const scored = await fitAndScore({
    jobs: jobsFor(opts, data, trainingPart(data.observed, data.split)),
    observed: data.observed,
    truth: data.truth,
    split: data.split,
    annotate: (summary) => withModeComparison(summary, data.modes),
    concurrency: opts.concurrency,
    progress: opts.progress,
    signal: opts.signal,
  });
  const results: Results = {
    schema: 1,
    lawful: LAWFUL_VERSION,
    command: 'demo',
    seed: data.config.seed,
    config: { ...data.config, bank: opts.bank, models: opts.models ?? DEMO_MODELS, configs: opts.configs ?? {}, system: 'coupled-pendulums', systemParams: data.params, trueModes: data.modes },
    data: { source: 'simulated:coupled-pendulums', fingerprint: fingerprint(data.observed), truth: 'clean' },
    split: data.split,
    models: scored.models,
  };
  return { results, data, predictions: scored.predictions, saved: scored.saved, failures: scored.failures };
}

/**
 * Adds, for families that report modes, the recovered frequency and decay of each true mode
 * it can account for: all of them, or with fewer fitted modes (K < N) the K that carry most
 * of the variance — a bank of two oscillators is asked for the two strong modes only.
 */
function withModeComparison(describe: ModelSummary, truth: TrueMode[]): ModelSummary {
  const modes = describe.modes as { frequency: number; decay: number }[] | undefined;
  if (!Array.isArray(modes) || modes.length === 0) return describe;
  const targets = [...truth].sort((a, b) => b.varianceShare - a.varianceShare).slice(0, modes.length).sort((a, b) => a.frequency - b.frequency);
  const recovered = targets.map((m) => {
    const best = modes.reduce((a, b) => (Math.abs(b.frequency - m.frequency) < Math.abs(a.frequency - m.frequency) ? b : a));
    return {
      trueFrequency: m.frequency,
      fittedFrequency: best.frequency,
      relativeError: Math.abs(best.frequency - m.frequency) / m.frequency,
      trueDecay: m.decay,
      fittedDecay: best.decay,
    };
  });
  return { ...describe, recoveredModes: recovered };
}

/** sha256 of the observed series as CSV text: the same data gives the same fingerprint on any machine. */
export function fingerprint(s: Series): string {
  let text = ['t', ...s.names].join(',') + '\n';
  for (let i = 0; i < s.t.length; i++) text += [s.t[i], ...s.y.map((c) => c[i])].join(',') + '\n';
  return 'sha256:' + sha256Hex(new TextEncoder().encode(text));
}

/** Writes the figure, table, index.html, saved models and results.json of a demo run into `dir`. */
export function writeDemo(dir: string, run: DemoRun): Promise<Record<string, string>> {
  const c = run.data.config;
  return writeRunOutput(dir, {
    results: run.results,
    truth: run.data.truth,
    split: run.data.split,
    predictions: run.predictions,
    saved: run.saved,
    lastGood: lastGoodOf(run.failures),
    title: `${c.oscillators} coupled ${c.nonlinear ? '' : 'small-angle '}pendulums seen as y = Σ θᵢ — trained on t ≤ ${c.trainUntil}`,
  });
}
