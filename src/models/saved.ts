/**
 * Reading saved models (`lawful forecast MODEL.json`): the schema and version are checked
 * before any family sees the file, and every problem is named with its field.
 */
import { z } from 'zod';
import { DataError } from '../core/errors.js';
import type { SavedModel } from './base.js';

const layoutSchema = z.array(z.object({ name: z.string(), offset: z.number().int().nonnegative(), shape: z.array(z.number().int().nonnegative()) }));

const savedSchema = z.object({
  format: z.literal('lawful-model'),
  version: z.literal(1),
  lawful: z.string(),
  family: z.string().min(1),
  config: z.record(z.string(), z.unknown()),
  layout: layoutSchema,
  params: z.array(z.number()),
  extra: z.record(z.string(), z.unknown()).optional(),
  training: z
    .object({ from: z.number(), until: z.number(), channels: z.array(z.string()), fingerprint: z.string().optional() })
    .loose()
    .optional(),
});

/**
 * Validates parsed JSON as a saved model. Throws a DataError naming `source` and each bad
 * field; a file from a newer format version says so rather than failing on a detail.
 */
export function parseSavedModel(value: unknown, source = 'model.json'): SavedModel {
  const v = value as { format?: unknown; version?: unknown } | null;
  if (v && typeof v === 'object' && v.format === 'lawful-model' && typeof v.version === 'number' && v.version > 1) {
    throw new DataError(`saved with model format version ${v.version}; this lawful reads version 1 — upgrade lawful`, { file: source });
  }
  const parsed = savedSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new DataError(`not a lawful saved model: ${problems.join('; ')}`, { file: source });
  }
  const m = parsed.data as SavedModel;
  const needed = m.layout.reduce((n, b) => Math.max(n, b.offset + b.shape.reduce((a, d) => a * d, 1)), 0);
  if (m.params.length < needed) {
    throw new DataError(`params has ${m.params.length} values but the layout needs ${needed}`, { file: source, column: 'params' });
  }
  return m;
}
