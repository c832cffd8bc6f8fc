/**
 * Save and load of what the trajectory layer owns: the layout, θ, the time of z₀ and the
 * solver settings, as plain JSON. A family stores this inside its saved model and rebuilds
 * its `TrajectoryModel` (term, observation) from its own config on load.
 */
import { ConfigError } from '../../core/errors.js';
import { getSolver } from '../../ode/solvers/index.js';
import type { SolverSettings, TrajectoryLayout, TrajectoryModel, TrajectorySimulator } from './base.js';
import { checkTrajectoryModel } from './layout.js';
import { trajectorySimulator } from './paths.js';

/** The layer's state as plain JSON. */
export interface SavedTrajectory {
  layout: TrajectoryLayout;
  theta: number[];
  t0: number;
  solver: SolverSettings;
}

/** A JSON-ready copy of the layer's state (nothing shared with the arguments). */
export function saveTrajectory(layout: TrajectoryLayout, theta: Float64Array, t0: number, solver: SolverSettings = {}): SavedTrajectory {
  return JSON.parse(JSON.stringify({ layout, theta: Array.from(theta), t0, solver })) as SavedTrajectory;
}

/** A loaded trajectory: θ, t0, the solver settings and a simulator of the model at them. */
export interface LoadedTrajectory {
  theta: Float64Array;
  t0: number;
  solver: SolverSettings;
  simulator: TrajectorySimulator;
  /** Observed channels at `times` (sorted ascending) from the loaded θ. */
  simulate(times: Float64Array): Float64Array[];
}

const sameBlock = (a: { offset: number; length: number } | undefined, b: { offset: number; length: number }) => a?.offset === b.offset && a?.length === b.length;

/**
 * Checks `saved` against the family's model (rebuilt from its config) and loads it. Every
 * mismatch is a ConfigError naming the field: a θ of the wrong length or with non-finite
 * entries, a layout that differs from the model's, an unknown solver.
 */
export function loadTrajectory(saved: unknown, model: TrajectoryModel): LoadedTrajectory {
  checkTrajectoryModel(model);
  if (typeof saved !== 'object' || saved === null) throw new ConfigError('is not an object', 'trajectory');
  const s = saved as Partial<SavedTrajectory>;
  const want = model.layout;
  const lay = s.layout;
  if (!lay || lay.size !== want.size || !sameBlock(lay.term, want.term) || !sameBlock(lay.z0, want.z0) || !sameBlock(lay.observation, want.observation)) {
    throw new ConfigError(`does not match the model's (size ${want.size}; term at ${want.term.offset}+${want.term.length}, z0 at ${want.z0.offset}+${want.z0.length}, observation at ${want.observation.offset}+${want.observation.length})`, 'trajectory.layout');
  }
  if (!Array.isArray(s.theta) || s.theta.length !== want.size) throw new ConfigError(`must be an array of ${want.size} numbers`, 'trajectory.theta');
  const bad = s.theta.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new ConfigError(`entry ${bad} is ${JSON.stringify(s.theta[bad])}, not a finite number`, 'trajectory.theta');
  if (typeof s.t0 !== 'number' || !Number.isFinite(s.t0)) throw new ConfigError(`must be a finite number; got ${JSON.stringify(s.t0)}`, 'trajectory.t0');
  const solver: SolverSettings = { ...(s.solver ?? {}) };
  if (solver.solver !== undefined) {
    try {
      getSolver(solver.solver);
    } catch {
      throw new ConfigError(`"${String(solver.solver)}" is not a solver of the registry`, 'trajectory.solver.solver');
    }
  }
  const theta = Float64Array.from(s.theta);
  const simulator = trajectorySimulator(model, s.t0, { solver });
  return { theta, t0: s.t0, solver, simulator, simulate: (times) => simulator.simulate(theta, times) };
}
