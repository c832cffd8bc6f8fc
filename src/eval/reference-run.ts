/**
 * `lawful demo` as a library call: the reference experiment (docs/architecture.md) simulated, every
 * requested family fitted on t ≤ trainUntil — each in the variants it declares for this
 * experiment (`capabilities.referenceVariants`, e.g. banks of K = N and K = 2 oscillators) —
 * scored against the clean signal, and assembled into results.json. Browser-safe.
 */
import { ConfigError } from '../core/errors.js';
import { fingerprintSeries } from '../data/csv-write.js';
import { sliceSeries, type Series } from '../data/series.js';
import type { ModelSummary } from '../models/base.js';
import { families, getFamily } from '../models/index.js';
import { runExperiment, type ExperimentOptions, type ExperimentResult, type FitJob } from './experiment.js';
import { familyConfig, type FamilyConfigs } from './family-config.js';
import { experimentRecord, type ExperimentRecord } from './record.js';
import { referenceData, type ReferenceConfig, type ReferenceData, type TrueMode } from './reference-experiment.js';

export interface ReferenceRunOptions extends Partial<ReferenceConfig>, Pick<ExperimentOptions, 'fitter' | 'signal' | 'onProgress' | 'onDone' | 'ensemble'> {
  /** Model sizes for families that come in sizes (the oscillator bank's K). Default [N, 2]: enough, and too few. */
  bank?: number[];
  /** Families to fit. Default `referenceModels()`: every registered family that takes part. */
  models?: string[];
  /** Per-family config overrides, e.g. `{ lstm: { maxSteps: 300 } }` (tests use short configurations). */
  configs?: FamilyConfigs;
  /** The fits to run instead of one per family (a scenario's own list, e.g. one family trained two ways). */
  jobs?: (data: ReferenceData, train: Series) => FitJob[];
}

/** The families the demo fits unless told: those of the registry that take part (`capabilities.inReferenceExperiment`), in its order. */
export function referenceModels(): string[] {
  return families.filter((f) => f.capabilities?.inReferenceExperiment !== false).map((f) => f.family);
}

export interface ReferenceRun extends ExperimentResult {
  results: ExperimentRecord;
  data: ReferenceData;
}

/** The jobs of the experiment: one per family, or one per variant the family declares. */
function jobsFor(opts: ReferenceRunOptions, data: ReferenceData, train: Series): FitJob[] {
  const models = opts.models ?? referenceModels();
  const seed = data.config.seed;
  const sizes = opts.bank ?? [data.config.oscillators, 2].filter((k, i, a) => a.indexOf(k) === i);
  const setting = { oscillators: data.config.oscillators, nonlinear: data.config.nonlinear, sizes };
  return models.flatMap((family) => {
    const config = familyConfig(family, opts.configs, models); // a ConfigError lists the families or options
    const variants = getFamily(family).capabilities?.referenceVariants?.(config, setting);
    if (!variants) return [{ name: family, spec: { family, config }, train, seed }];
    return variants.map((v) => ({ name: `${family} ${v.suffix}`, spec: { family, config: v.config }, train, seed }));
  });
}

/** Simulates, fits, evaluates and assembles results.json; writes nothing. */
export async function runReferenceExperiment(opts: ReferenceRunOptions = {}): Promise<ReferenceRun> {
  const data = referenceData(opts);
  if (opts.bank?.some((k) => !Number.isInteger(k) || k < 1)) throw new ConfigError(`sizes must be whole numbers ≥ 1, got ${opts.bank}`, '--bank');
  const train = sliceSeries(data.observed, data.split.trainFrom, data.split.trainUntil);
  const jobs = opts.jobs ? opts.jobs(data, train) : jobsFor(opts, data, train);
  const scored = await runExperiment({
    ...opts,
    jobs,
    observed: data.observed,
    truth: data.truth,
    split: data.split,
    annotate: (summary, job) => (getFamily(job.spec.family).capabilities?.reports?.includes('modes') ? withModeComparison(summary, data.modes) : summary),
  });
  const results = experimentRecord(
    {
      command: 'demo',
      seed: data.config.seed,
      config: {
        ...data.config,
        bank: opts.bank,
        ensemble: opts.ensemble,
        models: opts.models ?? referenceModels(),
        configs: opts.configs ?? {},
        system: 'coupled-pendulums',
        systemParams: data.params,
        trueModes: data.modes,
      },
      data: { source: 'simulated:coupled-pendulums', fingerprint: fingerprintSeries(data.observed), truth: 'clean' },
      split: data.split,
    },
    scored,
  );
  return { ...scored, results, data };
}

/**
 * Adds the recovered frequency and decay of each true mode a family reporting modes can
 * account for: all of them, or with fewer fitted modes (K < N) the K that carry most of the
 * variance — a bank of two oscillators is asked for the two strong modes only.
 */
export function withModeComparison(describe: ModelSummary, truth: TrueMode[]): ModelSummary {
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
