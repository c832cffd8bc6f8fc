/**
 * Configuration and equations as a scientist reads them (index.html, `lawful runs show`).
 * Browser-safe.
 *
 * Stored records keep what a rerun needs — a system parameter with choices is stored as
 * the index of its choice, so `smallAngle` is `1` — but a reader should see the choice's
 * name, and a 0/1 flag as true/false. Equations printed from fitted numbers read
 * `+ -0.4265`; shown, they read `− 0.4265`.
 */
import { systems } from '../systems/index.js';
import type { SystemParam } from '../systems/base.js';

/** A stored parameter value as its choice: the name, or true/false for a flag; other values unchanged. */
function choiceOf(p: SystemParam, value: unknown): unknown {
  if (!p.choices || typeof value !== 'number' || !Number.isInteger(value) || !Object.hasOwn(p.choices, value)) return value;
  const name = p.choices[value];
  return p.choices.length === 2 && p.choices[0] === 'false' && p.choices[1] === 'true' ? name === 'true' : name;
}

/** `params` of `system` with every choice shown by name (and flags as true/false). */
function namedParams(system: string, params: Record<string, unknown>): Record<string, unknown> {
  const def = systems.find((s) => s.name === system);
  if (!def) return params;
  const byName = new Map(def.params.map((p) => [p.name, p]));
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, byName.has(k) ? choiceOf(byName.get(k)!, v) : v]));
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * A run's configuration for reading: where it names a registered `system`, the parameters
 * stored beside it (`systemParams`, `params`) show choices by name and flags as true/false.
 * A copy; the record is not changed.
 */
export function readableConfig(config: unknown): unknown {
  if (!isRecord(config) || typeof config.system !== 'string') return config;
  const system = config.system;
  const out: Record<string, unknown> = { ...config };
  for (const key of ['systemParams', 'params']) {
    const params = config[key];
    if (isRecord(params)) out[key] = namedParams(system, params);
  }
  return out;
}

/** The configuration as indented JSON, for the report and the terminal. */
export function formatConfig(config: unknown): string {
  return JSON.stringify(readableConfig(config), null, 2);
}

/**
 * An equation as printed from fitted numbers, with signs written once: "+ -0.4265" →
 * "− 0.4265", "− -0.1" → "+ 0.1", and a leading negative number with a minus sign
 * ("= -0.2·x" → "= −0.2·x"). Hyphens inside names (x-1) are left alone.
 */
export function formatEquation(text: string): string {
  return text
    .replace(/([+\-−])\s+-(?=\s*[\d.])/g, (_, op: string) => (op === '+' ? '− ' : '+ '))
    .replace(/(^|[=(,]\s*)-(?=[\d.])/g, '$1−');
}
