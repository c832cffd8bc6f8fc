/**
 * `lawful demo`: the reference experiment (DESIGN.md). Simulates N coupled pendulums seen
 * as one signal, fits every requested family on t ≤ trainUntil in worker threads, scores
 * each inside and beyond the window, and writes the table, figure, results.json and
 * index.html.
 */
import { ConfigError } from '../core/errors.js';
import { LAWFUL_VERSION } from '../core/version.js';
import { sliceSeries, type Series } from '../data/series.js';
import { sha256Hex } from '../data/sha256.js';
import { evaluate } from '../eval/evaluate.js';
import { referenceData, type ReferenceConfig, type ReferenceData, type TrueMode } from '../eval/reference-experiment.js';
import type { ModelSpec } from '../models/base.js';
import { getFamily } from '../models/index.js';
import { renderPng, renderSvg } from '../report/render.js';
import type { ModelResult, Results } from '../report/results.js';
import { forecastFigureSpec, type FigureInput } from '../report/specs.js';
import { writeReport, type ReportFiles } from '../report/write.js';
import { fitAll, type FitJob } from './fit-pool.js';
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
  /** Models whose fit failed, with the reason (they are absent from results.models). */
  failures: { name: string; error: string }[];
}

function jobsFor(opts: DemoOptions, data: ReferenceData, train: Series): FitJob[] {
  const models = opts.models ?? DEMO_MODELS;
  const jobs: FitJob[] = [];
  const seed = data.config.seed;
  for (const family of models) {
    const fam = getFamily(family); // throws a ConfigError listing the families
    const overrides = opts.configs?.[family] ?? {};
    if (family === 'oscillator-bank') {
      for (const K of opts.bank ?? [data.config.oscillators, 2].filter((k, i, a) => a.indexOf(k) === i)) {
        const spec: ModelSpec = { family, config: { ...fam.defaults, ...overrides, oscillators: K, nonlinear: data.config.nonlinear } };
        jobs.push({ name: `oscillator-bank K=${K}`, spec, train, seed });
      }
    } else {
      jobs.push({ name: family, spec: { family, config: { ...fam.defaults, ...overrides } }, train, seed });
    }
  }
  // Longest fits first, so both cores stay busy to the end.
  const cost = (j: FitJob) => (j.spec.family === 'lstm' ? 0 : j.spec.family === 'oscillator-bank' ? 1 : 2);
  return jobs.map((j, i) => ({ j, i })).sort((a, b) => cost(a.j) - cost(b.j) || a.i - b.i).map((x) => x.j);
}

/** Fits, evaluates and assembles results.json; writes nothing (see `writeDemo`). */
export async function runDemo(opts: DemoOptions = {}): Promise<DemoRun> {
  const data = referenceData(opts);
  if (opts.bank?.some((k) => !Number.isInteger(k) || k < 1)) throw new ConfigError(`sizes must be whole numbers ≥ 1, got ${opts.bank}`, '--bank');
  const train = sliceSeries(data.observed, data.split.trainFrom, data.split.trainUntil);
  const jobs = jobsFor(opts, data, train);
  const bars = new Map(jobs.map((j) => [j.name, opts.progress?.bar(j.name)]));
  const outcomes = await fitAll(jobs, {
    concurrency: opts.concurrency,
    signal: opts.signal,
    onProgress: (job, p) => bars.get(job.name)?.update(p.fraction, p.stage),
    onDone: (job, o) => bars.get(job.name)?.update(1, o.ok ? `${o.fitSeconds.toFixed(1)} s` : 'failed'),
  });
  opts.progress?.stop();

  const models: ModelResult[] = [];
  const predictions: Float64Array[][] = [];
  const failures: { name: string; error: string }[] = [];
  // Report in the order the user asked for, not the scheduling order.
  const order = (name: string) => jobsFor(opts, data, train).findIndex((j) => j.name === name);
  for (const o of [...outcomes].sort((a, b) => order(a.name) - order(b.name))) {
    if (!o.ok) {
      failures.push({ name: o.name, error: `${o.errorName}: ${o.error}` });
      continue;
    }
    const fitted = getFamily(o.saved.family).load(o.saved);
    const ev = evaluate(fitted, { observed: data.observed, truth: data.truth, split: data.split });
    const describe = fitted.describe();
    models.push({
      name: o.name,
      family: fitted.family,
      parameters: fitted.nParams,
      metrics: { ...ev.metrics, fitSeconds: o.fitSeconds },
      describe: withModeComparison(describe, data.modes),
    });
    predictions.push(ev.prediction);
  }

  const results: Results = {
    schema: 1,
    lawful: LAWFUL_VERSION,
    command: 'demo',
    seed: data.config.seed,
    config: { ...data.config, bank: opts.bank, models: opts.models ?? DEMO_MODELS, configs: opts.configs ?? {}, system: 'coupled-pendulums', systemParams: data.params, trueModes: data.modes },
    data: { source: 'simulated:coupled-pendulums', fingerprint: fingerprint(data.observed), truth: 'clean' },
    split: data.split,
    models,
  };
  return { results, data, predictions, failures };
}

/** Adds, for families that report modes, each true mode's nearest recovered mode and the relative error. */
function withModeComparison(describe: Record<string, unknown>, truth: TrueMode[]): ModelResult['describe'] {
  const modes = describe.modes as { frequency: number; decay: number }[] | undefined;
  if (!Array.isArray(modes) || modes.length === 0) return describe as ModelResult['describe'];
  const recovered = truth.map((m) => {
    const best = modes.reduce((a, b) => (Math.abs(b.frequency - m.frequency) < Math.abs(a.frequency - m.frequency) ? b : a));
    return {
      trueFrequency: m.frequency,
      fittedFrequency: best.frequency,
      relativeError: Math.abs(best.frequency - m.frequency) / m.frequency,
      trueDecay: m.decay,
      fittedDecay: best.decay,
    };
  });
  return { ...describe, recoveredModes: recovered } as ModelResult['describe'];
}

/** sha256 of the observed series as CSV text: the same data gives the same fingerprint on any machine. */
export function fingerprint(s: Series): string {
  let text = ['t', ...s.names].join(',') + '\n';
  for (let i = 0; i < s.t.length; i++) text += [s.t[i], ...s.y.map((c) => c[i])].join(',') + '\n';
  return 'sha256:' + sha256Hex(new TextEncoder().encode(text));
}

/** The forecast figure of a run: one panel per model over the truth, the window shaded. */
export function demoFigureInput(run: DemoRun): FigureInput {
  const { data, results } = run;
  return {
    t: data.truth.t,
    truth: data.truth.y[0],
    channel: data.truth.names[0],
    split: data.split,
    models: results.models.map((m, i) => ({ name: m.name, prediction: run.predictions[i][0], nrmseOut: m.metrics.nrmseOut })),
    title: `${data.config.oscillators} coupled ${data.config.nonlinear ? '' : 'small-angle '}pendulums seen as y = Σ θᵢ — trained on t ≤ ${data.split.trainUntil}`,
  };
}

/** Renders the figure and writes figure.svg/png, table.txt, index.html and results.json (each atomically). */
export async function writeDemo(dir: string, run: DemoRun): Promise<ReportFiles> {
  const svg = await renderSvg(forecastFigureSpec(demoFigureInput(run)));
  const png = renderPng(svg);
  return writeReport(dir, { results: run.results, figures: { svg, png } });
}
