/**
 * What the two reservoir families (ESN, NVAR) share as sequence models on a uniform grid:
 * the training channels' standardisation (as the LSTM's), the checks that a series has the
 * trained channels and step, the forecast grid after the context with linear interpolation
 * between grid points, and the saved-form pieces for these.
 */
import { z } from 'zod';
import { ConfigError, DataError } from '../../core/errors.js';
import { uniformStep, type Series } from '../../data/series.js';
import { param, positive } from '../saved.js';

/** Per-channel mean and standard deviation of the training window. */
export interface Standardisation {
  mean: number[];
  std: number[];
}

/** The training window's mean and (population) standard deviation per channel; std 1 for a constant channel. */
export function standardisation(train: Series): Standardisation {
  const n = train.t.length;
  const mean = train.y.map((c) => c.reduce((a, v) => a + v, 0) / n);
  const std = train.y.map((c, k) => Math.sqrt(c.reduce((a, v) => a + (v - mean[k]) ** 2, 0) / n) || 1);
  return { mean, std };
}

/** Standardised samples of `series`, channel-interleaved: z[i·C + c]. */
export function standardise(series: Series, s: Standardisation): Float64Array {
  const C = s.mean.length, n = series.t.length;
  const z = new Float64Array(n * C);
  for (let c = 0; c < C; c++) for (let i = 0; i < n; i++) z[i * C + c] = (series.y[c][i] - s.mean[c]) / s.std[c];
  return z;
}

/** Channel arrays from channel-interleaved standardised samples. */
export function unstandardise(z: Float64Array, n: number, s: Standardisation): Float64Array[] {
  const C = s.mean.length;
  return s.mean.map((m, c) => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = z[i * C + c] * s.std[c] + m;
    return y;
  });
}

/** The training window's sampling step, after checking it has channels and finite values. */
export function checkTraining(train: Series): number {
  if (train.y.length < 1) throw new ConfigError('has no channels', 'train');
  const dt = uniformStep(train.t, 'the training window');
  for (let c = 0; c < train.y.length; c++) {
    const i = train.y[c].findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new DataError(`channel ${train.names[c]} has the non-finite value ${train.y[c][i]} at sample ${i} (t = ${train.t[i]})`);
  }
  return dt;
}

/** A ConfigError naming `what` unless `series` has the trained channels and sampling step. */
export function checkClock(series: Series, names: readonly string[], dt: number, what: string): void {
  if (series.y.length !== names.length) {
    throw new ConfigError(`has ${series.y.length} channels; the model was trained on ${names.length} (${names.join(', ')})`, what);
  }
  if (series.t.length < 2) return;
  const step = uniformStep(series.t, what);
  if (Math.abs(step - dt) > 1e-6 * dt) throw new ConfigError(`is sampled every ${step}; the model was trained on step ${dt}`, what);
}

/**
 * Grid steps a forecast from `tEnd` must run to reach every time in `times`; a ConfigError
 * if one is not after `tEnd`.
 */
export function stepsAhead(times: Float64Array, tEnd: number, dt: number): number {
  let K = 0;
  for (let i = 0; i < times.length; i++) {
    const k = (times[i] - tEnd) / dt;
    if (!(k > 0)) throw new ConfigError(`time ${times[i]} is not after the end of the context (${tEnd})`, 'forecast times');
    K = Math.max(K, Math.ceil(k - 1e-9));
  }
  return K;
}

/**
 * The forecast at `times` from the standardised grid `g` (g[0] the last observed sample,
 * g[k] the prediction k steps after it, channel-interleaved), linearly interpolated
 * between grid points and returned to the data's units.
 */
export function readGrid(g: Float64Array, K: number, times: Float64Array, tEnd: number, dt: number, s: Standardisation): Float64Array[] {
  const C = s.mean.length;
  const mean = s.mean.map(() => new Float64Array(times.length));
  for (let i = 0; i < times.length; i++) {
    const k = (times[i] - tEnd) / dt;
    const k0 = Math.min(Math.floor(k), K - 1), w = k - k0;
    for (let c = 0; c < C; c++) mean[c][i] = ((1 - w) * g[k0 * C + c] + w * g[(k0 + 1) * C + c]) * s.std[c] + s.mean[c];
  }
  return mean;
}

/** Saved-form `extra` fields both families write: the standardisation and the sampling step. */
export const sequenceExtra = {
  mean: z.array(param).min(1),
  std: z.array(positive.refine((v) => v <= 1e100, { message: 'is beyond 1e100' })).min(1),
  dt: positive.refine((v) => v <= 1e100, { message: 'is beyond 1e100' }),
};

/** Refinement: `extra.mean` and `extra.std` have one entry per training channel. */
export function checkChannels(extra: { mean: number[]; std: number[] }, C: number, ctx: z.RefinementCtx): void {
  if (extra.mean.length !== C) ctx.addIssue({ code: 'custom', path: ['extra', 'mean'], message: `has ${extra.mean.length} entries for ${C} channels` });
  if (extra.std.length !== C) ctx.addIssue({ code: 'custom', path: ['extra', 'std'], message: `has ${extra.std.length} entries for ${C} channels` });
}
