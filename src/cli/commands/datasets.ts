import { isAbsolute, relative } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { DATASETS, datasetPath, findDataset, type ShippedDataset } from '../../data/datasets.js';

/** One data set as the terminal shows it: name and description, then its file, columns and citation, indented. */
export function describeDataset(d: ShippedDataset, cwd = process.cwd()): string {
  const width = Math.max(...d.columns.map((c) => c.name.length));
  // Relative to the working directory inside a checkout; absolute for an installed package.
  const near = relative(cwd, datasetPath(d));
  const file = near === '' || near.startsWith('..') || isAbsolute(near) ? datasetPath(d) : near;
  return [
    `${d.name} — ${d.description}`,
    `  file      ${file}`,
    `  columns   ${d.columns.map((c, i) => `${i === 0 ? '' : '            '}${c.name.padEnd(width)}  ${c.meaning}`).join('\n')}`,
    `  citation  ${d.citation}`,
  ].join('\n');
}

export function registerDatasets(program: Command): void {
  program
    .command('datasets')
    .argument('[name]', 'show one data set only')
    .summary('list the data sets shipped with lawful')
    .description('List the data sets shipped with lawful (name, what it is, columns, citation). A name is accepted wherever a data file is.')
    .addHelpText('after', '\nExamples:\n  lawful datasets\n  lawful fit real-pendulum --channels theta --resample 0.1667 --model oscillator-bank')
    .action((name: string | undefined) => {
      if (name !== undefined && findDataset(name) === undefined) {
        throw new ConfigError(`no shipped data set "${name}"; there are: ${DATASETS.map((d) => d.name).join(', ')}`, 'name');
      }
      const shown = name === undefined ? DATASETS : DATASETS.filter((d) => d.name === name);
      process.stdout.write(shown.map((d) => describeDataset(d)).join('\n\n') + '\n');
    });
}
