/** The trajectory-model layer (base.ts): loss and gradient through the adjoint, simulation, save and load. */
export type {
  SolverSettings,
  ThetaBlock,
  TrajectoryData,
  TrajectoryFastPath,
  TrajectoryLayout,
  TrajectoryModel,
  TrajectoryPath,
  TrajectorySimulator,
} from './base.js';
export { thetaBlocks, channelWeights } from './base.js';
export { linearObservation } from './observation.js';
export type { LinearObservationOptions, ObservationMap } from './observation.js';
export { checkTrajectoryModel, trajectoryLayout } from './layout.js';
export { AdjointPath, adjointSimulator } from './adjoint-path.js';
export { trajectoryLoss, trajectorySimulator } from './paths.js';
export type { PathOptions } from './paths.js';
export { loadTrajectory, saveTrajectory } from './saved.js';
export type { LoadedTrajectory, SavedTrajectory } from './saved.js';
export { fitTrajectory } from './fit.js';
export type { TrajectoryFit, TrajectoryFitOptions } from './fit.js';
