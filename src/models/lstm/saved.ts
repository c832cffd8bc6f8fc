/**
 * The LSTM's saved form, checked whole before a network is rebuilt from it: the
 * configuration (types, then the family's own range checks), the normalisation of every
 * channel (finite means, positive standard deviations), the sampling step, and a layout
 * and parameter count that match `lstmLayout` for that many channels and hidden units.
 */
import { z } from 'zod';
import { lstmLayout } from '../../nn/lstm.js';
import type { SavedModel } from '../base.js';
import { checkLayout, checkParamCount, configIssues, finite, param, positive, trainingSchema, validateSaved } from '../saved.js';
import { checkConfig, type LstmConfig } from './config.js';

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
});

const lstmSavedSchema = z
  .object({
    family: z.literal('lstm'),
    config: configSchema,
    layout: z.array(z.object({ name: z.string(), offset: count, shape: z.array(count) })),
    params: z.array(param),
    extra: z.strictObject({
      mean: z.array(param).min(1),
      std: z.array(positive.refine((v) => v <= 1e100, { message: 'is beyond 1e100' })).min(1),
      dt: positive,
      stepsTrained: count.nonnegative(),
      bestValLoss: z.number().nonnegative().nullable(),
    }),
    training: trainingSchema,
  })
  .loose()
  .superRefine((m, ctx) => {
    if (!configIssues(ctx, () => checkConfig(m.config))) return;
    const C = m.training.channels.length;
    if (m.extra.mean.length !== C) ctx.addIssue({ code: 'custom', path: ['extra', 'mean'], message: `has ${m.extra.mean.length} entries for ${C} channels` });
    if (m.extra.std.length !== C) ctx.addIssue({ code: 'custom', path: ['extra', 'std'], message: `has ${m.extra.std.length} entries for ${C} channels` });
    const { layout, size } = lstmLayout({ input: C, hidden: m.config.hidden, output: C });
    const what = `an LSTM of ${m.config.hidden} hidden units and ${C} channel${C > 1 ? 's' : ''}`;
    checkLayout(m.layout, layout, ctx, what);
    checkParamCount(m.params, size, ctx, what);
  });

/** What an LSTM is rebuilt from. */
export interface LstmSaved {
  config: LstmConfig;
  theta: Float64Array;
  names: string[];
  mean: number[];
  std: number[];
  dt: number;
  stepsTrained: number;
  bestValLoss: number | null;
  training: { from: number; until: number };
}

/** Checks a saved LSTM; a DataError naming `source` and the first bad field otherwise. */
export function readSavedLstm(saved: SavedModel, source?: string): LstmSaved {
  const m = validateSaved(lstmSavedSchema, saved, source);
  return {
    config: m.config,
    theta: Float64Array.from(m.params),
    names: [...m.training.channels],
    mean: m.extra.mean,
    std: m.extra.std,
    dt: m.extra.dt,
    stepsTrained: m.extra.stepsTrained,
    bestValLoss: m.extra.bestValLoss,
    training: { from: m.training.from, until: m.training.until },
  };
}
