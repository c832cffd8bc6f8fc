/**
 * `fitSindy`: the SINDy pipeline over one or more trajectories (Brunton, Proctor & Kutz
 * 2016), read top to bottom as differentiate → build features → sparse regression. Each
 * trajectory is differentiated on its own (no difference across the seam between two
 * trajectories), and their samples are stacked into one regression.
 */
import { DataError, throwIfAborted } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { uniformStep, type Series } from '../../data/series.js';
import { resolveConfig, type SindyConfig } from './config.js';
import { buildDifferentiator } from './differentiation/index.js';
import { variableNames } from './equations.js';
import { buildLibrary } from './library/index.js';
import { buildOptimizer } from './optimizer/index.js';

/** What a fit finds: Ξ and where to start simulating it. */
export interface SindyState {
  config: SindyConfig;
  /** Ξ: one row of library coefficients per channel. */
  coef: Float64Array[];
  /** Inclusion probabilities per channel and term, when the optimizer estimates them. */
  inclusion?: Float64Array[];
  /** Channel names as in the data. */
  channels: string[];
  /** The first sample of the (first) training trajectory: where forecasts start. */
  x0: Float64Array;
  /** Sampling step of the training data (the map's step with `discrete`). */
  step: number;
  training: { from: number; until: number };
}

export interface SindyFitOptions {
  /** Seed of the ensemble's resampling. Default 0. */
  seed?: number;
  signal?: AbortSignal;
}

/** Stacks the rows [from, to) of every trajectory's channels into one column per channel. */
function stack(parts: Float64Array[][], C: number): Float64Array[] {
  if (parts.length === 1) return parts[0];
  const n = parts.reduce((s, p) => s + p[0].length, 0);
  return Array.from({ length: C }, (_, c) => {
    const col = new Float64Array(n);
    let at = 0;
    for (const p of parts) {
      col.set(p[c], at);
      at += p[c].length;
    }
    return col;
  });
}

/** Index of the first NaN or ±Infinity, −1 if none (a plain loop: this runs over every sample). */
function firstNonFinite(v: Float64Array): number {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return i;
  return -1;
}

/** Fits Ξ to `trajectories` (same channels, each uniformly sampled). */
export function fitSindy(trajectories: readonly Series[], partial: Partial<SindyConfig> = {}, opts: SindyFitOptions = {}): SindyState {
  const config = resolveConfig(partial);
  if (trajectories.length === 0) throw new DataError('SINDy needs at least one trajectory');
  const first = trajectories[0];
  const C = first.y.length;
  if (C === 0) throw new DataError('SINDy needs at least one channel');
  const vars = variableNames(first.names);
  const library = buildLibrary(config.library, vars);
  const differentiator = buildDifferentiator(config.differentiation);
  const need = config.discrete ? 2 : differentiator.minSamples;
  const states: Float64Array[][] = [];
  const targets: Float64Array[][] = [];
  let step = NaN;
  for (const [j, tr] of trajectories.entries()) {
    throwIfAborted(opts.signal);
    const what = trajectories.length > 1 ? `trajectory ${j + 1}` : 'the training window';
    if (tr.names.join('\u0000') !== first.names.join('\u0000')) throw new DataError(`${what} has channels ${tr.names.join(', ')}; the first has ${first.names.join(', ')}`);
    const n = tr.t.length;
    if (n < need) throw new DataError(`${what} has ${n} samples; SINDy with ${config.discrete ? 'a discrete map' : differentiator.name} needs at least ${need}`);
    const dt = uniformStep(tr.t, what);
    if (j === 0) step = dt;
    for (const [c, y] of tr.y.entries()) {
      const bad = firstNonFinite(y);
      if (bad >= 0) throw new DataError(`${what}: channel ${tr.names[c]} is ${y[bad]} at t = ${tr.t[bad]}; fill or drop missing values first`);
    }
    if (config.discrete) {
      states.push(tr.y.map((y) => y.subarray(0, n - 1)));
      targets.push(tr.y.map((y) => y.subarray(1)));
    } else {
      states.push(tr.y);
      targets.push(tr.y.map((y) => differentiator.differentiate(y, dt)));
    }
  }
  const X = stack(states, C);
  const Xdot = stack(targets, C);
  throwIfAborted(opts.signal);
  const theta = library.columns(X);
  const { coef, inclusion } = buildOptimizer(config.optimizer).fit(theta, Xdot, { rng: new Rng(opts.seed ?? 0), signal: opts.signal });
  // Finite data can still overflow in a high power; Ξ then holds NaN. Name the term.
  if (coef.some((row) => firstNonFinite(row) >= 0)) {
    const k = theta.findIndex((col) => firstNonFinite(col) >= 0);
    if (k >= 0) throw new DataError(`the library term ${library.names(vars)[k]} overflows on the data; scale the data or lower the degree`);
    throw new DataError('the sparse regression gave non-finite coefficients; scale the data or raise the ridge');
  }
  return {
    config,
    coef,
    inclusion,
    channels: [...first.names],
    x0: Float64Array.from(first.y, (y) => y[0]),
    step,
    training: { from: first.t[0], until: first.t[first.t.length - 1] },
  };
}
