// The Lorenz-63 data of the reservoir families' sanity gate (issue 13): the full state
// observed, dt as given, trained on t ∈ [0, 50], scored on (50, 70] against the clean truth.
import type { Series } from '../../src/data/series.js';
import { evaluate } from '../../src/eval/evaluate.js';
import type { Fitted } from '../../src/models/base.js';
import { simulate } from '../../src/systems/simulate.js';

/** The largest Lyapunov exponent of Lorenz-63 at σ = 10, ρ = 28, β = 8/3. */
export const LYAPUNOV = 0.906;
export const TRAIN_UNTIL = 50;

export interface Gate {
  /** The whole series on [0, 70]. */
  full: Series;
  train: Series;
  times: Float64Array;
  truth: Float64Array[];
  /** RMS of ‖u‖ over the training window (the literature's normalisation, Pathak et al. 2018). */
  rms: number;
}

export function lorenzGate(dt: number): Gate {
  const s = simulate('lorenz', { until: TRAIN_UNTIL + 20, dt }).clean;
  const n = Math.round(TRAIN_UNTIL / dt) + 1;
  let rms = 0;
  for (let i = 0; i < n; i++) for (const c of s.y) rms += c[i] ** 2;
  return {
    full: s,
    train: { t: s.t.slice(0, n), y: s.y.map((c) => c.slice(0, n)), names: s.names },
    times: s.t.slice(n),
    truth: s.y.map((c) => c.slice(n)),
    rms: Math.sqrt(rms / n),
  };
}

/**
 * Valid prediction time beyond the window in Lyapunov times, by lawful's definition (the
 * evaluator's: running NRMSE 0.2) and by the literature's (Pathak et al. 2018: the first
 * time ‖u − û‖ / RMS‖u‖ exceeds 0.4), with the evaluator's other metrics.
 */
export function gateVpt(f: Fitted, g: Gate): { lawful: number; literature: number; nrmseIn: number; nrmseInFreeRun: number } {
  const { metrics } = evaluate(f, { observed: g.full, truth: g.full, split: { trainFrom: 0, trainUntil: TRAIN_UNTIL, until: g.full.t[g.full.t.length - 1] } });
  const pred = f.forecast(g.times, g.train).mean;
  const last = g.times.length - 1;
  const lawful = metrics.validPredictionTime;
  let literature = g.times[last];
  for (let i = 0; i < g.times.length; i++) {
    let e = 0;
    for (let c = 0; c < g.truth.length; c++) e += (pred[c][i] - g.truth[c][i]) ** 2;
    if (!(Math.sqrt(e) / g.rms <= 0.4)) {
      literature = g.times[i];
      break;
    }
  }
  return { lawful: (lawful - TRAIN_UNTIL) * LYAPUNOV, literature: (literature - TRAIN_UNTIL) * LYAPUNOV, nrmseIn: metrics.nrmseIn, nrmseInFreeRun: metrics.nrmseInFreeRun };
}
