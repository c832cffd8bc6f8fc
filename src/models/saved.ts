/**
 * The saved-model form, written and read in one place: the header every family's `toJSON`
 * starts with, the generic checks (format, version, header fields) and the pieces each
 * family's schema is built from. A damaged saved model has one meaning everywhere: a
 * `DataError` naming the file and the first bad field (`params[3]`, `extra.dt`,
 * `config.oscillators`), never a TypeError, a NaN forecast or a silently wrong one.
 */
import { z } from 'zod';
import { ConfigError, DataError } from '../core/errors.js';
import type { ParamLayout } from '../core/params.js';
import { LAWFUL_VERSION } from '../core/version.js';
import type { SavedModel } from './base.js';

/** The `format` tag of every saved model. */
export const SAVED_FORMAT = 'lawful-model';
/** The saved-model format version this lawful writes and reads. */
export const SAVED_VERSION = 1;

/**
 * Largest magnitude a saved parameter may have. No fit produces one near it (fits work on
 * standardised or ESPRIT-scaled quantities), and a few products of two such values already
 * leave float64, so anything beyond it is damage, refused by name before it becomes NaN.
 */
export const PARAM_LIMIT = 1e100;

/** The header of a saved model of `family` (format, version, the lawful that wrote it). */
export function savedHeader(family: string): Pick<SavedModel, 'format' | 'version' | 'lawful' | 'family'> {
  return { format: SAVED_FORMAT, version: SAVED_VERSION, lawful: LAWFUL_VERSION, family };
}

/** A finite number (zod 4 refuses ±Infinity and NaN in z.number()). */
export const finite = z.number();
/** A finite, strictly positive number. */
export const positive = z.number().positive();
/** A saved parameter: finite and within ±PARAM_LIMIT. */
export const param = z.number().refine((v) => Math.abs(v) <= PARAM_LIMIT, { message: `beyond ±${PARAM_LIMIT}, not a fitted value` });

/** The `training` block: the window the model was fitted on and its channel names. */
export const trainingSchema = z
  .object({ from: finite, until: finite, channels: z.array(z.string()).min(1), fingerprint: z.string().optional() })
  .refine((t) => t.until >= t.from, { message: 'until is before from', path: ['until'] });

/** The header fields, checked before any family sees the file. */
const headerSchema = z.object({
  format: z.literal(SAVED_FORMAT),
  version: z.literal(SAVED_VERSION),
  lawful: z.string(),
  family: z.string().min(1),
});

/** A zod path as a reader writes it: `config.oscillators`, `params[3]`, `layout[1].shape[0]`. */
export function fieldName(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(the whole file)';
}

/**
 * The DataError for a zod failure: the first bad field and what is wrong with it, one line.
 * Unknown keys go first: a model relabelled as another family shows its foreign options
 * ("config: Unrecognized keys: "oscillators", …") rather than the first option it lacks.
 */
function damaged(error: z.ZodError, source: string): DataError {
  const issues = [...error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const [first] = issues;
  let message = first.message.replace(/\s+/g, ' ');
  if (message.length > 160) message = `${message.slice(0, 157)}…`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return new DataError(`${fieldName(first.path)}: ${message}${more}`, { file: source });
}

/**
 * Checks a family's whole saved form against its schema. Throws a DataError naming
 * `source` and the first bad field; returns the parsed value otherwise.
 */
export function validateSaved<T>(schema: z.ZodType<T>, saved: unknown, source = 'saved model'): T {
  const parsed = schema.safeParse(saved);
  if (!parsed.success) throw damaged(parsed.error, source);
  return parsed.data;
}

/**
 * Checks the header (format, newer version, family name) of parsed JSON. A file from a
 * newer format version says so rather than failing on a detail. The rest of the form is
 * the family's to check (ModelFamily.load).
 */
export function parseSavedModel(value: unknown, source = 'saved model'): SavedModel {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataError('not a lawful saved model: expected a JSON object', { file: source });
  }
  const v = value as { format?: unknown; version?: unknown };
  if (v.format === SAVED_FORMAT && typeof v.version === 'number' && v.version > SAVED_VERSION) {
    throw new DataError(`saved with model format version ${v.version}; this lawful reads version ${SAVED_VERSION} — upgrade lawful`, { file: source });
  }
  validateSaved(headerSchema, value, source);
  return value as SavedModel;
}

/**
 * Refinement helper: adds an issue at `path` unless `layout` equals `expected` block by
 * block (name, offset, shape), so a layout of the wrong shape is named where it differs.
 */
export function checkLayout(layout: ParamLayout, expected: ParamLayout, ctx: z.RefinementCtx, what: string): void {
  if (layout.length !== expected.length) {
    ctx.addIssue({ code: 'custom', path: ['layout'], message: `has ${layout.length} blocks; ${what} has ${expected.length} (${expected.map((b) => b.name).join(', ')})` });
    return;
  }
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = [layout[i], expected[i]];
    if (a.name !== b.name) ctx.addIssue({ code: 'custom', path: ['layout', i, 'name'], message: `is "${a.name}"; ${what} has "${b.name}" here` });
    else if (a.offset !== b.offset) ctx.addIssue({ code: 'custom', path: ['layout', i, 'offset'], message: `is ${a.offset}; ${what} puts ${b.name} at ${b.offset}` });
    else if (a.shape.length !== b.shape.length || a.shape.some((d, k) => d !== b.shape[k])) {
      ctx.addIssue({ code: 'custom', path: ['layout', i, 'shape'], message: `is [${a.shape.join(', ')}]; ${what} has ${b.name} of shape [${b.shape.join(', ')}]` });
    }
  }
}

/** Refinement helper: adds an issue unless `params` has exactly `n` entries. */
export function checkParamCount(params: readonly number[], n: number, ctx: z.RefinementCtx, what: string): void {
  if (params.length !== n) ctx.addIssue({ code: 'custom', path: ['params'], message: `has ${params.length} values; ${what} has ${n}` });
}

/**
 * Runs a family's config check inside a saved-model schema's refinement: a ConfigError
 * becomes an issue on `config.<option>` (so the DataError names the field). Returns whether
 * the config passed; a refinement stops when it did not.
 */
export function configIssues(ctx: z.RefinementCtx, check: () => void): boolean {
  try {
    check();
    return true;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    ctx.addIssue({ code: 'custom', path: ['config', e.parameter ?? ''], message: e.message.slice((e.parameter ?? '').length + 2) });
    return false;
  }
}
