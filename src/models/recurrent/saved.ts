/**
 * A recurrent network's saved form (lstm, gru), checked whole before a network is rebuilt
 * from it: the configuration (types, then the family's own range checks), the normalisation
 * of every channel (finite means, positive standard deviations), the sampling step, and a
 * layout and parameter count that match the cell's layout for that many channels and hidden
 * units. Models saved before the training options existed load with their defaults.
 */
import { z } from 'zod';
import type { CellKind } from '../../nn/closed-loop.js';
import type { SavedModel } from '../base.js';
import { checkLayout, checkParamCount, configIssues, finite, param, positive, trainingSchema, validateSaved } from '../saved.js';
import { checkConfig, DEFAULTS, type RecurrentConfig } from './config.js';

/** Hidden units beyond this are damage: the network's buffers would not fit in memory. */
const MAX_HIDDEN = 4096;

const count = z.number().int();
const configSchema = z.strictObject({
  hidden: count.min(1).max(MAX_HIDDEN),
  window: count,
  burnIn: count,
  batch: count,
  shares: count,
  lr: finite,
  lrDropFactor: finite,
  clipNorm: finite,
  maxSteps: count,
  validationFraction: finite,
  evalEvery: count,
  patience: count,
  maxValidationTargets: count,
  finalPass: z.enum(['early-stopped', 'continue', 'retrain']),
  continueFraction: finite,
  // Absent from models saved before the option existed: those were trained in float64.
  precision: z.enum(['float32', 'float64']).default('float64'),
  training: z.enum(['one-step', 'rollout', 'scheduled']).optional(),
  horizon: count.optional(),
  horizonStart: count.optional(),
  curriculumFraction: finite.optional(),
  inputNoise: finite.optional(),
  increments: z.boolean().optional(),
  stride: count.optional(),
  stateful: z.boolean().optional(),
});

const savedSchema = (cell: CellKind) => z
  .object({
    family: z.literal(cell.name),
    config: configSchema,
    layout: z.array(z.object({ name: z.string(), offset: count, shape: z.array(count) })),
    params: z.array(param),
    extra: z.strictObject({
      mean: z.array(param).min(1),
      std: z.array(positive.refine((v) => v <= 1e100, { message: 'is beyond 1e100' })).min(1),
      dt: positive,
      stepsTrained: count.nonnegative(),
      bestValLoss: z.number().nonnegative().nullable(),
      incrementScale: z.array(positive.refine((v) => v <= 1e100, { message: 'is beyond 1e100' })).optional(),
    }),
    training: trainingSchema,
  })
  .loose()
  .superRefine((m, ctx) => {
    if (!configIssues(ctx, () => checkConfig({ ...DEFAULTS, ...m.config }))) return;
    const C = m.training.channels.length;
    if (m.extra.mean.length !== C) ctx.addIssue({ code: 'custom', path: ['extra', 'mean'], message: `has ${m.extra.mean.length} entries for ${C} channels` });
    if (m.extra.std.length !== C) ctx.addIssue({ code: 'custom', path: ['extra', 'std'], message: `has ${m.extra.std.length} entries for ${C} channels` });
    // The network's channels: every channel of each of the `stride` samples of a block.
    const N = C * (m.config.stride ?? 1);
    const inc = m.extra.incrementScale;
    if (m.config.increments && inc?.length !== N) ctx.addIssue({ code: 'custom', path: ['extra', 'incrementScale'], message: `needs one scale per network input (${N}) when config.increments is true` });
    const { layout, size } = cell.layout({ channels: N, hidden: m.config.hidden });
    const what = `${cell.name === 'lstm' ? 'an LSTM' : `a ${cell.name.toUpperCase()}`} of ${m.config.hidden} hidden units and ${N} input${N > 1 ? 's' : ''}`;
    checkLayout(m.layout, layout, ctx, what);
    checkParamCount(m.params, size, ctx, what);
  });

/** What a recurrent network is rebuilt from. */
export interface RecurrentSaved {
  config: RecurrentConfig;
  theta: Float64Array;
  names: string[];
  mean: number[];
  std: number[];
  /** Scale of the predicted increments per channel (config `increments`), else null. */
  incrementScale: number[] | null;
  dt: number;
  stepsTrained: number;
  bestValLoss: number | null;
  training: { from: number; until: number };
}

/** Checks a saved network of `cell`'s kind; a DataError naming `source` and the first bad field otherwise. */
export function readSavedRecurrent(cell: CellKind, saved: SavedModel, source?: string): RecurrentSaved {
  const m = validateSaved(savedSchema(cell), saved, source);
  return {
    config: { ...DEFAULTS, ...m.config },
    theta: Float64Array.from(m.params),
    names: [...m.training.channels],
    mean: m.extra.mean,
    std: m.extra.std,
    incrementScale: m.config.increments ? m.extra.incrementScale! : null,
    dt: m.extra.dt,
    stepsTrained: m.extra.stepsTrained,
    bestValLoss: m.extra.bestValLoss,
    training: { from: m.training.from, until: m.training.until },
  };
}
