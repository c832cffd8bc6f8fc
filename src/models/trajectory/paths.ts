/**
 * The layer's two entry points: a model's loss on data and its simulator, through the
 * family's fast path when it has one, else through the generic adjoint path.
 */
import { AdjointPath, adjointSimulator } from './adjoint-path.js';
import type { SolverSettings, TrajectoryData, TrajectoryModel, TrajectoryPath, TrajectorySimulator } from './base.js';
import { checkTrajectoryModel } from './layout.js';

/** Options of {@link trajectoryLoss} and {@link trajectorySimulator}. */
export interface PathOptions {
  /** Solver of the generic path. Default: dopri5 with rtol 1e-8, atol 1e-10. */
  solver?: SolverSettings;
  /** Use the generic adjoint path even when the model has a fast path (to check one against the other). Default false. */
  generic?: boolean;
}

/** ℓ and ∇ℓ of `model` on `data` (base.ts). */
export function trajectoryLoss(model: TrajectoryModel, data: TrajectoryData, opts: PathOptions = {}): TrajectoryPath {
  checkTrajectoryModel(model);
  if (model.fastPath && !opts.generic) return model.fastPath.loss(data);
  return new AdjointPath(model, data, opts.solver);
}

/** Free-running simulation of `model` from z₀ at t0. */
export function trajectorySimulator(model: TrajectoryModel, t0: number, opts: PathOptions = {}): TrajectorySimulator {
  checkTrajectoryModel(model);
  if (model.fastPath && !opts.generic) return model.fastPath.simulator(t0);
  return adjointSimulator(model, t0, opts.solver);
}
