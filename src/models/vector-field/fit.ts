/**
 * Fitting and running a neural vector field (nets.ts): full-batch Adam on the squared error
 * of the predicted derivatives, through the shared training loop (core/optim/train.ts), then
 * rollouts of the learned field: dopri5 at a tight tolerance, or — for a separable
 * H = T(p) + V(q) (`separable: true`) — Yoshida's 4th-order symplectic splitting at a fixed
 * step. A general learned H(q, p) is not separable, so the splittings do not apply to it;
 * `describe().integrator` says what ran.
 */
import { ConfigError, DataError, DivergenceError, throwIfAborted } from '../../core/errors.js';
import { Adam } from '../../core/optim/adam.js';
import { cosine } from '../../core/optim/schedules.js';
import { train } from '../../core/optim/train.js';
import { makeLayout, type ParamLayout } from '../../core/params.js';
import { Rng } from '../../core/rng.js';
import type { Series } from '../../data/series.js';
import { solve } from '../../ode/solve.js';
import type { FitOptions, Fitted, SavedModel } from '../base.js';
import { FitDivergedError } from '../base.js';
import { savedHeader } from '../saved.js';
import { resolveCoordinates, resolveVectorFieldConfig, type Coordinates, type VectorFieldConfig } from './config.js';
import type { VectorFieldNet } from './nets.js';
import { stateSeries, statePairs, type StatePairs } from './pairs.js';

/** What sets one vector-field family apart: its name, its network, and defaults of its own. */
export interface VectorFieldKind {
  family: string;
  net(n: number, config: VectorFieldConfig): VectorFieldNet;
  /** Options whose default differs from `vectorFieldDefaults` for this family (lnn: softplus). */
  defaults?: Partial<VectorFieldConfig>;
  /** Why a dopri5 rollout, when the family's structure would suggest a symplectic one. */
  rolloutNote?: string;
}

/** Absolute tolerance of the rollouts (states are O(1) in every task here). */
const ROLLOUT_ATOL = 1e-12;
/** Most dopri5 steps per rollout: a damaged or stiff field stops with a SolverError, not after minutes. */
const ROLLOUT_MAX_STEPS = 200_000;

/** A fitted vector field: what `toJSON` saves and `load` rebuilds. */
export interface VectorFieldState {
  config: VectorFieldConfig;
  channels: string[];
  theta: Float64Array;
  /** The state [q, p] at `training.from`, the start of `forecast`. */
  x0: Float64Array;
  training: { from: number; until: number };
  /** Final training loss (mean squared derivative error). */
  loss: number;
}

/** Layout of the saved parameters: the MLP's blocks, then the initial state x0 [2n]. */
export function savedLayout(kind: VectorFieldKind, config: VectorFieldConfig, n: number): { layout: ParamLayout; size: number; netSize: number } {
  const net = kind.net(n, config);
  const shapes: Record<string, number[]> = Object.fromEntries(net.layout.map((b) => [b.name, b.shape]));
  return { ...makeLayout({ ...shapes, x0: [2 * n] }), netSize: net.size };
}

/** Fits θ to given (state, derivative) pairs; returns θ and the final loss. */
export async function fitPairs(kind: VectorFieldKind, n: number, pairs: StatePairs, config: VectorFieldConfig, opts: FitOptions): Promise<{ theta: Float64Array; loss: number }> {
  const net = kind.net(n, config);
  const size = net.size;
  const theta = new Float64Array(size);
  net.init(theta, new Rng(opts.seed));
  const ws = net.workspace(pairs.rows);
  const r = await train({
    lossAndGrad: (th, g) => net.lossAndGrad(th, pairs.x, pairs.dx, ws, g),
    theta,
    optimizer: new Adam(size, { lr: config.schedule === 'cosine' ? cosine(config.lr, config.steps) : config.lr, weightDecay: config.weightDecay, clipNorm: config.clipNorm ?? undefined }),
    steps: config.steps,
    signal: opts.signal,
    name: kind.family,
    onProgress: (p) => opts.onProgress?.({ fraction: p.fraction, loss: p.loss, stage: `Adam ${p.step}/${p.steps}` }),
  });
  const g = new Float64Array(size);
  return { theta: r.best, loss: net.lossAndGrad(r.best, pairs.x, pairs.dx, ws, g) };
}

/**
 * Fits a vector field to one or more trajectories (each a Series with the same channels);
 * the forecast starts from the state at the first sample of the first trajectory.
 */
export async function fitVectorField(kind: VectorFieldKind, trajectories: readonly Series[], partial: Partial<VectorFieldConfig>, opts: FitOptions): Promise<VectorFieldState> {
  throwIfAborted(opts.signal);
  const config = resolveVectorFieldConfig({ ...kind.defaults, ...partial });
  if (trajectories.length === 0) throw new DataError('no trajectories to fit');
  const channels = trajectories[0].names;
  for (const s of trajectories) {
    if (s.names.join('\u0000') !== channels.join('\u0000')) throw new DataError(`trajectories have different channels: ${channels.join(', ')} and ${s.names.join(', ')}`);
  }
  const coords = resolveCoordinates(channels, config);
  const pairs = statePairs(trajectories, coords, config.differentiation);
  const first = trajectories[0];
  const x0 = Float64Array.from(stateSeries(first, coords, config.differentiation), (v) => v[0]);
  const training = { from: first.t[0], until: first.t[first.t.length - 1] };
  try {
    const { theta, loss } = await fitPairs(kind, coords.n, pairs, config, opts);
    return { config, channels: [...channels], theta, x0, training, loss };
  } catch (e) {
    if (!(e instanceof DivergenceError) || !e.lastGood) throw e;
    const last = vectorFieldFitted(kind, { config, channels: [...channels], theta: e.lastGood, x0, training, loss: NaN });
    throw new FitDivergedError(e, last.toJSON());
  }
}

/** Mean squared error of the fitted field's derivatives at the rows of `pairs` (a test loss). */
export function derivativeMse(kind: VectorFieldKind, s: VectorFieldState, pairs: StatePairs): number {
  const net = kind.net(s.x0.length / 2, s.config);
  return net.lossAndGrad(s.theta.subarray(0, net.size), pairs.x, pairs.dx, net.workspace(pairs.rows), new Float64Array(net.size));
}

/**
 * Rolls the learned field out from `y0` at `t0` to `times` (forward and backward), one array
 * per state entry: dopri5 at `rtol`, or Yoshida's splitting with steps of at most `step` for a split field.
 */
export function rollout(net: VectorFieldNet, theta: Float64Array, y0: Float64Array, t0: number, times: Float64Array, rtol: number, step = 0.01): Float64Array[] {
  const D = y0.length;
  const out = Array.from({ length: D }, () => new Float64Array(times.length));
  const order = Array.from(times.keys()).sort((a, b) => times[a] - times[b]);
  for (const sign of [1, -1] as const) {
    const idx = sign > 0 ? order.filter((i) => times[i] >= t0) : order.filter((i) => times[i] < t0).reverse();
    if (idx.length === 0) continue;
    const saveAt = Float64Array.from(idx, (i) => sign * (times[i] - t0));
    const how = net.split ? { solver: 'yoshida4', dt: step } : { solver: 'dopri5', rtol, atol: ROLLOUT_ATOL };
    const sol = solve({ term: net.term(sign), ...how, t0: 0, t1: saveAt[saveAt.length - 1], y0, theta, saveAt, maxSteps: ROLLOUT_MAX_STEPS });
    idx.forEach((i, r) => {
      for (let d = 0; d < D; d++) out[d][i] = sol.y[r * D + d];
    });
  }
  if (!out.every((c) => c.every(Number.isFinite))) throw new DivergenceError('the learned vector field blows up along the rollout', y0, t0);
  return out;
}

/** The Fitted model of a vector-field state. */
export function vectorFieldFitted(kind: VectorFieldKind, s: VectorFieldState): Fitted & { coordinates: Coordinates } {
  const coords = resolveCoordinates(s.channels, s.config);
  const net = kind.net(coords.n, s.config);
  const { layout, netSize } = savedLayout(kind, s.config, coords.n);
  const theta = s.theta.subarray(0, netSize);
  const nParams = netSize + s.x0.length;
  const integrator = net.split
    ? `yoshida4 (symplectic, step ${s.config.rolloutStep}): H = T(p) + V(q) is separable`
    : `dopri5 (rtol ${s.config.rtol}, atol ${ROLLOUT_ATOL})${kind.rolloutNote ? `: ${kind.rolloutNote}` : ''}`;
  return {
    family: kind.family,
    nParams,
    inWindowMode: 'simulated',
    coordinates: coords,
    forecast(times: Float64Array) {
      const state = rollout(net, theta, s.x0, s.training.from, times, s.config.rtol, s.config.rolloutStep);
      return { t: times, mean: coords.index.map((k) => state[k]) };
    },
    rollout(y0: Float64Array, t0: number, times: Float64Array) {
      if (y0.length !== 2 * coords.n) throw new ConfigError(`has ${y0.length} entries; the state [${coords.names.join(', ')}] has ${2 * coords.n}`, 'y0');
      return rollout(net, theta, y0, t0, times, s.config.rtol, s.config.rolloutStep);
    },
    describe() {
      return {
        family: kind.family,
        parameters: nParams,
        state: coords.names,
        network: net.split
          ? `H = T(p) + V(q), each an MLP ${[coords.n, ...s.config.hidden, 1].join('→')} (${s.config.activation})`
          : `MLP ${[2 * coords.n, ...s.config.hidden, net.outputs].join('→')} (${s.config.activation})`,
        integrator,
        trainingLoss: s.loss,
        initialState: Array.from(s.x0),
      };
    },
    toJSON(): SavedModel {
      return {
        ...savedHeader(kind.family),
        config: structuredClone(s.config) as unknown as Record<string, unknown>,
        layout,
        params: [...theta, ...s.x0],
        extra: { loss: Number.isFinite(s.loss) ? s.loss : null },
        training: { ...s.training, channels: [...s.channels] },
      };
    },
  };
}
