/**
 * `lawful demo --scenario architectures`: the talk's "we tried many architectures" table on
 * the reference experiment (four small-angle pendulums seen as one signal, trained on
 * t ≤ 10, forecast to t = 30). Every black box — the LSTM trained one step ahead (the
 * default demo's) and through its own rollout, the GRU through its rollout, the echo-state
 * network, next-generation reservoir computing, the autoregressive MLP one step ahead and
 * through its rollout — beside the oscillator bank with K = N,
 * in one table and one figure. Results entries are named by family and training mode
 * (`lstm one-step`, `lstm rollout`, …).
 *
 * Every model is fitted with `seeds` seeds (default 5): results.json keeps one entry per model
 * (its first seed's, figure and saved model included) with `metrics.overSeeds`, and the table
 * adds the mean and 95% interval over seeds (eval/seeds.ts).
 *
 * With `tune` (`--tune n`), every model — every seed of it — first gets the same random
 * search of n configurations over the hyper-parameters its family declares, scored by the
 * free run through the held-out tail of the training window (eval/tune.ts); the trials are
 * in each entry's `describe.tuning`.
 *
 * Each training mode's configuration is the family's defaults with the settings below and
 * then the user's `--config` overrides for that family (applied to each of its entries).
 */
import type { Series } from '../../data/series.js';
import { getFamily } from '../../models/index.js';
import type { FitJob } from '../experiment.js';
import { familyConfig } from '../family-config.js';
import type { ReferenceData } from '../reference-experiment.js';
import { runReferenceExperiment } from '../reference-run.js';
import { foldSeeds, jobsOverSeeds } from '../seeds.js';
import type { Scenario, ScenarioOptions, ScenarioRun } from './index.js';
import { modeLines } from './pendulums.js';

/**
 * The rollout recipe (models/recurrent/config.ts): the network steps over blocks of 10
 * samples (0.1 s), its hidden state warmed up on 10 blocks (1 s, the evaluator's in-window
 * warm-up), then a free run on normalised increments whose horizon doubles from 10 to 89
 * blocks — the whole 10 s window after the warm-up — with no held-out tail: a free run that
 * is to fit the window has to be trained through all of it. Measured (README, "Black boxes
 * trained as well as we can"): the LSTM's free-running in-window NRMSE 0.061, 0.019, 0.028
 * on seeds 0, 1, 2, against 1.35 with one-sample steps, a 200-step horizon and the best
 * free run through a held-out tail.
 */
export const ROLLOUT = {
  training: 'rollout', increments: true, hidden: 32, batch: 32, maxSteps: 1200, stride: 10, window: 10, burnIn: 2, horizon: 89, horizonStart: 10, validationFraction: 0,
} as const;

/**
 * The autoregressive MLP's step: 10 samples (0.1 time units, about a twentieth of the
 * fastest period), 8 delays spanning 0.7, so one input sees a good part of a swing. Its
 * rollout runs through the whole window (89 steps after the delays) with no held-out tail,
 * as the recurrent recipe: with a 32-step horizon and the tail held out its free run fell to
 * the mean (in-window 1.01); through the window it reached 0.46 (hidden 32 × 32, 1,500 steps;
 * 0.39 with 64 × 64 and 3,000 steps at seven times the cost).
 */
export const MLP_STEP = { stride: 10, delays: 8, hidden: [32, 32] } as const;
const MLP_ROLLOUT = { ...MLP_STEP, training: 'rollout', horizon: 89, validationFraction: 0, steps: 1500 } as const;

/** The table's rows: a display name, a family, the settings of its training mode. */
export const ARCHITECTURES: readonly { name: string; family: string; config?: Record<string, unknown> }[] = [
  { name: 'oscillator-bank', family: 'oscillator-bank' },
  { name: 'lstm one-step', family: 'lstm', config: { training: 'one-step' } },
  { name: 'lstm rollout', family: 'lstm', config: ROLLOUT },
  { name: 'gru rollout', family: 'gru', config: ROLLOUT },
  { name: 'esn', family: 'esn' },
  { name: 'nvar', family: 'nvar' },
  { name: 'mlp one-step', family: 'mlp', config: MLP_STEP },
  { name: 'mlp rollout', family: 'mlp', config: MLP_ROLLOUT },
];

/** Seeds each model is fitted with (the table gives the mean and a 95% interval over them); `--seeds` sets it. */
export const DEFAULT_SEEDS = 5;

const FAMILIES = [...new Set(ARCHITECTURES.map((a) => a.family))];

export const architecturesScenario: Scenario = {
  name: 'architectures',
  summary: 'the black boxes (LSTM one-step and rollout-trained, GRU, ESN, NVAR, MLP one-step and rollout-trained) beside the oscillator bank on the pendulums (minutes: the one-step LSTM dominates)',
  models: () => [...FAMILIES],
  async run(o: ScenarioOptions): Promise<ScenarioRun> {
    const models = o.models ?? FAMILIES;
    const seeds = (o.settings?.seeds as number | undefined) ?? DEFAULT_SEEDS;
    const trials = (o.settings?.tune as number | undefined) ?? 1;
    const tune = trials > 1 ? { trials } : undefined;
    const oneSeed = (data: ReferenceData, train: Series): FitJob[] => {
      const seed = data.config.seed;
      return ARCHITECTURES.filter((a) => models.includes(a.family)).flatMap((a) => {
        const own = familyConfig(a.family, o.configs, models); // checks the user's overrides
        const config = { ...own, ...a.config, ...(o.configs?.[a.family] ?? {}) };
        const setting = { oscillators: data.config.oscillators, nonlinear: data.config.nonlinear, sizes: [data.config.oscillators] };
        const variants = getFamily(a.family).capabilities?.referenceVariants?.(config, setting);
        if (!variants) return [{ name: a.name, spec: { family: a.family, config }, train, seed, tune }];
        return variants.map((v) => ({ name: `${a.name} ${v.suffix}`, spec: { family: a.family, config: v.config }, train, seed, tune }));
      });
    };
    // The jobs of one seed, kept to fold the seeds back into one entry per model.
    let base: FitJob[] = [];
    const jobs = (data: ReferenceData, train: Series): FitJob[] => jobsOverSeeds((base = oneSeed(data, train)), seeds);
    const all = await runReferenceExperiment({ seed: o.seed, noise: o.noise, models, configs: o.configs, jobs, fitter: o.fitter, ensemble: o.ensemble, signal: o.signal, onProgress: o.onProgress, onDone: o.onDone });
    const folded = foldSeeds(all, base, seeds);
    const run = { ...folded, results: { ...folded.results, config: { ...folded.results.config, seeds, tuningTrials: trials }, models: folded.models } };
    const title = `Black boxes and the oscillator bank — ${run.data.config.oscillators} coupled small-angle pendulums seen as y = Σ θᵢ, trained on t ≤ ${run.data.config.trainUntil}`;
    return { ...run, truth: run.data.truth, split: run.data.split, title, lines: modeLines(run) };
  },
};
