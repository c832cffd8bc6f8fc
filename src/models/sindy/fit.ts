/**
 * `fitSindy`: the SINDy pipeline over one or more trajectories (Brunton, Proctor & Kutz
 * 2016), read top to bottom as differentiate → build features → sparse regression. Each
 * trajectory is differentiated on its own (no difference across the seam between two
 * trajectories), and their samples are stacked into one regression, streamed block by block
 * from the data into the normal equations.
 */
import { DataError, throwIfAborted } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { uniformStep, type Series } from '../../data/series.js';
import { resolveConfig, type SindyConfig } from './config.js';
import { buildDifferentiator } from './differentiation/index.js';
import { variableNames } from './equations.js';
import { buildLibrary, type FeatureLibrary } from './library/index.js';
import { buildOptimizer, REGRESSION_BLOCK, type RegressionRows } from './optimizer/index.js';

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

/** One trajectory's rows of the regression: its states, and its targets over a range of them. */
interface Part {
  n: number;
  states: Float64Array[];
  /** Channel c's targets at the rows [lo, hi): a view, or written into a block buffer. */
  targets(c: number, lo: number, hi: number): Float64Array;
}

/**
 * The regression's rows, trajectory after trajectory, block by block: each block's library
 * columns are built from views of the states when the optimizer reads them, so neither Θ
 * (n × P) nor (with a local differentiator) a derivative column is ever held whole.
 */
function streamRows(parts: readonly Part[], library: FeatureLibrary, P: number, C: number): RegressionRows {
  return {
    P,
    T: C,
    n: parts.reduce((s, p) => s + p.n, 0),
    forEachBlock(visit, signal) {
      const store = library.columnsTo ? Array.from({ length: P }, () => new Float64Array(REGRESSION_BLOCK)) : [];
      let start = 0;
      for (const part of parts) {
        for (let lo = 0; lo < part.n; lo += REGRESSION_BLOCK) {
          throwIfAborted(signal);
          const hi = Math.min(part.n, lo + REGRESSION_BLOCK);
          const x = part.states.map((v) => v.subarray(lo, hi));
          const theta = library.columnsTo ? library.columnsTo(x, store) : library.columns(x);
          visit(theta, Array.from({ length: C }, (_, c) => part.targets(c, lo, hi)), start + lo);
        }
        start += part.n;
      }
    },
  };
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
  const P = library.size(C);
  const parts: Part[] = [];
  // Block buffers of the streamed derivatives, one per channel, shared by every block.
  const buffers = Array.from({ length: C }, () => new Float64Array(REGRESSION_BLOCK));
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
    const y = tr.y;
    if (config.discrete) {
      parts.push({ n: n - 1, states: y.map((v) => v.subarray(0, n - 1)), targets: (c, lo, hi) => y[c].subarray(lo + 1, hi + 1) });
    } else if (differentiator.differentiateRange) {
      const range = differentiator.differentiateRange;
      parts.push({
        n,
        states: y,
        targets(c, lo, hi) {
          range(y[c], dt, lo, hi, buffers[c]);
          return buffers[c].subarray(0, hi - lo);
        },
      });
    } else {
      const d = y.map((v) => differentiator.differentiate(v, dt));
      parts.push({ n, states: y, targets: (c, lo, hi) => d[c].subarray(lo, hi) });
    }
  }
  throwIfAborted(opts.signal);
  const rows = streamRows(parts, library, P, C);
  const { coef, inclusion } = buildOptimizer(config.optimizer).fit(rows, { rng: new Rng(opts.seed ?? 0), signal: opts.signal });
  // Finite data can still overflow in a high power; Ξ then holds NaN. Name the term.
  if (coef.some((row) => firstNonFinite(row) >= 0)) {
    let k = P;
    rows.forEachBlock((theta) => theta.forEach((col, q) => {
      if (q < k && firstNonFinite(col) >= 0) k = q;
    }));
    if (k < P) throw new DataError(`the library term ${library.names(vars)[k]} overflows on the data; scale the data or lower the degree`);
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
