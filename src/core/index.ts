/**
 * The public surface of lawful's core: errors, flat parameters, the seeded RNG, gradient
 * checks, small dense linear algebra, the matrix exponential and the optimizers.
 * Browser-safe: nothing here imports Node.
 */
export { LawfulError, DataError, ConfigError, DivergenceError, SolverError, AbortError, throwIfAborted } from './errors.js';
export type { DataLocation } from './errors.js';
export { shapeSize, makeLayout, layoutSize, block, view, paramsToJSON } from './params.js';
export type { ParamBlock, ParamLayout } from './params.js';
export { Rng } from './rng.js';
export { numericGradient, checkGradient } from './gradcheck.js';
export type { GradCheckResult, GradCheckOptions } from './gradcheck.js';
export {
  SingularMatrixError,
  identity,
  matmul,
  matvec,
  transpose,
  norm1,
  normInf,
  dot,
  luFactor,
  luSolve,
  solveLinear,
  qrFactor,
  qrApplyQt,
  qrQ,
  leastSquares,
} from './linalg.js';
export type { LeastSquaresOptions } from './linalg.js';
export { expm, createExpm, createExpmFrechet } from './expm.js';
export type { ExpmFunction } from './expm.js';
export * from './optim/index.js';
export { EventLoopPacer, yieldToEventLoop } from './pace.js';
