/**
 * Demo scenarios: `lawful demo --scenario <name>`. Each is a published or classic experiment
 * run end to end as a library call — simulate or load its data, fit its families, score them
 * inside and beyond the window, assemble results.json — and hands the CLI one truth to draw.
 * A new scenario is one file in this folder plus one line in `scenarios` below; the CLI needs
 * no edit. Browser-safe.
 */
import { ConfigError } from '../../core/errors.js';
import type { Series } from '../../data/series.js';
import type { Invariant } from '../../systems/base.js';
import type { Split } from '../evaluate.js';
import type { ExperimentOptions, ExperimentResult } from '../experiment.js';
import type { FamilyConfigs } from '../family-config.js';
import type { ExperimentRecord } from '../record.js';
import { hnnScenario } from './hnn.js';
import { pendulumsScenario } from './pendulums.js';
import { lotkaVolterraUdeScenario } from './lotka-volterra-ude.js';
import { architecturesScenario } from './architectures.js';

/** What every scenario takes from `lawful demo`. */
export interface ScenarioOptions extends Pick<ExperimentOptions, 'fitter' | 'signal' | 'onProgress' | 'onDone' | 'ensemble'> {
  /** Seed of the noise and of every fit. */
  seed: number;
  /** Standard deviation of Gaussian noise on what the models see (the scenario says relative to what). */
  noise: number;
  /** Families to fit; default the scenario's own `models()`. */
  models?: string[];
  /** Per-family config overrides (`--config`). */
  configs?: FamilyConfigs;
  /** Options only this scenario has (the pendulums' `--oscillators`, …), already parsed. */
  settings?: Record<string, unknown>;
}

/** A finished scenario: the experiment's result and what to draw. */
export interface ScenarioRun extends ExperimentResult {
  results: ExperimentRecord;
  /** The signal the models are scored against, drawn behind their forecasts. */
  truth: Series;
  split: Split;
  title: string;
  /** Lines printed after the table (e.g. recovered modes or equations). */
  lines?: string[];
  /** A quantity the drawn system conserves, as a function of the truth's channels: the report adds the phase portrait and the invariant over time. */
  invariant?: Invariant;
}

export interface Scenario {
  name: string;
  /** One line for `--help` and the error listing scenarios. */
  summary: string;
  /** Noise when `--noise` is not given (the scenario says relative to what). Default 0. */
  defaultNoise?: number;
  /** The families fitted unless `--models` says otherwise. */
  models(): string[];
  /** Shipped data sets (`lawful datasets`) the scenario needs; the front end loads them into `settings.datasets`, by name, as Series. */
  datasets?: readonly string[];
  run(options: ScenarioOptions): Promise<ScenarioRun>;
}

/** Every scenario, the default first. */
export const scenarios: readonly Scenario[] = [pendulumsScenario, architecturesScenario, lotkaVolterraUdeScenario, hnnScenario];

/** The scenario called `name`; a ConfigError naming `--scenario` and listing them otherwise. */
export function getScenario(name: string): Scenario {
  const s = scenarios.find((x) => x.name === name);
  if (!s) throw new ConfigError(`unknown scenario "${name}"; scenarios are ${scenarios.map((x) => x.name).join(', ')}`, '--scenario');
  return s;
}
