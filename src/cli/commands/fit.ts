import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { familyConfigs } from '../../eval/family-config.js';
import { fitExperiment } from '../../eval/fit-experiment.js';
import { families } from '../../models/index.js';
import { DEFAULT_ENSEMBLE, defaultEnsemble } from '../../models/ensemble.js';
import { resolveDataPath } from '../../data/datasets.js';
import { readDataset } from '../../data/read.js';
import { asFlags, collect, modelList, parseCount, parseNumber, parsePositive, parsePositiveCount, readEquationOption, readFamilyConfigs, withEquation } from '../args.js';
import { formatTime, runExperimentCommand } from '../experiment-command.js';
import { workerPoolFitter } from '../fit-pool.js';

export function registerFit(program: Command): void {
  program
    .command('fit')
    .argument('<data>', 'a CSV, TSV, JSON, JSON Lines or Parquet file: a time column and one or more channels')
    .summary('fit model families to your data and compare how they extrapolate')
    .description('Fit model families to your data on one split and compare how they extrapolate.')
    .option('--model <family>', `family to fit (repeatable, or comma-separated): ${families.map((f) => f.family).join(', ')}; oscillator-bank chooses its K ≤ 8 from the data unless --config sets "oscillators"`, collect)
    .option('--models <a,b,...>', 'the same, as one comma-separated list')
    .option('--config <json|file.json>', 'per-family config overrides, inline or in a file, e.g. \'{"oscillator-bank": {"oscillators": 2}}\'')
    .option('--equation <file.eq|text>', 'the system for --model equation, in the equation language: a .eq file or the equations inline (docs/equations.md)')
    .option('--train-until <t>', 'end of the training window, on the data\'s clock')
    .option('--train-fraction <f>', 'or: the training window as a fraction of the time span (default 0.7)')
    .option('--channels <a,b>', 'channels to use (default: every numeric column)')
    .option('--state <q,p>', 'the same, named as the state of a phase-space model (hnn, lnn, mlp-vector-field): positions first, then momenta or velocities')
    .option('--time <column>', 'the time column (default: t/time/…, else the first)')
    .option('--trajectory <id>', 'which trajectory, when the file holds several (default: the first)')
    .option('--fill <how>', 'missing values: error (default), interpolate or drop', 'error')
    .option('--resample <dt>', 'interpolate onto a uniform grid of step dt first (for irregularly sampled files)')
    .option('--invariant <expr>', 'a quantity the system conserves, as an expression of the channels in the equation language, e.g. "E = p^2/2 + 1 - cos(q)": the report adds the phase portrait and the invariant over time, truth against each model')
    .option('--seed <s>', 'seed of every fit', '0')
    .option('--ensemble <N>', `members of a deep ensemble over seeds (s, s+1, …) for the families trained from random weights, trained in parallel; its spread gives the forecast its intervals (default ${DEFAULT_ENSEMBLE} for ${families.filter((f) => defaultEnsemble(f) > 1).map((f) => f.family).join(', ')}; 1 for ${families.filter((f) => f.capabilities?.ensembles && defaultEnsemble(f) === 1).map((f) => f.family).join(' and ')}, whose fits take minutes)`)
    .option('--out <dir>', 'folder for the table, figures, results.json, index.html and saved models (replaced whole)', 'lawful-fit')
    .option('--store <path>', 'run store to record this run in (default $LAWFUL_STORE or ./.lawful/runs.db)')
    .addHelpText(
      'after',
      '\nA fit that diverges stops with a message and keeps its last good state in model-<name>.last-good.json.\n' +
        'Ctrl-C stops the fits: the report covers the models that had finished, and the run is recorded as interrupted.\n' +
        `\nExamples:\n  lawful fit pendulums.csv --model ${families[0].family} --model lstm --train-until 10\n` +
        `  lawful fit real-pendulum --channels theta --resample 0.1667 --models ${families[0].family},fourier --config '{"fourier": {"terms": 6}}'`,
    )
    .action(async (data: string, o) => {
      if (o.trainUntil !== undefined && o.trainFraction !== undefined) {
        throw new ConfigError('give --train-until or --train-fraction, not both', '--train-until');
      }
      if (!['error', 'interpolate', 'drop'].includes(o.fill)) throw new ConfigError(`expected error, interpolate or drop, got "${o.fill}"`, '--fill');
      const eq = o.equation !== undefined ? readEquationOption(String(o.equation)) : undefined;
      const { models, configs } = withEquation(modelList(o.model, o.models) ?? [], o.config !== undefined ? readFamilyConfigs(o.config) : undefined, eq);
      try {
        familyConfigs(models, configs); // every option is checked before the data is read
      } catch (e) {
        // A mistake in --equation's system is reported against the flag the user typed.
        const own = '--config: equation.equations: ';
        if (eq !== undefined && e instanceof ConfigError && e.message.startsWith(own)) throw new ConfigError(e.message.slice(own.length), '--equation');
        throw e;
      }
      if (o.channels !== undefined && o.state !== undefined) throw new ConfigError('is the same as --channels: give one of them', '--state');
      const channelsFlag = o.state !== undefined ? '--state' : '--channels';
      const channelList = (o.state ?? o.channels) as string | undefined;
      const options = {
        data,
        models,
        configs,
        trainUntil: o.trainUntil !== undefined ? parseNumber('--train-until', o.trainUntil) : undefined,
        trainFraction: o.trainFraction !== undefined ? parseNumber('--train-fraction', o.trainFraction) : undefined,
        read: {
          channels: channelList !== undefined ? String(channelList).split(',').map((s: string) => s.trim()) : undefined,
          time: o.time as string | undefined,
          fill: o.fill as 'error' | 'interpolate' | 'drop',
        },
        trajectory: o.trajectory as string | undefined,
        resample: o.resample !== undefined ? parsePositive('--resample', o.resample) : undefined,
        seed: parseCount('--seed', o.seed),
        ensemble: o.ensemble !== undefined ? parsePositiveCount('--ensemble', o.ensemble) : undefined,
        invariant: o.invariant as string | undefined,
      };
      await runExperimentCommand({
        info: { command: 'fit', config: options, argv: process.argv.slice(2), dataSource: resolve(resolveDataPath(data)) },
        out: o.out,
        store: o.store,
        run: async (hooks) => {
          const dataset = await asFlags({ channels: channelsFlag, time: '--time', fill: '--fill' }, () => readDataset(data, options.read));
          const traj = options.trajectory === undefined ? dataset.trajectories[0] : dataset.trajectories.find((x) => x.id === options.trajectory);
          if (!traj) {
            throw new ConfigError(`no trajectory "${options.trajectory}" in ${data} (has ${dataset.trajectories.map((x) => x.id).join(', ')})`, '--trajectory');
          }
          const flags = { dt: '--resample', trainUntil: '--train-until', trainFraction: '--train-fraction', invariant: '--invariant' };
          const run = await asFlags(flags, () =>
            fitExperiment({
              ...options,
              ...hooks,
              series: traj.series,
              source: data,
              fingerprint: dataset.fingerprint,
              recordConfig: { read: options.read, trajectory: traj.id },
              fitter: workerPoolFitter(),
            }),
          );
          const title = `${basename(data)} — trained on t ≤ ${formatTime(run.split.trainUntil)}`;
          return { ...run, output: { truth: run.series, split: run.split, title, invariant: run.invariant }, notes: dataset.warnings };
        },
      });
    });
}
