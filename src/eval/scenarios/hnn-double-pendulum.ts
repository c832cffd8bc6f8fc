/**
 * The double-pendulum task of `--scenario hnn`, the Lagrangian network's (Cranmer et al.
 * 2020, §5): m₁ = m₂ = l₁ = l₂ = 1, g = 9.8, state (q₁, q₂, q̇₁, q̇₂) with no canonical
 * momenta. Trajectories from rest at random angles |qᵢ| ≤ 1 rad (energy below what flips the
 * lower rod, so the angles stay bounded and need no wrapping), exact accelerations at the
 * clean states; half of them train and half test. The audit rolls out to t = 100 from random
 * starts of the same kind and reports the relative energy error (`energyDrift`).
 */
import type { Rng } from '../../core/rng.js';
import type { VectorFieldConfig } from '../../models/vector-field/config.js';
import type { StatePairs } from '../../models/vector-field/pairs.js';
import { solve } from '../../ode/solve.js';
import { doublePendulum } from '../../systems/double-pendulum.js';
import type { Task } from './hnn.js';

/** Cranmer et al. 2020 (§5, as quoted in lawful's issue 11, not measured here): relative energy error over t = 100. */
const PUBLISHED_DRIFT = { lnn: 0.004, 'mlp-vector-field': 0.075 };

const CHANNELS = ['q1', 'q2', 'w1', 'w2'];

/**
 * Both networks' settings here (each keeps its family's activation: softplus for the LNN, tanh
 * for the baseline, whose bounded output cannot run away along a rollout): a budget of a few
 * minutes on two cores (the paper trains longer, on more states). The rollouts' tolerance
 * keeps the integrator's own energy error far below the models'.
 */
const BUDGET: Partial<VectorFieldConfig> = { hidden: [64, 64], steps: 3000, lr: 3e-3, schedule: 'cosine', weightDecay: 0, rtol: 1e-8 };

export interface DoublePendulumSizes {
  /** Trajectories to train on and as many to test on. Default 10. */
  trajectories: number;
  /** Samples per trajectory, on t ∈ [0, span]. Default 50. */
  points: number;
  /** Length of each trajectory. Default 10. */
  span: number;
  /** Starts of the energy audit, each rolled out to `horizon`. Default 10. */
  starts: number;
  /** Horizon of the audit. Default 100. */
  horizon: number;
}

export const doublePendulumSizes: DoublePendulumSizes = { trajectories: 10, points: 50, span: 10, starts: 10, horizon: 100 };

export function doublePendulumTask(rng: Rng, sizes: DoublePendulumSizes = doublePendulumSizes): Task {
  const sys = doublePendulum.build({ g: 9.8 });
  const E = sys.invariants[0];
  const start = () => Float64Array.of(rng.uniformIn(-1, 1), rng.uniformIn(-1, 1), 0, 0);
  const simulate = (y0: Float64Array, times: Float64Array) => {
    const sol = solve({ term: sys.term, solver: 'dopri5', t0: 0, t1: times[times.length - 1], y0, theta: sys.theta, saveAt: times, rtol: 1e-11, atol: 1e-12 });
    return CHANNELS.map((_, d) => Float64Array.from(times, (_t, i) => sol.y[4 * i + d]));
  };
  const t = Float64Array.from({ length: sizes.points }, (_, i) => (sizes.span * i) / (sizes.points - 1));
  const sets: StatePairs[] = [0, 1].map(() => ({ x: new Float64Array(sizes.trajectories * sizes.points * 4), dx: new Float64Array(sizes.trajectories * sizes.points * 4), rows: sizes.trajectories * sizes.points }));
  const y = new Float64Array(4), dy = new Float64Array(4);
  let drawnStart = new Float64Array(4);
  for (let k = 0; k < 2 * sizes.trajectories; k++) {
    const y0 = start();
    if (k === sizes.trajectories) drawnStart = y0;
    const traj = simulate(y0, t);
    const set = sets[k < sizes.trajectories ? 0 : 1];
    const r0 = (k % sizes.trajectories) * sizes.points;
    for (let i = 0; i < t.length; i++) {
      for (let d = 0; d < 4; d++) y[d] = traj[d][i];
      sys.term.f(0, y, sys.theta, dy);
      set.x.set(y, 4 * (r0 + i));
      set.dx.set(dy, 4 * (r0 + i));
    }
  }
  const drawnTimes = Float64Array.from({ length: 201 }, (_, i) => 0.1 * i);
  const step = 0.1;
  return {
    name: 'double-pendulum',
    families: ['lnn', 'mlp-vector-field'],
    channels: CHANNELS,
    defaults: { lnn: BUDGET, 'mlp-vector-field': BUDGET },
    train: sets[0],
    test: sets[1],
    invariant: E,
    audit: {
      starts: Array.from({ length: sizes.starts }, start),
      t0: 0,
      times: Float64Array.from({ length: Math.round(sizes.horizon / step) }, (_, i) => step * (i + 1)),
    },
    drawn: { truth: { t: drawnTimes, y: simulate(drawnStart, drawnTimes), names: CHANNELS }, split: { trainFrom: 0, trainUntil: 3, until: 20 }, title: 'double pendulum, test trajectory 1 — trained on trajectories from rest' },
    published: {
      lnn: { energyDrift: PUBLISHED_DRIFT.lnn },
      'mlp-vector-field': { energyDrift: PUBLISHED_DRIFT['mlp-vector-field'] },
    },
    source: 'Cranmer et al. 2020, §5 (quoted, not measured)',
    notes: `double-pendulum: m = l = 1, g = 9.8; ${sizes.trajectories} train / ${sizes.trajectories} test trajectories from rest at angles |q| ≤ 1 rad, ${sizes.points} points on [0, ${sizes.span}], exact accelerations; energy audit over ${sizes.starts} such starts to t = ${sizes.horizon}`,
  };
}
