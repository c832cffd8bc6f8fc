import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, DataError } from '../../core/errors.js';
import { fileProblem, readDataset } from '../../data/read.js';
import { sliceSeries } from '../../data/series.js';
import { getFamily } from '../../models/index.js';
import { parseSavedModel } from '../../models/saved.js';
import { writeFileAtomic } from '../../report/atomic.js';
import { parsePositive } from '../args.js';
import { seriesToCsv } from '../simulate.js';

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .argument('<model.json>', 'a model saved by `lawful fit` or `lawful demo`')
    .summary('forecast with a saved model')
    .description('Load a saved model and forecast from the end of a data file (CSV on stdout unless --out).')
    .requiredOption('--from <data>', 'the observations to forecast from (the model\'s channels, same clock)')
    .requiredOption('--until <T>', 'forecast up to this time')
    .option('--dt <dt>', 'step of the forecast (default: the data\'s last step)')
    .option('--time <column>', 'the time column of the data file')
    .option('--out <file.csv>', 'write the forecast here (atomically) instead of stdout')
    .action(async (modelPath: string, o) => {
      let text: string;
      try {
        text = readFileSync(modelPath, 'utf8');
      } catch (e) {
        throw new DataError(`cannot read the saved model: ${fileProblem(e)}`, { file: modelPath });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new DataError(`is not JSON, so not a saved model (${(e as Error).message})`, { file: modelPath });
      }
      const saved = parseSavedModel(json, modelPath);
      const fitted = getFamily(saved.family).load(saved);
      const channels = saved.training?.channels;
      const ds = await readDataset(o.from, { time: o.time, channels });
      const context = ds.trajectories[0].series;
      const n = context.t.length;
      const last = context.t[n - 1];
      const until = parsePositive('--until', o.until);
      if (!(until > last)) throw new ConfigError(`must be after the data's last time ${last}`, '--until');
      const dt = o.dt !== undefined ? parsePositive('--dt', o.dt) : context.t[n - 1] - context.t[n - 2];
      const steps = Math.floor((until - last) / dt + 1e-9);
      const times = Float64Array.from({ length: steps }, (_, i) => last + (i + 1) * dt);
      const from = saved.training?.from ?? context.t[0];
      const fc = fitted.forecast(times, sliceSeries(context, from, last));
      const csv = seriesToCsv({ t: times, y: fc.mean, names: context.names });
      if (o.out) writeFileAtomic(o.out, csv);
      else process.stdout.write(csv);
      process.stderr.write(`${saved.family}: ${steps} steps from t = ${last} to ${times[steps - 1]}${o.out ? ` → ${o.out}` : ''}\n`);
    });
}
