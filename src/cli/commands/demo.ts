import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { referenceModels, runReferenceExperiment, type ReferenceRun } from '../../eval/reference-run.js';
import { formatMetric } from '../../report/format.js';
import { asFlags, collect, modelList, parseCount, parseCountList, parseNumber, parsePositive, parsePositiveCount, readFamilyConfigs } from '../args.js';
import { formatTime, runExperimentCommand } from '../experiment-command.js';
import { workerPoolFitter } from '../fit-pool.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .summary('the reference experiment: coupled pendulums, an oscillator bank that extrapolates, an LSTM that does not')
    .description(
      'The reference experiment: N coupled pendulums observed as one signal, every model trained on ' +
        't ≤ 10 and asked to forecast to t = 30. An oscillator bank with enough oscillators extrapolates; ' +
        'with too few it mimics the system only partly; an LSTM fits the window and fails beyond it.',
    )
    .option('--oscillators <N>', 'number of coupled pendulums', '4')
    .option('--nonlinear', 'full-amplitude pendulums (sin θ) instead of the small-angle form')
    .option('--observe <what>', "what the models see: sum (one signal y = Σ θᵢ) or all (every pendulum's angle)", 'sum')
    .option('--bank <K1,K2,...>', 'sizes of the models that come in sizes, e.g. the oscillator bank (default: N and 2)')
    .option('--train-until <t>', 'end of the training window', '10')
    .option('--until <T>', 'end of the forecast horizon', '30')
    .option('--noise <sigma>', 'standard deviation of Gaussian noise on the observed signal', '0')
    .option('--seed <s>', 'seed of the noise and of every fit', '0')
    .option('--models <a,b,...>', `model families to fit (default ${referenceModels().join(',')})`)
    .option('--model <family>', 'the same, one family at a time (repeatable)', collect)
    .option('--config <json|file.json>', 'per-family config overrides, inline or in a file, e.g. \'{"lstm": {"hidden": 32}}\'')
    .option('--out <dir>', 'folder for figure.svg/png, results.json, index.html and saved models (replaced whole)', 'lawful-demo')
    .option('--store <path>', 'run store to record this run in (default $LAWFUL_STORE or ./.lawful/runs.db)')
    .addHelpText('after', '\nExamples:\n  lawful demo\n  lawful demo --noise 0.05 --out noisy\n  lawful demo --bank 4,3,2 --models oscillator-bank,fourier\n  lawful demo --nonlinear\n  lawful demo --oscillators 8 --observe all --models oscillator-bank')
    .action(async (o) => {
      const options = {
        oscillators: parsePositiveCount('--oscillators', o.oscillators),
        nonlinear: Boolean(o.nonlinear),
        observe: parseObserve(o.observe),
        bank: o.bank !== undefined ? parseCountList('--bank', o.bank) : undefined,
        trainUntil: parsePositive('--train-until', o.trainUntil),
        until: parsePositive('--until', o.until),
        noise: parseNumber('--noise', o.noise),
        seed: parseCount('--seed', o.seed),
        models: modelList(o.model, o.models),
        configs: o.config !== undefined ? readFamilyConfigs(o.config) : undefined,
      };
      await runExperimentCommand({
        info: { command: 'demo', config: options, argv: process.argv.slice(2), dataSource: 'simulated:coupled-pendulums' },
        out: o.out,
        store: o.store,
        run: async (hooks) => {
          const flags = { oscillators: '--oscillators', trainUntil: '--train-until', until: '--until', noise: '--noise' };
          const run = await asFlags(flags, () => runReferenceExperiment({ ...options, ...hooks, fitter: workerPoolFitter() }));
          const c = run.data.config;
          const seen = c.observe === 'all' ? 'each pendulum observed' : 'seen as y = Σ θᵢ';
          const title = `${c.oscillators} coupled ${c.nonlinear ? '' : 'small-angle '}pendulums ${seen} — trained on t ≤ ${formatTime(c.trainUntil)}`;
          return { ...run, output: { truth: run.data.truth, split: run.data.split, title } };
        },
        extra: (run) => modeLines(run),
      });
    });
}

function parseObserve(text: string): 'sum' | 'all' {
  if (text === 'sum' || text === 'all') return text;
  throw new ConfigError(`expected sum or all, got "${text}"`, '--observe');
}

/** The true modes, and each model's recovered ones (families that report modes), as the terminal shows them. */
export function modeLines(run: Pick<ReferenceRun, 'results' | 'data'>): string[] {
  const { results, data } = run;
  const truth = data.modes.map((m) => `${m.frequency.toFixed(4)} (${(100 * m.varianceShare).toFixed(1)}%)`).join(', ');
  const which = data.config.nonlinear ? 'Modes of the small-angle linearisation' : 'True modes';
  const lines = [`${which}, rad/s (share of the window's variance): ${truth}`];
  for (const m of results.models) {
    const rec = m.describe.recoveredModes as { fittedFrequency: number; relativeError: number }[] | undefined;
    if (!rec) continue;
    const worst = Math.max(...rec.map((r) => r.relativeError));
    lines.push(`${m.name}: fitted modes ${[...new Set(rec.map((r) => r.fittedFrequency.toFixed(4)))].join(', ')} (worst relative error against the ${rec.length === data.modes.length ? '' : `${rec.length} strongest `}true modes ${formatMetric(worst)})`);
  }
  return lines;
}
