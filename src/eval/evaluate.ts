/**
 * The extrapolation-first evaluation of one fitted model on one split (docs/architecture.md): error
 * inside the window in the family's native mode and free-running, error beyond it, and the
 * valid prediction time.
 */
import type { SeedSummary } from './seeds.js';
import type { Series } from '../data/series.js';
import type { Fitted } from '../models/base.js';
import { adversarialAttack, type AdversarialAttack, type AdversarialOptions, type AdversarialProbe } from './adversarial.js';
import { withBacktestQuantiles } from './backtest.js';
import { forecastCalibration, type ForecastCalibration } from './calibration.js';
import { channelErrors, std, validPredictionTime } from './metrics.js';

/** A training window and a forecast horizon, on the data's clock. */
export interface Split {
  trainFrom: number;
  trainUntil: number;
  until: number;
}

export interface ModelMetrics {
  rmseIn: number;
  nrmseIn: number;
  inWindowMode: 'simulated' | 'one-step';
  nrmseInFreeRun: number;
  rmseOut: number;
  nrmseOut: number;
  validPredictionTime: number;
  fitSeconds: number;
  /** Beyond the window, for forecasts with quantiles: fraction of the truth inside the central 50/80/95% intervals. */
  coverage?: Record<string, number>;
  /** Mean CRPS beyond the window, on the data's scale (`crpsMethod` says how). */
  crps?: number;
  crpsMethod?: ForecastCalibration['crpsMethod'];
  /** PIT histogram beyond the window (eval/calibration.ts). */
  pit?: ForecastCalibration['pit'];
  /** Reliability-diagram data beyond the window: observed fraction below each quantile level. */
  reliability?: ForecastCalibration['reliability'];
  /** The valid prediction time the forecast's own spread predicts, with an interval. */
  predictedVpt?: ForecastCalibration['predictedVpt'];
  /** Whether the scored distribution included the model's observation noise (not against a clean truth). */
  noiseIncluded?: boolean;
  /** Conservation audit (eval/energy.ts), where the system has a known invariant: mean squared energy error over test rollouts. */
  energyMse?: number;
  /** Conservation audit: the largest relative drift of the energy over the horizon, averaged over the test rollouts. */
  energyDrift?: number;
  /** Where the scored intervals come from: the family's own, or backtests of its errors inside the window (eval/backtest.ts). */
  intervals?: 'model' | 'backtest';
  /** Worst-case and random perturbations of the context the forecast is conditioned on (eval/adversarial.ts). */
  adversarial?: AdversarialProbe;
  /** The same model fitted with several seeds (eval/seeds.ts): every seed's headline metrics, their mean and 95% interval. */
  overSeeds?: SeedSummary;
}

export interface EvaluateOptions {
  /** What the models were trained on (noisy if noise was added). */
  observed: Series;
  /** What the forecasts are scored against: the clean signal for simulated data, else `observed`. */
  truth: Series;
  split: Split;
  /** Running-NRMSE threshold of the valid prediction time. Default 0.2. */
  vptThreshold?: number;
  /** Fraction of the window a sequence family may read before its free-running in-window run. Default 0.1. */
  warmupFraction?: number;
  /**
   * Whether `truth` is the clean signal rather than the observations (then the observation
   * noise a model estimated is left out of its scored forecast distribution). Default:
   * `truth !== observed`.
   */
  cleanTruth?: boolean;
  /** The adversarial probe's settings (eval/adversarial.ts); `false` skips it. Default: on, ε = 0.01, 0.03, 0.1. */
  adversarial?: AdversarialOptions | false;
}

export interface Evaluation {
  metrics: Omit<ModelMetrics, 'fitSeconds'>;
  /** The prediction on the truth's clock: native in-window prediction, then the forecast (for figures). */
  prediction: Float64Array[];
  /**
   * One-step (teacher-forced) families only: the free-running in-window prediction behind
   * `nrmseInFreeRun`, per channel on the truth's clock, NaN outside [end of the warm-up, trainUntil].
   * Figures draw it beside the one-step curve, so one step ahead is not mistaken for a fit.
   */
  freeRun?: Float64Array[];
  /** Beyond the window, for forecasts with quantiles: the scored quantiles on the truth's samples (b, e], for bands in figures. */
  quantiles?: { from: number; levels: number[]; values: Float64Array[][] };
  /** The adversarial probe's worst attack at its largest radius, where the forecast depends on its context (for the figure). */
  attack?: EvaluatedAttack;
}

/**
 * An attack on the truth's clock, per channel: the context the forecast read inside the
 * window (the observations, and the perturbed ones) and the forecast from it beyond, NaN
 * elsewhere (and inside the window when the observations are on another clock than the truth).
 */
export interface EvaluatedAttack {
  eps: number;
  clean: Float64Array[];
  attacked: Float64Array[];
  nrmseOut: number;
  validPredictionTime: number;
}

/** Index of the first sample with t > x (binary search). */
function upperBound(t: Float64Array, x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Samples `[lo, hi)` of a series (copies). */
function take(s: Series, lo: number, hi: number): Series {
  return { t: s.t.slice(lo, hi), y: s.y.map((c) => c.slice(lo, hi)), names: s.names };
}

export function evaluate(fitted: Fitted, opts: EvaluateOptions): Evaluation {
  const { observed, truth, split } = opts;
  const t = truth.t;
  const a = upperBound(t, split.trainFrom - 1e-12 * Math.max(1, Math.abs(split.trainFrom)));
  const b = upperBound(t, split.trainUntil + 1e-12 * Math.max(1, Math.abs(split.trainUntil)));
  const e = upperBound(t, split.until + 1e-12 * Math.max(1, Math.abs(split.until)));
  const C = truth.y.length;
  const scale = truth.y.map((c) => std(c, a, b) || 1);
  const train = take(observed, upperBound(observed.t, split.trainFrom - 1e-12), upperBound(observed.t, split.trainUntil + 1e-12));

  // Beyond the window: forecast from the end of the training data.
  const outForecast = fitted.forecast(t.slice(b, e), train);
  const out = outForecast.mean;
  const vptThreshold = opts.vptThreshold ?? 0.2;
  const intervals = outForecast.quantiles?.length ? 'model' : 'backtest';
  const cal = forecastCalibration(b < e ? withBacktestQuantiles(outForecast, fitted, train) : outForecast, truth.y, b, e, scale, { cleanTruth: opts.cleanTruth ?? truth !== observed, threshold: vptThreshold });
  const probed =
    opts.adversarial === false || b >= e
      ? undefined
      : adversarialAttack(fitted, train, t.slice(b, e), out, truth.y.map((c) => c.slice(b, e)), scale, { threshold: vptThreshold, ...opts.adversarial });
  const adversarial = probed?.probe;
  const attack = probed?.attack && onTruthClock(t, a, b, train, out, probed.attack);
  // Inside, free-running: state-space families simulate the whole window; sequence
  // families read a short warm-up and then run on their own predictions.
  const w = fitted.inWindowMode === 'one-step' ? Math.max(1, Math.floor((opts.warmupFraction ?? 0.1) * (b - a))) : 0;
  const warmup = take(observed, a, a + w);
  const freeIn = w > 0 ? fitted.forecast(t.slice(a + w, b), warmup).mean : fitted.forecast(t.slice(a, b), train).mean;
  // Inside, native mode.
  const nativeIn = fitted.inWindowMode === 'one-step' && fitted.predictOneStep ? fitted.predictOneStep(take(observed, a, b)) : null;

  const prediction = Array.from({ length: C }, () => new Float64Array(t.length).fill(NaN));
  for (let c = 0; c < C; c++) {
    if (nativeIn) prediction[c].set(nativeIn[c], a);
    else if (w === 0) prediction[c].set(freeIn[c], a);
    // A forecast that left the finite numbers has diverged: score it as infinitely wrong.
    for (let i = 0; i < out[c].length; i++) prediction[c][b + i] = Number.isFinite(out[c][i]) ? out[c][i] : Infinity;
  }
  const freeFull = Array.from({ length: C }, (_, c) => {
    const p = new Float64Array(t.length).fill(NaN);
    p.set(freeIn[c], a + w);
    return p;
  });

  const inErr = channelErrors(truth.y, prediction, scale, a, b);
  const outErr = channelErrors(truth.y, prediction, scale, b, e);
  const vpt = validPredictionTime(t, truth.y, prediction, scale, b, e, vptThreshold);
  return {
    metrics: {
      rmseIn: inErr.rmse,
      nrmseIn: inErr.nrmse,
      inWindowMode: nativeIn ? 'one-step' : 'simulated',
      nrmseInFreeRun: channelErrors(truth.y, freeFull, scale, a + w, b).nrmse,
      rmseOut: outErr.rmse,
      nrmseOut: outErr.nrmse,
      // A forecast whose error is not finite never was valid: it breaks down at the first step, whatever the running sum says.
      validPredictionTime: Number.isFinite(outErr.nrmse) || b >= e ? vpt : t[b],
      ...(cal
        ? {
            coverage: cal.coverage,
            crps: cal.crps,
            crpsMethod: cal.crpsMethod,
            pit: cal.pit,
            reliability: cal.reliability,
            predictedVpt: cal.predictedVpt,
            noiseIncluded: cal.noiseIncluded,
            intervals,
          }
        : {}),
      ...(adversarial ? { adversarial } : {}),
    },
    prediction,
    ...(cal ? { quantiles: { from: b, levels: [...cal.levels], values: cal.values } } : {}),
    ...(nativeIn ? { freeRun: freeFull } : {}),
    ...(attack ? { attack } : {}),
  };
}

/** The clean and the attacked context and forecast on the truth's clock `t` (window [a, b), forecast from b). */
function onTruthClock(t: Float64Array, a: number, b: number, train: Series, clean: Float64Array[], attack: AdversarialAttack): EvaluatedAttack {
  const same = train.t.length === b - a && train.t.every((x, i) => x === t[a + i]);
  const place = (context: Float64Array, forecast: Float64Array) => {
    const p = new Float64Array(t.length).fill(NaN);
    if (same) p.set(context, a);
    p.set(forecast, b);
    return p;
  };
  return {
    eps: attack.eps,
    clean: train.y.map((y, c) => place(y, clean[c])),
    attacked: attack.context.map((y, c) => place(y, attack.forecast[c])),
    nrmseOut: attack.nrmseOut,
    validPredictionTime: attack.validPredictionTime,
  };
}
