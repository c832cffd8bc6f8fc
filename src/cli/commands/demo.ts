import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatMetric } from '../../report/format.js';
import { RunStore } from '../../runs/store.js';
import { withRun } from '../../runs/with-run.js';
import { formatTable } from '../../report/table.js';
import { asFlags, parseCount, parseCountList, parseNumber, parsePositive, parsePositiveCount, readFamilyConfigs } from '../args.js';
import { DEMO_MODELS, runDemo, writeDemo, type DemoRun } from '../demo.js';
import { onInterrupt } from '../interrupt.js';
import { multiProgress } from '../progress.js';
import { failAllFits, failureLines } from '../output.js';

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
    .option('--bank <K1,K2,...>', 'sizes of the oscillator banks to fit (default: N and 2)')
    .option('--train-until <t>', 'end of the training window', '10')
    .option('--until <T>', 'end of the forecast horizon', '30')
    .option('--noise <sigma>', 'standard deviation of Gaussian noise on the observed signal', '0')
    .option('--seed <s>', 'seed of the noise and of every fit', '0')
    .option('--models <a,b,...>', `model families to fit (default ${DEMO_MODELS.join(',')})`)
    .option('--config <file.json>', 'per-family config overrides, e.g. {"lstm": {"hidden": 32}}')
    .option('--out <dir>', 'where to write figure.svg/png, results.json, index.html', 'lawful-demo')
    .option('--store <path>', 'run store to record this run in (default $LAWFUL_STORE or ./.lawful/runs.db)')
    .addHelpText('after', '\nExamples:\n  lawful demo\n  lawful demo --noise 0.05 --out noisy\n  lawful demo --bank 4,3,2 --models oscillator-bank,fourier')
    .action(async (o) => {
      const options = {
        oscillators: parsePositiveCount('--oscillators', o.oscillators),
        nonlinear: Boolean(o.nonlinear),
        bank: o.bank !== undefined ? parseCountList('--bank', o.bank) : undefined,
        trainUntil: parsePositive('--train-until', o.trainUntil),
        until: parsePositive('--until', o.until),
        noise: parseNumber('--noise', o.noise),
        seed: parseCount('--seed', o.seed),
        models: o.models !== undefined ? String(o.models).split(',').map((s: string) => s.trim()) : undefined,
        configs: o.config !== undefined ? readFamilyConfigs(o.config) : undefined,
      };
      const store = RunStore.open(o.store);
      const interrupt = onInterrupt();
      try {
        const started = performance.now();
        const info = { command: 'demo', config: options, argv: process.argv.slice(2), dataSource: 'simulated:coupled-pendulums' };
        const { run, files } = await withRun(
          store,
          info,
          async (handle) => {
            interrupt.track(handle);
            const flags = { oscillators: '--oscillators', trainUntil: '--train-until', until: '--until', noise: '--noise' };
            const run = await asFlags(flags, () => runDemo({ ...options, progress: multiProgress(), signal: interrupt.signal }));
            if (run.results.models.length === 0) failAllFits(resolve(o.out), run.failures, (text) => process.stdout.write(text));
            return { run, results: run.results, files: await writeDemo(resolve(o.out), run) };
          },
          { signal: interrupt.signal },
        );
        process.stdout.write(summary(run, files) + '\n');
        process.stdout.write(`\nWrote ${files.png}, ${files.html} and ${files.results} (${((performance.now() - started) / 1000).toFixed(1)} s); recorded in ${store.path}\n`);
      } finally {
        store.close();
        interrupt.dispose();
      }
    });
}

/** The table, the recovered modes and the LSTM-vs-persistence check, as the terminal shows them. */
export function summary(run: DemoRun, files: Record<string, string> = {}): string {
  const { results, data } = run;
  const lines = [formatTable(results.models, { until: results.split.until })];
  const truth = data.modes.map((m) => `${m.frequency.toFixed(4)} (${(100 * m.varianceShare).toFixed(1)}%)`).join(', ');
  const which = data.config.nonlinear ? 'Modes of the small-angle linearisation' : 'True modes';
  lines.push(`\n${which}, rad/s (share of the window's variance): ${truth}`);
  for (const m of results.models) {
    const rec = m.describe.recoveredModes as { fittedFrequency: number; relativeError: number }[] | undefined;
    if (!rec) continue;
    const worst = Math.max(...rec.map((r) => r.relativeError));
    lines.push(`${m.name}: fitted modes ${[...new Set(rec.map((r) => r.fittedFrequency.toFixed(4)))].join(', ')} (worst relative error against the ${rec.length === data.modes.length ? '' : `${rec.length} strongest `}true modes ${formatMetric(worst)})`);
  }
  lines.push(...failureLines(run.failures, files));
  return lines.join('\n');
}
