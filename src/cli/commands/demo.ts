import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { readDataset } from '../../data/read.js';
import { getScenario, scenarios } from '../../eval/scenarios/index.js';
import type { PendulumSettings } from '../../eval/scenarios/pendulums.js';
import { asFlags, collect, modelList, parseCount, parseCountList, parseNumber, parsePositive, parsePositiveCount, readFamilyConfigs } from '../args.js';
import { runExperimentCommand } from '../experiment-command.js';
import { workerPoolFitter } from '../fit-pool.js';

/** Flags that belong to one scenario: given with another they would be silently ignored, so they are refused. */
const SCENARIO_FLAGS: Record<string, Record<string, string>> = {
  pendulums: { oscillators: '--oscillators', nonlinear: '--nonlinear', observe: '--observe', bank: '--bank', trainUntil: '--train-until', until: '--until' },
  architectures: { seeds: '--seeds', tune: '--tune' },
};

export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .summary('the reference experiment: coupled pendulums, an oscillator bank that extrapolates, an LSTM that does not')
    .description(
      'The reference experiment: N coupled pendulums observed as one signal, every model trained on ' +
        't ≤ 10 and asked to forecast to t = 30. An oscillator bank with enough oscillators extrapolates; ' +
        'with too few it mimics the system only partly; an LSTM fits the window and fails beyond it. ' +
        '--scenario runs another experiment instead:\n' +
        scenarios.map((s) => `  ${s.name.padEnd(22)}${s.summary}`).join('\n'),
    )
    .option('--scenario <name>', `experiment to run (${scenarios.map((s) => s.name).join(', ')})`, 'pendulums')
    .option('--oscillators <N>', 'pendulums: number of coupled pendulums', '4')
    .option('--nonlinear', 'pendulums: full-amplitude pendulums (sin θ) instead of the small-angle form')
    .option('--observe <what>', "pendulums: what the models see: sum (one signal y = Σ θᵢ) or all (every pendulum's angle)", 'sum')
    .option('--bank <K1,K2,...>', 'pendulums: sizes of the models that come in sizes, e.g. the oscillator bank (default: N and 2)')
    .option('--train-until <t>', 'pendulums: end of the training window', '10')
    .option('--until <T>', 'pendulums: end of the forecast horizon', '30')
    .option('--tune <n>', 'architectures: an equal tuning budget, n configurations per model searched on the training window (default 1: none)')
    .option('--seeds <n>', 'architectures: fit every model with seeds s, s+1, …, s+n−1 and report the mean and 95% interval over them (default 5)')
    .option('--noise <sigma>', "standard deviation of Gaussian noise on the observed signal (default: the scenario's, 0 for the pendulums)")
    .option('--seed <s>', 'seed of the noise and of every fit', '0')
    .option('--ensemble <N>', 'train a deep ensemble of N seeds for each family trained from random weights (the LSTM, …), in parallel; its spread gives the forecast its intervals (default 1: the demo stays under a minute)')
    .option('--models <a,b,...>', "model families to fit (default: the scenario's own)")
    .option('--model <family>', 'the same, one family at a time (repeatable)', collect)
    .option('--config <json|file.json>', 'per-family config overrides, inline or in a file, e.g. \'{"lstm": {"hidden": 32}}\'')
    .option('--out <dir>', 'folder for figure.svg/png, results.json, index.html and saved models (replaced whole)', 'lawful-demo')
    .option('--store <path>', 'run store to record this run in (default $LAWFUL_STORE or ./.lawful/runs.db)')
    .addHelpText(
      'after',
      '\nExamples:\n  lawful demo\n  lawful demo --noise 0.05 --out noisy\n  lawful demo --bank 4,3,2 --models oscillator-bank,fourier\n  lawful demo --nonlinear\n  lawful demo --oscillators 8 --observe all --models oscillator-bank\n  lawful demo --scenario architectures --seeds 3 --tune 20',
    );
  command.action(async (o) => {
    const scenario = getScenario(o.scenario);
    for (const [owner, flags] of Object.entries(SCENARIO_FLAGS)) {
      if (owner === scenario.name) continue;
      for (const [key, flag] of Object.entries(flags)) {
        if (command.getOptionValueSource(key) === 'cli') throw new ConfigError(`belongs to the ${owner} scenario, not to ${scenario.name}`, flag);
      }
    }
    let settings: PendulumSettings | { seeds?: number; tune?: number } | undefined;
    if (scenario.name === 'architectures') {
      settings = {
        ...(o.seeds !== undefined ? { seeds: parsePositiveCount('--seeds', o.seeds) } : {}),
        ...(o.tune !== undefined ? { tune: parsePositiveCount('--tune', o.tune) } : {}),
      };
    }
    if (scenario.name === 'pendulums') {
      settings = {
        oscillators: parsePositiveCount('--oscillators', o.oscillators),
        nonlinear: Boolean(o.nonlinear),
        observe: parseObserve(o.observe),
        bank: o.bank !== undefined ? parseCountList('--bank', o.bank) : undefined,
        trainUntil: parsePositive('--train-until', o.trainUntil),
        until: parsePositive('--until', o.until),
      };
    }
    const options = {
      seed: parseCount('--seed', o.seed),
      ensemble: o.ensemble !== undefined ? parsePositiveCount('--ensemble', o.ensemble) : undefined,
      noise: o.noise !== undefined ? parseNumber('--noise', o.noise) : (scenario.defaultNoise ?? 0),
      models: modelList(o.model, o.models),
      configs: o.config !== undefined ? readFamilyConfigs(o.config) : undefined,
    };
    await runExperimentCommand({
      info: {
        command: 'demo',
        config: { scenario: scenario.name, ...settings, ...options },
        argv: process.argv.slice(2),
        dataSource: scenario.name === 'pendulums' ? 'simulated:coupled-pendulums' : `scenario:${scenario.name}`,
      },
      out: o.out,
      store: o.store,
      run: async (hooks) => {
        const flags = { oscillators: '--oscillators', trainUntil: '--train-until', until: '--until', noise: '--noise' };
        // The shipped data sets a scenario declares, as Series (the scenarios themselves read no files).
        const datasets = scenario.datasets && Object.fromEntries(await Promise.all(scenario.datasets.map(async (name) => [name, (await readDataset(name)).trajectories[0].series] as const)));
        const run = await asFlags(flags, () => scenario.run({ ...options, settings: datasets ? { ...settings, datasets } : settings, ...hooks, fitter: workerPoolFitter() }));
        return { ...run, output: { truth: run.truth, split: run.split, title: run.title, invariant: run.invariant } };
      },
      extra: (run) => run.lines ?? [],
    });
  });
}

function parseObserve(text: string): 'sum' | 'all' {
  if (text === 'sum' || text === 'all') return text;
  throw new ConfigError(`expected sum or all, got "${text}"`, '--observe');
}
