/**
 * The data sets shipped in the repository's `datasets/` folder (and in the npm package),
 * reachable by name as Darts and scikit-learn ship their classic data sets: `lawful
 * datasets` lists them, and `readDataset` accepts a name wherever it takes a file path.
 * Node only: it resolves files next to the installed package.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One column of a shipped data set. */
export interface DatasetColumn {
  name: string;
  /** What it holds, with its unit. Example: `'pendulum angle from the bottom [rad]'`. */
  meaning: string;
}

/** A data set shipped with lawful. */
export interface ShippedDataset {
  /** The name users type, e.g. `'real-pendulum'`. Lower case, words joined by `-`. */
  name: string;
  /** One line: what it is. */
  description: string;
  /** The file that the name stands for, relative to `datasets/`. Example: `'real-pendulum/real_pendulum.csv'`. */
  file: string;
  columns: DatasetColumn[];
  /** The published source to cite. */
  citation: string;
}

/** Every shipped data set; the folder's README.md beside each file says more (source, licence, sampling). */
export const DATASETS: readonly ShippedDataset[] = [
  {
    name: 'real-pendulum',
    description: 'a real, damped pendulum: angle and angular velocity, 556 samples every 1/6 time unit on [5, 99.5], with 10 gaps',
    file: 'real-pendulum/real_pendulum.csv',
    columns: [
      { name: 'trial', meaning: 'trial index (always 0: one trajectory)' },
      { name: 't', meaning: 'time (units not stated in the source; seconds-like)' },
      { name: 'theta', meaning: 'pendulum angle from the bottom [rad]' },
      { name: 'omega', meaning: 'angular velocity dθ/dt [rad per unit of t]' },
    ],
    citation: 'M. Schmidt and H. Lipson, "Distilling Free-Form Natural Laws from Experimental Data", Science 324(5923):81–85, 2009',
  },
];

/**
 * The `datasets/` folder: beside `src/` in a checkout and beside `dist/` in the installed
 * package (both are one level below the package root, as this file is one level below them).
 */
export const DATASETS_DIR = fileURLToPath(new URL('../../datasets/', import.meta.url));

/** The shipped data set called `name`, or undefined. */
export function findDataset(name: string): ShippedDataset | undefined {
  return DATASETS.find((d) => d.name === name);
}

/** Absolute path of a shipped data set's file. */
export function datasetPath(d: ShippedDataset): string {
  return fileURLToPath(new URL(`../../datasets/${d.file}`, import.meta.url));
}

/**
 * What a data argument names: the file at `pathOrName` if one exists there (a file wins
 * over a data set of the same name), else the shipped data set of that name, else the path
 * unchanged (so that reading it reports "no such file").
 */
export function resolveDataPath(pathOrName: string): string {
  if (existsSync(pathOrName)) return pathOrName;
  const d = findDataset(pathOrName);
  return d === undefined ? pathOrName : datasetPath(d);
}
