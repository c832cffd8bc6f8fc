/**
 * `lawful forecast MODEL.json --from DATA --until T`: argument parsing and printing only;
 * loading, checking and forecasting are the library's (models/load.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, DataError } from '../../core/errors.js';
import { fileProblem, readDataset } from '../../data/read.js';
import { offGrid, type Series } from '../../data/series.js';
import { forecastFrom, forecastTimes, loadModel } from '../../models/load.js';
import { writeFileAtomic } from '../../report/atomic.js';
import { parseNumber, parsePositive } from '../args.js';

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .argument('<model.json>', 'a model saved by `lawful fit` or `lawful demo`')
    .summary('forecast with a saved model')
    .description('Load a saved model and forecast from the end of a data file (CSV on stdout unless --out).')
    .requiredOption('--from <data>', 'the observations to forecast from (the model\'s channels, same clock)')
    .requiredOption('--until <T>', 'forecast up to this time, on the data\'s clock (any sign)')
    .option('--dt <dt>', 'step of the forecast (default: the data\'s sampling step)')
    .option('--time <column>', 'the time column of the data file')
    .option('--out <file.csv>', 'write the forecast here (atomically) instead of stdout')
    .action(async (modelPath: string, o) => {
      let text: string;
      try {
        text = readFileSync(modelPath, 'utf8');
      } catch (e) {
        throw new DataError(`cannot read the saved model: ${fileProblem(e)}`, { file: modelPath });
      }
      const loaded = loadModel(text, modelPath);
      const until = parseNumber('--until', o.until);
      const dtFlag = o.dt !== undefined ? parsePositive('--dt', o.dt) : undefined;
      const ds = await readDataset(o.from, { time: o.time, channels: loaded.saved.training?.channels });
      const context = ds.trajectories[0].series;
      const n = context.t.length;
      const last = context.t[n - 1];
      const dt = dtFlag ?? samplingStep(context);
      const times = forecastTimes(last, until, dt, { until: '--until', dt: '--dt' });
      const fc = forecastFrom(loaded, context, times);
      const header = [ds.timeColumn, ...context.names].map((c) => (ds.units[c] ? `${c} [${ds.units[c]}]` : c));
      const csv = toCsv(header, times, fc.mean);
      if (o.out) writeFileAtomic(o.out, csv);
      else process.stdout.write(csv);
      process.stderr.write(`${loaded.saved.family}: ${times.length} step${times.length > 1 ? 's' : ''} from t = ${last} to ${times[times.length - 1]}${o.out ? ` → ${o.out}` : ''}\n`);
    });
}

/** The data's sampling step: the mean step of a uniform clock, else its last step. */
function samplingStep(s: Series): number {
  const n = s.t.length;
  if (n < 2) throw new ConfigError('the data has a single sample, so no sampling step: give the forecast step', '--dt');
  return offGrid(s.t) < 0 ? (s.t[n - 1] - s.t[0]) / (n - 1) : s.t[n - 1] - s.t[n - 2];
}

function toCsv(header: string[], t: Float64Array, y: Float64Array[]): string {
  const rows = [header.map(csvField).join(',')];
  for (let i = 0; i < t.length; i++) rows.push([t[i], ...y.map((c) => c[i])].map(String).join(','));
  return rows.join('\n') + '\n';
}

/** A header field quoted as CSV needs it (a name with a comma, quote or newline). */
function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
