/** Synthetic signals shared by the model tests: sums of damped cosines with known modes. */
import { checkGradient } from '../../src/core/gradcheck.js';
import { Rng } from '../../src/core/rng.js';
import type { BankLoss } from '../../src/models/oscillator-bank/loss.js';
import type { Series } from '../../src/data/series.js';

/** The normal modes of the reference task (docs/peer-baselines.md). */
export const REF_FREQ = [1.24453, 1.70884, 2.26421, 2.9269];
export const REF_DECAY = [0.0222, 0.0237, 0.0191, 0.0209];
/** The reference's comparable modal amplitudes, and a set where modes 1 and 3 carry 97.5% of the variance. */
export const EQUAL_AMPS = [0.68, 0.64, 0.77, 0.24];
export const DOMINANT_AMPS = [0.9, 0.15, 0.8, 0.12];
export const PHASES = [0.3, -1.0, 2.0, 0.5];

export interface Synth {
  t: Float64Array;
  /** Clean signal. */
  clean: Float64Array;
  /** Observed (clean + noise) signal. */
  y: Float64Array;
}

export function dampedCosines(opts: {
  n: number;
  dt: number;
  freq: number[];
  decay: number[];
  amp: number[];
  phase: number[];
  offset?: number;
  noise?: number;
  seed?: number;
}): Synth {
  const rng = new Rng(opts.seed ?? 1);
  const t = new Float64Array(opts.n);
  const clean = new Float64Array(opts.n);
  const y = new Float64Array(opts.n);
  for (let i = 0; i < opts.n; i++) {
    t[i] = i * opts.dt;
    let s = opts.offset ?? 0;
    for (let k = 0; k < opts.freq.length; k++) s += opts.amp[k] * Math.exp(-opts.decay[k] * t[i]) * Math.cos(opts.freq[k] * t[i] + opts.phase[k]);
    clean[i] = s;
    y[i] = s + (opts.noise ? rng.normal(0, opts.noise) : 0);
  }
  return { t, clean, y };
}

/** The reference signal: 4 modes, dt 0.01 on [0, until]. */
export function referenceSignal(amp: number[], until = 30, noise = 0, seed = 1): Synth {
  return dampedCosines({ n: Math.round(until / 0.01) + 1, dt: 0.01, freq: REF_FREQ, decay: REF_DECAY, amp, phase: PHASES, noise, seed });
}

/** The samples with t ≤ until as a one-channel Series. */
export function trainSeries(s: Synth, until: number): Series {
  let n = 0;
  while (n < s.t.length && s.t[n] <= until + 1e-9) n++;
  return { t: s.t.slice(0, n), y: [s.y.slice(0, n)], names: ['y'] };
}

/** RMSE of a − b over [from, to) divided by `scale`. */
export function nrmse(a: Float64Array, b: Float64Array, from: number, to: number, scale: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / (to - from)) / scale;
}

/** Population standard deviation of x[0 : n]. */
export function std(x: Float64Array, n = x.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
  return Math.sqrt(v / n);
}

/** Largest relative error of the bank loss's gradient against central differences at `x` (W projected or learned). */
export function bankGradientError(loss: BankLoss, x: Float64Array, project: boolean): number {
  return checkGradient(
    (v) => loss.evaluate(v, null, project),
    (v) => {
      const g = new Float64Array(v.length);
      loss.evaluate(v, g, project);
      return g;
    },
    x,
    { step: 1e-5, floor: 1e-6 },
  ).maxRelError;
}
