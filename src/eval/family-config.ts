/**
 * A family's configuration for an experiment: its defaults with the user's overrides
 * (`--config`), checked before any data is read or fit started.
 */
import { ConfigError } from '../core/errors.js';
import { getFamily } from '../models/index.js';

/** Per-family overrides, e.g. `{ "lstm": { "hidden": 32 } }`. */
export type FamilyConfigs = Record<string, Record<string, unknown>>;

/**
 * A family's defaults with the user's overrides, refusing what cannot be meant: a family the
 * overrides name but the run does not fit, or an option the family does not have (a typo
 * would otherwise be silently ignored), or a value the family's `check` refuses. Errors name
 * `--config` (the flag that carries the overrides).
 *
 * @param fitted every family of the run, to tell a misplaced override from a typo.
 */
export function familyConfig(family: string, configs: FamilyConfigs | undefined, fitted: readonly string[]): Record<string, unknown> {
  for (const name of Object.keys(configs ?? {})) {
    if (!fitted.includes(name)) throw new ConfigError(`has options for "${name}", which this run does not fit (fitting ${fitted.join(', ')})`, '--config');
  }
  const defaults = getFamily(family).defaults as Record<string, unknown>;
  const overrides = configs?.[family] ?? {};
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new ConfigError(`"${family}" must map to an object of options`, '--config');
  }
  for (const key of Object.keys(overrides)) {
    if (!Object.hasOwn(defaults, key)) throw new ConfigError(`${family} has no option "${key}"; it has ${Object.keys(defaults).join(', ')}`, '--config');
  }
  const config = { ...defaults, ...overrides };
  try {
    getFamily(family).check?.(config); // a bad value is refused before any data is read or fit started
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${family}.${err.message}`, '--config');
    throw err;
  }
  return config;
}

/**
 * The configurations of `models` (each family named once), checked as `familyConfig` does;
 * a ConfigError naming `--model` when none or a repeated one is given.
 */
export function familyConfigs(models: readonly string[], configs?: FamilyConfigs): Record<string, unknown>[] {
  if (models.length === 0) throw new ConfigError('name at least one family, e.g. --model fourier', '--model');
  if (new Set(models).size !== models.length) throw new ConfigError(`a family is named twice: ${models.join(', ')}`, '--model');
  return models.map((family) => familyConfig(family, configs, models));
}
