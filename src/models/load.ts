/**
 * Loading a saved model and forecasting from it, for every caller alike (`lawful forecast`,
 * a server, a sweep runner, a browser page): parse, version check, family dispatch, the
 * family's whole-form check, and a forecast that is either finite or an error.
 * Browser-safe: the caller reads the file.
 */
import { ConfigError, DataError, DivergenceError } from '../core/errors.js';
import { sliceSeries, type Series } from '../data/series.js';
import type { Fitted, Forecast, SavedModel } from './base.js';
import { loadEnsembleOr } from './ensemble.js';
import { getFamily } from './index.js';
import { parseSavedModel } from './saved.js';

/** A saved model checked and rebuilt. */
export interface LoadedModel {
  /** The model, ready to forecast. */
  model: Fitted;
  /** The saved form it was rebuilt from (training window, channel names, config). */
  saved: SavedModel;
  /** Where it came from, for messages (a file path, default "saved model"). */
  source: string;
}

/**
 * Loads a saved model from its JSON text or parsed JSON. Every problem — not JSON, a newer
 * format version, an unknown family, any damaged field — is a DataError naming `source`
 * and the field; nothing else escapes (a family's own ConfigError is turned into one).
 */
export function loadModel(json: string | unknown, source = 'saved model'): LoadedModel {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new DataError(`is not JSON, so not a saved model (${(e as Error).message})`, { file: source });
    }
  }
  const saved = parseSavedModel(value, source);
  let family;
  try {
    family = getFamily(saved.family);
  } catch (e) {
    if (e instanceof ConfigError) throw new DataError(`family: ${e.message.replace(/^family: /, '')}`, { file: source });
    throw e;
  }
  return { model: loadEnsembleOr(saved, (s, src) => family.load(s, src), source), saved, source };
}

/**
 * Forecasts `loaded` at `times` from the observations `context` (the model's channels, on
 * its clock). State-space families use only the context's clock; sequence families run on
 * from its last sample. The context is cut to start at the training window's start, as the
 * model was fitted. A non-finite forecast value is a DivergenceError naming the model and
 * the first time at which it appears — never numbers written out as NaN.
 */
export function forecastFrom(loaded: LoadedModel, context: Series, times: Float64Array): Forecast {
  const n = context.t.length;
  if (n === 0) throw new DataError('the data to forecast from has no samples', { file: loaded.source });
  const from = loaded.saved.training?.from ?? context.t[0];
  const fc = loaded.model.forecast(times, from <= context.t[n - 1] ? sliceSeries(context, from, context.t[n - 1]) : context);
  assertFiniteForecast(fc, loaded.saved.family, loaded.source, context.names);
  return fc;
}

/** Throws a DivergenceError at the first (earliest) time where any channel of `fc` is not finite. */
export function assertFiniteForecast(fc: Forecast, family: string, source: string, names: readonly string[] = []): void {
  let at = -1;
  let channel = 0;
  fc.mean.forEach((ch, c) => {
    for (let i = 0; i < ch.length; i++) {
      if (!Number.isFinite(ch[i]) && (at < 0 || fc.t[i] < fc.t[at])) {
        at = i;
        channel = c;
        break;
      }
    }
  });
  if (at >= 0) {
    throw new DivergenceError(
      `${source}: the ${family} model forecasts ${fc.mean[channel][at]} for ${names[channel] ?? `channel ${channel + 1}`} at t = ${fc.t[at]}; the saved model is damaged or unstable, and no forecast was written`,
      undefined,
      fc.t[at],
    );
  }
}

/** Most forecast times asked for at once (80 MB per channel): beyond it, a typo, not a plan. */
export const MAX_FORECAST_STEPS = 10_000_000;

/**
 * Forecast times after `last` up to `until` (inclusive) every `dt`: last + i·dt, each
 * computed from i (a running sum drifts: 39.99999999999979), then rounded to the decimals
 * `last` and `dt` are written with (within 1e-9 of a step), so a 0.01 grid reads 30.02,
 * not 30.020000000000003. `names` are the option names used in errors (e.g. '--until').
 */
export function forecastTimes(last: number, until: number, dt: number, names = { until: 'until', dt: 'dt' }): Float64Array {
  if (!(dt > 0 && Number.isFinite(dt))) throw new ConfigError(`must be a positive number, got ${dt}`, names.dt);
  if (!Number.isFinite(until)) throw new ConfigError(`must be a finite time, got ${until}`, names.until);
  if (!(until > last)) throw new ConfigError(`must be after the data's last time ${last}, got ${until}`, names.until);
  const steps = Math.floor((until - last) / dt + 1e-9);
  if (steps < 1) {
    throw new ConfigError(`${until} is less than one step (${names.dt} ${dt}) after the data's last time ${last}: nothing to forecast; ask for ${names.until} ≥ ${roundTo(last + dt, decimalsOf(last, dt))}`, names.until);
  }
  if (steps > MAX_FORECAST_STEPS) {
    throw new ConfigError(`${until} is ${steps} steps of ${dt} after the data's last time ${last}; at most ${MAX_FORECAST_STEPS} are forecast at once (raise ${names.dt} or lower ${names.until})`, names.until);
  }
  const d = decimalsOf(last, dt);
  return Float64Array.from({ length: steps }, (_, i) => roundTo(last + (i + 1) * dt, d));
}

/** Fewest decimals (≤ 12) that write both `a` and `dt` to within 1e-9 of dt, or -1. */
function decimalsOf(a: number, dt: number): number {
  const tol = 1e-9 * dt;
  for (let d = 0; d <= 12; d++) {
    const p = 10 ** d;
    if (Math.abs(Math.round(dt * p) / p - dt) <= tol && Math.abs(Math.round(a * p) / p - a) <= tol) return d;
  }
  return -1;
}

function roundTo(x: number, d: number): number {
  if (d < 0) return x;
  const p = 10 ** d;
  return Math.round(x * p) / p;
}
