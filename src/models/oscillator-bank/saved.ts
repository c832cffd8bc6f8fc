/**
 * The oscillator bank's saved form, checked whole before a bank is rebuilt from it: the
 * configuration (types and ranges, K a number), the layout of BankLayout(K, C), finite
 * parameters of the right count with log-frequencies a float64 exponential survives, and
 * the clock (t0, dt) consistent with the training window.
 */
import { z } from 'zod';
import type { SavedModel } from '../base.js';
import { checkLayout, checkParamCount, configIssues, finite, param, positive, trainingSchema, validateSaved } from '../saved.js';
import { checkConfig, DEFAULTS, MAX_OSCILLATORS, type OscillatorBankConfig } from './config.js';
import { BankLayout } from './params.js';

/**
 * Most samples a saved training window may span (its length over dt): describe() and the
 * pendulum bank's forecast step through the window, so a damaged dt must not turn them into
 * an endless loop.
 */
const MAX_WINDOW_SAMPLES = 1e7;
/**
 * |log ω| beyond this is damage: ω² would leave float64. (A diverging pendulum-bank fit
 * measured log ω = 50.8 in its last good state, which still forecasts finite values, so the
 * bound is float64's, not physics'.)
 */
const MAX_LOG_OMEGA = 300;

const count = z.number().int();
const configSchema = z.strictObject({
  oscillators: count.min(1).max(MAX_OSCILLATORS),
  // Absent from models saved before K could be chosen: they load with the default cap.
  maxOscillators: count.default(DEFAULTS.maxOscillators),
  nonlinear: z.boolean(),
  substeps: count,
  observation: z.enum(['projected', 'learned']),
  restarts: count,
  holdout: finite,
  perturbation: finite,
  maxIterations: count,
  adamSteps: count,
  adamLr: finite,
  adamThreshold: finite,
  adamStop: finite,
  relTol: finite,
  cancellationPenalty: finite,
  // Absent from models saved before the pendulum bank had coupled starts.
  startCouplings: z.array(finite).max(16).default(DEFAULTS.startCouplings),
});

const kChoiceSchema = z.strictObject({
  K: count,
  criterion: z.string(),
  candidates: z.array(z.strictObject({ K: count, bic: finite, nrmse: z.number().nonnegative() })),
});

/** The Gauss–Newton covariance a bank forecasts its intervals from (uncertainty.ts); absent in models saved before it. */
const uncertaintySchema = z.strictObject({
  covariance: z.array(param),
  noiseSd: z.array(z.number().nonnegative()),
  // Absent from models saved before the residual was split into noise and discrepancy.
  discrepancySd: z.array(z.number().nonnegative()).optional(),
  ceilingSd: z.array(z.number().nonnegative()).optional(),
  bandwidth: count.nonnegative().optional(),
  undetermined: z.array(count.nonnegative()),
  unidentified: z.array(z.strictObject({ combination: z.string(), relativeEigenvalue: z.number().nonnegative() })),
});

const bankSavedSchema = z
  .object({
    family: z.literal('oscillator-bank'),
    config: configSchema,
    layout: z.array(z.object({ name: z.string(), offset: count, shape: z.array(count) })),
    params: z.array(param),
    extra: z.strictObject({ t0: finite, dt: positive, kChoice: kChoiceSchema.optional(), uncertainty: uncertaintySchema.optional() }),
    training: trainingSchema,
  })
  .loose()
  .superRefine((m, ctx) => {
    if (!configIssues(ctx, () => checkConfig(m.config))) return;
    const K = m.config.oscillators;
    const C = m.training.channels.length;
    const lay = new BankLayout(K, C);
    const what = `a bank of K = ${K} with ${C} channel${C > 1 ? 's' : ''}`;
    checkLayout(m.layout, lay.layout, ctx, what);
    checkParamCount(m.params, lay.size, ctx, what);
    for (let i = 0; i < K && i < m.params.length; i++) {
      if (Math.abs(m.params[lay.omega + i]) > MAX_LOG_OMEGA) {
        ctx.addIssue({ code: 'custom', path: ['params', lay.omega + i], message: `log-frequency ${m.params[lay.omega + i]} is beyond ±${MAX_LOG_OMEGA}` });
      }
    }
    if (m.extra.t0 !== m.training.from) ctx.addIssue({ code: 'custom', path: ['extra', 't0'], message: `is ${m.extra.t0}, but the training window starts at ${m.training.from}` });
    const steps = (m.training.until - m.training.from) / m.extra.dt;
    if (!(steps <= MAX_WINDOW_SAMPLES) || Math.abs(steps - Math.round(steps)) > 1e-6 * Math.max(1, steps)) {
      ctx.addIssue({ code: 'custom', path: ['extra', 'dt'], message: `${m.extra.dt} does not divide the training window [${m.training.from}, ${m.training.until}] into at most ${MAX_WINDOW_SAMPLES} whole steps` });
    }
    const u = m.extra.uncertainty;
    if (u) {
      const P = lay.size;
      if (u.covariance.length !== P * P) ctx.addIssue({ code: 'custom', path: ['extra', 'uncertainty', 'covariance'], message: `must hold ${P}×${P} = ${P * P} numbers for ${what}, got ${u.covariance.length}` });
      for (const key of ['noiseSd', 'discrepancySd', 'ceilingSd'] as const) {
        const v = u[key];
        if (v && v.length !== C) ctx.addIssue({ code: 'custom', path: ['extra', 'uncertainty', key], message: `must hold one number per channel (${C}), got ${v.length}` });
      }
      const bad = u.undetermined.findIndex((i) => i >= P);
      if (bad >= 0) ctx.addIssue({ code: 'custom', path: ['extra', 'uncertainty', 'undetermined', bad], message: `${u.undetermined[bad]} is not a parameter index below ${P}` });
    }
    if (m.extra.kChoice && m.extra.kChoice.K !== K) ctx.addIssue({ code: 'custom', path: ['extra', 'kChoice', 'K'], message: `is ${m.extra.kChoice.K}, but config.oscillators is ${K}` });
  });

/** What a bank is rebuilt from. */
export interface BankSaved {
  config: OscillatorBankConfig;
  lay: BankLayout;
  theta: Float64Array;
  t0: number;
  dt: number;
  until: number;
  names: string[];
  kChoice?: z.infer<typeof kChoiceSchema>;
  /** Gauss–Newton covariance at the optimum, for forecast intervals (uncertainty.ts). */
  uncertainty?: z.infer<typeof uncertaintySchema>;
}

/** Checks a saved bank; a DataError naming `source` and the first bad field otherwise. */
export function readSavedBank(saved: SavedModel, source?: string): BankSaved {
  const m = validateSaved(bankSavedSchema, saved, source);
  return {
    config: m.config,
    lay: new BankLayout(m.config.oscillators, m.training.channels.length),
    theta: Float64Array.from(m.params),
    t0: m.extra.t0,
    dt: m.extra.dt,
    until: m.training.until,
    names: [...m.training.channels],
    kChoice: m.extra.kChoice,
    ...(m.extra.uncertainty ? { uncertainty: m.extra.uncertainty } : {}),
  };
}
