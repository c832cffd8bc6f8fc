/**
 * Deep ensembles over seeds (Lakshminarayanan, Pritzel & Blundell 2017), for every family
 * whose fit starts from random weights (`capabilities.ensembles`), written once: M members
 * of one family, fitted with seeds s, s + 1, …, s + M − 1 (the experiment runs them as
 * separate fits, so the CLI's worker pool trains them in parallel and the browser-safe
 * in-process fitter one after another), forecast together. The forecast is the uniform
 * mixture of the members: its mean is the members' mean, and its quantiles are those of a
 * Gaussian with the mixture's variance — the members' spread (their population variance,
 * plus any signal variance a member predicts itself) as the signal's uncertainty, and the
 * ensemble mean's RMS residual inside the training window as the observation noise. Scored
 * against a clean signal, only the spread counts (eval/calibration.ts), so a deep
 * ensemble's coverage is what its disagreement beyond the window is worth.
 *
 * Saved form: the first member's own saved form plus an `ensemble` block holding the other
 * members' saved forms, their seeds and the noise level; a reader that ignores the block
 * still has a working single model. Browser-safe.
 */
import { z } from 'zod';
import { DataError } from '../core/errors.js';
import { gaussianQuantiles } from '../core/normal.js';
import type { Series } from '../data/series.js';
import type { Fitted, Forecast, ModelFamily, SavedModel } from './base.js';

export type { SavedEnsemble } from './base.js';
import { finite, validateSaved } from './saved.js';

/** Members of a deep ensemble when `lawful fit` is not told (`--ensemble`), as the issue asks. */
export const DEFAULT_ENSEMBLE = 5;

const ensembleSchema = z.strictObject({
  seeds: z.array(z.number().int().min(0)).min(2),
  noiseSd: z.array(finite.nonnegative()).min(1),
  members: z.array(z.looseObject({ family: z.string() })).min(1),
});

/** Whether fits of `family` differ between seeds, so that an ensemble of them means something. */
export function ensembles(family: ModelFamily<unknown>): boolean {
  return family.capabilities?.ensembles === true;
}

/**
 * Members `lawful fit` trains for `family` when not told: DEFAULT_ENSEMBLE where a fit takes
 * seconds (`relativeCost` ≤ 2), one where it takes minutes (the LSTM and the GRU: five of
 * them would multiply a fit's wall time by 2.5 on two cores, and its forecasts' by five).
 */
export function defaultEnsemble(family: ModelFamily<unknown>): number {
  return ensembles(family) && (family.capabilities?.relativeCost ?? 1) <= 2 ? DEFAULT_ENSEMBLE : 1;
}

/** Seeds of the members of an ensemble of `size` started from `seed`. */
export function memberSeeds(seed: number, size: number): number[] {
  return Array.from({ length: size }, (_, k) => seed + k);
}

/** Per channel and time, the mean of the members' arrays. */
function average(parts: Float64Array[][]): Float64Array[] {
  return parts[0].map((ch, c) => ch.map((_, i) => parts.reduce((s, p) => s + p[c][i], 0) / parts.length));
}

/** Per channel, the RMS of `y − pred` over the samples where both are finite (a sequence family has no prediction for its first samples). */
function residualSd(y: Float64Array[], pred: Float64Array[]): number[] {
  return y.map((ch, c) => {
    let s = 0;
    let n = 0;
    for (let i = 0; i < ch.length; i++) {
      const e = ch[i] - pred[c][i];
      if (!Number.isFinite(e)) continue;
      s += e * e;
      n++;
    }
    return n ? Math.sqrt(s / n) : 0;
  });
}

/** The uniform mixture of `members` (same family), with `noiseSd` per channel as its observation noise. */
function ensembleFitted(members: Fitted[], seeds: number[], noiseSd: number[]): Fitted {
  const [first] = members;
  const M = members.length;
  const oneStep = members.every((m) => m.predictOneStep) ? (s: Series) => average(members.map((m) => m.predictOneStep!(s))) : undefined;
  const roll = members.every((m) => m.rollout) ? (y0: Float64Array, t0: number, times: Float64Array) => average(members.map((m) => m.rollout!(y0, t0, times))) : undefined;
  const nParams = members.reduce((s, m) => s + m.nParams, 0);
  const self: Fitted = {
    family: first.family,
    nParams,
    inWindowMode: first.inWindowMode,
    forecast(times: Float64Array, context: Series): Forecast {
      const fs = members.map((m) => m.forecast(times, context));
      const mean = average(fs.map((f) => f.mean));
      if (mean.length !== noiseSd.length) throw new DataError(`the ensemble's noise level has ${noiseSd.length} channels; the forecast has ${mean.length}`);
      // The mixture's variance: the members' spread about their mean plus what each predicts of its own signal.
      const signalSd = mean.map((mu, c) =>
        mu.map((m, i) => {
          let v = 0;
          for (const f of fs) v += (f.mean[c][i] - m) ** 2 + (f.gaussian ? f.gaussian.signalSd[c][i] ** 2 : 0);
          return Math.sqrt(v / M);
        }),
      );
      const total = signalSd.map((s, c) => s.map((v) => Math.hypot(v, noiseSd[c])));
      return { t: times, mean, quantiles: gaussianQuantiles(mean, total), gaussian: { signalSd, noiseSd: [...noiseSd] } };
    },
    ...(oneStep ? { predictOneStep: oneStep } : {}),
    ...(roll ? { rollout: roll } : {}),
    describe() {
      return { ...first.describe(), parameters: nParams, ensemble: { members: M, seeds: [...seeds], noiseSd: [...noiseSd] } };
    },
    toJSON(): SavedModel {
      return { ...first.toJSON(), ensemble: { seeds: [...seeds], noiseSd: [...noiseSd], members: members.slice(1).map((m) => m.toJSON()) } };
    },
    ...(first.files ? { files: () => first.files!() } : {}),
  };
  return self;
}

/**
 * The deep ensemble of fitted `members` (one family, fitted with `seeds`), its observation
 * noise measured on `train`, the series they were fitted to: the ensemble mean's residual
 * in the family's own in-window mode (one step ahead for a sequence family, simulated for a
 * state-space one).
 */
export function ensembleOf(members: Fitted[], seeds: number[], train: Series): Fitted {
  if (members.length < 2 || seeds.length !== members.length) throw new RangeError(`an ensemble needs ≥ 2 members and one seed each, got ${members.length} and ${seeds.length}`);
  const fam = members[0].family;
  if (members.some((m) => m.family !== fam)) throw new RangeError(`an ensemble's members are of one family, got ${members.map((m) => m.family).join(', ')}`);
  const mixture = ensembleFitted(members, seeds, train.y.map(() => 0));
  const inWindow = mixture.predictOneStep && mixture.inWindowMode === 'one-step' ? mixture.predictOneStep(train) : mixture.forecast(train.t, train).mean;
  return ensembleFitted(members, seeds, residualSd(train.y, inWindow));
}

/**
 * Rebuilds a saved model, a deep ensemble or a single one: each member is checked whole by
 * its family's `load` (`loadFamily`, e.g. `name => getFamily(name)`), the `ensemble` block
 * by its schema, and a member of another family is a DataError naming it.
 */
export function loadEnsembleOr(saved: SavedModel, loadOne: (saved: SavedModel, source?: string) => Fitted, source = 'saved model'): Fitted {
  if (saved.ensemble === undefined) return loadOne(saved, source);
  const { ensemble: _, ...first } = saved;
  const channels = saved.training?.channels.length;
  const schema = z
    .object({
      family: z.string(),
      ensemble: ensembleSchema.superRefine((b, ctx) => {
        if (b.seeds.length !== b.members.length + 1) ctx.addIssue({ code: 'custom', path: ['seeds'], message: `has ${b.seeds.length} seeds for ${b.members.length + 1} members` });
        if (channels !== undefined && b.noiseSd.length !== channels) ctx.addIssue({ code: 'custom', path: ['noiseSd'], message: `has ${b.noiseSd.length} values for ${channels} channels` });
        b.members.forEach((m, k) => {
          if (m.family !== saved.family) ctx.addIssue({ code: 'custom', path: ['members', k, 'family'], message: `is "${m.family}"; an ensemble's members are all ${saved.family}` });
        });
      }),
    })
    .loose();
  const block = validateSaved(schema, saved, source).ensemble;
  const members = [loadOne(first, source), ...block.members.map((m, k) => loadOne(m as unknown as SavedModel, `${source} (ensemble.members[${k}])`))];
  return ensembleFitted(members, block.seeds, block.noiseSd);
}
