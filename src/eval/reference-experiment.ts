/**
 * The reference experiment of `lawful demo` (docs/architecture.md): N coupled damped pendulums observed
 * as one signal y = Σ θᵢ (or every angle, `observe: 'all'`), sampled on [0, until], trained on t ≤ trainUntil.
 *
 * The initial state is built from the system's damped normal modes so that the observed
 * signal carries each mode with a chosen amplitude: by default two strong modes hold over
 * 95% of the variance and the others are weak. Then a bank of two oscillators can follow
 * the window approximately and drifts beyond it, as in the talk; with four equal modes it
 * fails outright (docs/peer-baselines.md, finding 4).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ConfigError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { Series } from '../data/series.js';
import { getSystem } from '../systems/index.js';
import type { ParamValue } from '../systems/base.js';
import { simulate } from '../systems/simulate.js';
import type { LinearTerm } from '../ode/term.js';
import { std } from './metrics.js';
import type { Split } from './evaluate.js';

export interface ReferenceConfig {
  /** Number of pendulums. Default 4 (the reference task, bench/bank/task.py). */
  oscillators: number;
  /** Full-amplitude pendulums (sin x) instead of the small-angle form. Default false. */
  nonlinear: boolean;
  /** Observed amplitude of each normal mode in y, by increasing frequency. Default [1, 0.8, 0.15, 0.12] (cycled). */
  modeAmplitudes: number[];
  /** Phase of each mode at t = 0, rad. Default [0, 1, 2, 3] (cycled). */
  modePhases: number[];
  dt: number;
  trainUntil: number;
  until: number;
  /** Standard deviation of Gaussian noise on y (relative to nothing: absolute units of y). Default 0. */
  noise: number;
  seed: number;
  /**
   * What is observed: 'sum' the one channel y = Σ θᵢ (the talk's setting), 'all' one channel
   * per pendulum (x1 … xN, each with its own noise; the initial state is the same, its modes
   * still chosen by their amplitudes in the sum). Default 'sum'. Example: 'all' for
   * `lawful demo --oscillators 16 --observe all`.
   */
  observe: 'sum' | 'all';
}

export const referenceDefaults: ReferenceConfig = {
  oscillators: 4,
  nonlinear: false,
  modeAmplitudes: [1, 0.8, 0.15, 0.12],
  modePhases: [0, 1, 2, 3],
  dt: 0.01,
  trainUntil: 10,
  until: 30,
  noise: 0,
  seed: 0,
  observe: 'sum',
};

export interface TrueMode {
  frequency: number;
  decay: number;
  amplitude: number;
  /** Share of the window's variance of y this mode alone would carry. */
  varianceShare: number;
}

export interface ReferenceData {
  config: ReferenceConfig;
  /** What the models see (noisy if `noise` > 0). */
  observed: Series;
  /** The clean signal the forecasts are scored against. */
  truth: Series;
  split: Split;
  /** Damped normal modes of the (linearised) system, by increasing frequency. */
  modes: TrueMode[];
  /** The system's parameters, for the record. */
  params: Record<string, ParamValue>;
}

/** Simulates the reference experiment's data. */
export function referenceData(partial: Partial<ReferenceConfig> = {}): ReferenceData {
  // Only the experiment's own fields, and only those given: callers pass wider option objects.
  const config: ReferenceConfig = { ...referenceDefaults };
  for (const key of Object.keys(referenceDefaults) as (keyof ReferenceConfig)[]) {
    if (partial[key] !== undefined) (config as unknown as Record<string, unknown>)[key] = partial[key];
  }
  const n = config.oscillators;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`must be a whole number ≥ 1, got ${n}`, 'oscillators');
  if (!(config.trainUntil > 0 && config.trainUntil < config.until)) {
    throw new ConfigError(`must lie in (0, until = ${config.until}), got ${config.trainUntil}`, 'trainUntil');
  }
  const system = getSystem('coupled-pendulums');
  // The modes come from the small-angle (linear) system; the nonlinear run starts from the same state.
  const params: Record<string, ParamValue> = {
    ...Object.fromEntries(system.params.map((p) => [p.name, p.default])),
    ...(n === 4 ? {} : defaultsFor(n)),
  };
  const base = system.build(params);
  const linear = base.term as LinearTerm;
  const dim = 2 * n;
  const A = new Float64Array(dim * dim);
  linear.matrix(base.theta, A);
  const { y0, modes, phases } = modalInitialState(A, n, config);
  params.x0 = Array.from(y0.subarray(0, n));
  params.v0 = Array.from(y0.subarray(n));
  if (config.nonlinear) params.smallAngle = 0;
  if (config.observe !== 'sum' && config.observe !== 'all') throw new ConfigError(`must be 'sum' or 'all', got ${String(config.observe)}`, 'observe');
  const all = config.observe === 'all';
  const sim = simulate('coupled-pendulums', { params, until: config.until, dt: config.dt, noise: config.noise, seed: config.seed, state: all });
  const { series, clean } = all ? everyPendulum(sim.clean, n, config.noise, config.seed) : { series: sim.series, clean: sim.clean };
  const split: Split = { trainFrom: 0, trainUntil: config.trainUntil, until: config.until };
  // Each mode's share of the window's variance: its own variance over the sum of all modes'
  // (modes are not orthogonal over a short window, so shares of var(y) would not add up).
  const t = clean.t;
  const end = t.findIndex((x) => x > config.trainUntil + 1e-9);
  const window = t.subarray(0, end < 0 ? t.length : end);
  const variances = modes.map((m, k) => std(Float64Array.from(window, (x) => m.amplitude * Math.exp(-m.decay * x) * Math.cos(m.frequency * x + phases[k]))) ** 2);
  const total = variances.reduce((a, b) => a + b, 0);
  modes.forEach((m, k) => (m.varianceShare = variances[k] / total));
  return { config, observed: series, truth: clean, split, modes, params };
}

/** The angles x1 … xN of a simulation run with `state` as channels, with seeded Gaussian noise of sd `noise`. */
function everyPendulum(states: Series, n: number, noise: number, seed: number): { series: Series; clean: Series } {
  const names = Array.from({ length: n }, (_, i) => `x${i + 1}`);
  const y = names.map((name) => states.y[states.names.indexOf(name)]);
  const rng = new Rng(seed);
  const noisy = y.map((c) => (noise > 0 ? c.map((v) => v + noise * rng.normal()) : c.slice()));
  return { series: { t: states.t, y: noisy, names }, clean: { t: states.t, y, names } };
}

/**
 * Initial state z0 = Σⱼ Re(cⱼ vⱼ) over the modes λⱼ = −decayⱼ + iωⱼ (eigenvectors vⱼ of A),
 * with cⱼ chosen so that mode j appears in y = Σ xᵢ as aⱼ e^{−decayⱼ t} cos(ωⱼ t + φⱼ).
 */
function modalInitialState(A: Float64Array, n: number, config: ReferenceConfig): { y0: Float64Array; modes: TrueMode[]; phases: number[] } {
  const dim = 2 * n;
  const rows = Array.from({ length: dim }, (_, i) => Array.from(A.subarray(i * dim, (i + 1) * dim)));
  const evd = new EigenvalueDecomposition(new Matrix(rows));
  const re = evd.realEigenvalues;
  const im = evd.imaginaryEigenvalues;
  const V = evd.eigenvectorMatrix;
  const pairs: number[] = [];
  for (let j = 0; j < dim; j++) if (im[j] > 0) pairs.push(j);
  if (pairs.length !== n) throw new ConfigError('the coupled system is overdamped: some modes do not oscillate', 'oscillators');
  pairs.sort((a, b) => im[a] - im[b]);
  const y0 = new Float64Array(dim);
  const modes: TrueMode[] = [];
  const phases: number[] = [];
  pairs.forEach((j, k) => {
    const a = config.modeAmplitudes[k % config.modeAmplitudes.length];
    const phi = config.modePhases[k % config.modePhases.length];
    // Observed component of the eigenvector: s = Σ_{i<n} v_i (complex).
    let sr = 0;
    let si = 0;
    for (let i = 0; i < n; i++) {
      sr += V.get(i, j);
      si += V.get(i, j + 1);
    }
    // c = a e^{iφ} / s, so that Re(c s e^{λt}) = a e^{−decay t} cos(ωt + φ).
    const nr = a * Math.cos(phi);
    const ni = a * Math.sin(phi);
    const d = sr * sr + si * si;
    const cr = (nr * sr + ni * si) / d;
    const ci = (ni * sr - nr * si) / d;
    for (let i = 0; i < dim; i++) y0[i] += cr * V.get(i, j) - ci * V.get(i, j + 1);
    modes.push({ frequency: im[j], decay: -re[j], amplitude: a, varianceShare: 0 });
    phases.push(phi);
  });
  return { y0, modes, phases };
}

/** Defaults for a bank of N ≠ 4 pendulums: frequencies spread over [1, 3] rad/s, weak uniform coupling. */
function defaultsFor(n: number): Record<string, ParamValue> {
  const w = Array.from({ length: n }, (_, i) => (n === 1 ? 1.5 : 1 + (2 * i) / (n - 1)));
  return { N: n, w, g: Array(n).fill(0.04), k: 0.1, x0: Array(n).fill(0), v0: Array(n).fill(0) };
}
