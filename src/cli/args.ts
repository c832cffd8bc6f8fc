/** Parsing of command-line values, with errors that name the option. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { fileProblem } from '../data/read.js';

/** A finite number, or a ConfigError naming `option`. */
export function parseNumber(option: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new ConfigError(`expected a number, got "${text}"`, option);
  return v;
}

/** A positive number. */
export function parsePositive(option: string, text: string): number {
  const v = parseNumber(option, text);
  if (!(v > 0)) throw new ConfigError(`must be positive, got ${text}`, option);
  return v;
}

/** A non-negative integer. */
export function parseCount(option: string, text: string): number {
  const v = parseNumber(option, text);
  if (!Number.isInteger(v) || v < 0) throw new ConfigError(`expected a whole number ≥ 0, got "${text}"`, option);
  return v;
}

/** A positive integer. */
export function parsePositiveCount(option: string, text: string): number {
  const v = parseNumber(option, text);
  if (!Number.isInteger(v) || v < 1) throw new ConfigError(`expected a whole number ≥ 1, got "${text}"`, option);
  return v;
}

/** Comma-separated positive integers, e.g. "4,2". */
export function parseCountList(option: string, text: string): number[] {
  return text.split(',').map((s) => parsePositiveCount(option, s.trim()));
}

/** `--param k=v` pairs; a vector is written `w=1.0,1.6,2.2`; `true`/`false` become 1/0 for flags. */
export function parseParams(pairs: string[]): Record<string, number | number[]> {
  const out: Record<string, number | number[]> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(`expected name=value, got "${pair}"`, '--param');
    const name = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1).trim();
    const values = raw.split(',').map((s) => {
      const x = s.trim().toLowerCase();
      if (x === 'true') return 1;
      if (x === 'false') return 0;
      return parseNumber(`--param ${name}`, s);
    });
    out[name] = values.length === 1 && !raw.includes(',') ? values[0] : values;
  }
  return out;
}

/** Collects a repeatable option into an array (commander's reducer). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `--config`: an object of family → config overrides, e.g. {"lstm": {"hidden": 32}}, given
 * inline (text starting with `{`) or as the path of a JSON file holding it.
 */
export function readFamilyConfigs(pathOrJson: string): Record<string, Record<string, unknown>> {
  const inline = pathOrJson.trimStart().startsWith('{');
  const what = inline ? 'the inline JSON' : pathOrJson;
  let text = pathOrJson;
  if (!inline) {
    try {
      text = readFileSync(pathOrJson, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read ${pathOrJson}: ${fileProblem(e)}`, '--config');
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${what} is not valid JSON: ${(e as Error).message}`, '--config');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${what} must hold an object of family → config, e.g. {"fourier": {"terms": 6}}`, '--config');
  }
  return value as Record<string, Record<string, unknown>>;
}

/**
 * The families named by `--model a --model b` and/or `--models a,b` (either form in either
 * command; commas allowed in both), in order; undefined when neither was given.
 */
export function modelList(model: string[] | undefined, models: string | undefined): string[] | undefined {
  if (model === undefined && models === undefined) return undefined;
  return [...(model ?? []), ...(models !== undefined ? [models] : [])]
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Runs `work`, renaming the parameter of a ConfigError it throws to the command-line flag
 * that set it (`trainUntil` → `--train-until`), so the user reads the name they typed.
 */
export async function asFlags<T>(flags: Record<string, string>, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const flag = err instanceof ConfigError && err.parameter !== undefined ? flags[err.parameter] : undefined;
    if (flag === undefined) throw err;
    throw new ConfigError((err as ConfigError).message.slice((err as ConfigError).parameter!.length + 2), flag);
  }
}

/**
 * `--equation`: a file in the equation language (docs/equations.md), or the system itself
 * inline (`--equation "x' = -k*x"`). A path that exists is read; text with an `=` is taken
 * as the system; anything else is a file that could not be read.
 */
export function readEquationOption(fileOrText: string): string {
  try {
    return readFileSync(fileOrText, 'utf8');
  } catch (e) {
    if (fileOrText.includes('=')) return fileOrText;
    throw new ConfigError(`cannot read ${fileOrText}: ${fileProblem(e)} (give a .eq file or the equations themselves, e.g. "x' = -k*x")`, '--equation');
  }
}

/**
 * Puts `--equation`'s system into the equation family's config, adding the family when no
 * family was named; refuses it beside a list of families that leaves the equation model out.
 */
export function withEquation(models: string[], configs: Record<string, Record<string, unknown>> | undefined, equations: string | undefined, family = 'equation') {
  if (equations === undefined) return { models, configs };
  if (models.length > 0 && !models.includes(family)) {
    throw new ConfigError(`gives a system to fit, but --model names ${models.join(', ')}; add --model ${family}`, '--equation');
  }
  const own = configs?.[family] ?? {};
  if ('equations' in own) throw new ConfigError(`gives the system twice: in --equation and in --config's "${family}".equations`, '--equation');
  return { models: models.length ? models : [family], configs: { ...configs, [family]: { ...own, equations } } };
}
