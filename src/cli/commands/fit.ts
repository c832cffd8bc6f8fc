import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { families } from '../../models/index.js';
import { formatTable } from '../../report/table.js';
import { RunStore } from '../../runs/store.js';
import { withRun } from '../../runs/with-run.js';
import { collect, parseCount, parseNumber, parsePositive, readFamilyConfigs } from '../args.js';
import { runFit } from '../fit.js';
import { failAllFits, failureLines, lastGoodOf, writeRunOutput } from '../output.js';
import { onInterrupt } from '../interrupt.js';
import { multiProgress } from '../progress.js';

export function registerFit(program: Command): void {
  program
    .command('fit')
    .argument('<data>', 'a CSV, TSV, JSON, JSON Lines or Parquet file: a time column and one or more channels')
    .summary('fit model families to your data and compare how they extrapolate')
    .description('Fit model families to your data on one split and compare how they extrapolate.')
    .option('--model <family>', `family to fit (repeatable): ${families.map((f) => f.family).join(', ')}; oscillator-bank chooses its K ≤ 8 from the data unless --config sets "oscillators"`, collect)
    .option('--config <file.json>', 'per-family config overrides, e.g. {"oscillator-bank": {"oscillators": 2}}')
    .option('--train-until <t>', 'end of the training window, on the data\'s clock')
    .option('--train-fraction <f>', 'or: the training window as a fraction of the time span (default 0.7)')
    .option('--channels <a,b>', 'channels to use (default: every numeric column)')
    .option('--time <column>', 'the time column (default: t/time/…, else the first)')
    .option('--trajectory <id>', 'which trajectory, when the file holds several (default: the first)')
    .option('--fill <how>', 'missing values: error (default), interpolate or drop', 'error')
    .option('--resample <dt>', 'interpolate onto a uniform grid of step dt first (for irregularly sampled files)')
    .option('--seed <s>', 'seed of every fit', '0')
    .option('--out <dir>', 'where to write the table, figure, results.json, index.html and saved models', 'lawful-fit')
    .option('--store <path>', 'run store to record this run in (default $LAWFUL_STORE or ./.lawful/runs.db)')
    .addHelpText(
      'after',
      '\nA fit that diverges stops with a message and keeps its last good state in model-<name>.last-good.json.\n' +
        '\nExamples:\n  lawful fit pendulums.csv --model oscillator-bank --model lstm --train-until 10\n' +
        '  lawful fit real-pendulum --channels theta --resample 0.1667 --model oscillator-bank --model fourier',
    )
    .action(async (data: string, o) => {
      if (o.trainUntil !== undefined && o.trainFraction !== undefined) {
        throw new ConfigError('give --train-until or --train-fraction, not both', '--train-until');
      }
      if (!['error', 'interpolate', 'drop'].includes(o.fill)) throw new ConfigError(`expected error, interpolate or drop, got "${o.fill}"`, '--fill');
      const options = {
        data,
        models: (o.model ?? []) as string[],
        configs: o.config !== undefined ? readFamilyConfigs(o.config) : undefined,
        trainUntil: o.trainUntil !== undefined ? parseNumber('--train-until', o.trainUntil) : undefined,
        trainFraction: o.trainFraction !== undefined ? parseNumber('--train-fraction', o.trainFraction) : undefined,
        read: {
          channels: o.channels !== undefined ? String(o.channels).split(',').map((s: string) => s.trim()) : undefined,
          time: o.time,
          fill: o.fill as 'error' | 'interpolate' | 'drop',
        },
        trajectory: o.trajectory as string | undefined,
        resample: o.resample !== undefined ? parsePositive('--resample', o.resample) : undefined,
        seed: parseCount('--seed', o.seed),
      };
      const store = RunStore.open(o.store);
      const interrupt = onInterrupt();
      try {
        const started = performance.now();
        const info = { command: 'fit', config: options, argv: process.argv.slice(2), dataSource: resolve(data) };
        const { run, files } = await withRun(
          store,
          info,
          async (handle) => {
            interrupt.track(handle);
            const run = await runFit({ ...options, progress: multiProgress(), signal: interrupt.signal });
            for (const w of run.dataset.warnings) process.stderr.write(`note: ${w}\n`);
            if (run.results.models.length === 0) failAllFits(resolve(o.out), run.failures, (text) => process.stdout.write(text));
            const files = await writeRunOutput(resolve(o.out), {
              results: run.results,
              truth: run.series,
              split: run.split,
              predictions: run.predictions,
              saved: run.saved,
              lastGood: lastGoodOf(run.failures),
              title: `${basename(data)} — trained on t ≤ ${+run.split.trainUntil.toPrecision(6)}`,
            });
            return { run, results: run.results, files };
          },
          { signal: interrupt.signal },
        );
        process.stdout.write(formatTable(run.results.models, { until: run.split.until }) + '\n');
        for (const line of failureLines(run.failures, files)) process.stdout.write(`${line}\n`);
        const models = Object.entries(files).filter(([k]) => k.startsWith('model:')).map(([, v]) => v);
        process.stdout.write(
          `\nWrote ${files.png}, ${files.html}, ${files.results}` +
            (models.length ? ` and ${models.length} saved model${models.length > 1 ? 's' : ''} (${models.join(', ')})` : '') +
            ` (${((performance.now() - started) / 1000).toFixed(1)} s); recorded in ${store.path}\n`,
        );
      } finally {
        store.close();
        interrupt.dispose();
      }
    });
}
