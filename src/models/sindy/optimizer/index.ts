/** Builds an optimizer from its JSON spec; the one place that reads `method`. */
import { ensemble, type EnsembleOptions } from './ensemble.js';
import { stlsq, type StlsqOptions } from './stlsq.js';
import type { SparseOptimizer } from './base.js';

export type { NormalEquations, RegressionRows, SparseFit, SparseOptimizer } from './base.js';
export { columnRows, materialize, normalEquations, REGRESSION_BLOCK, ridgeSolve } from './base.js';
export { stlsq, stlsqSolve } from './stlsq.js';
export type { StlsqOptions } from './stlsq.js';
export { ensemble } from './ensemble.js';
export type { EnsembleOptions } from './ensemble.js';

/** An optimizer as plain JSON, as configs and saved models hold it. */
export type OptimizerSpec = ({ method: 'stlsq' } & StlsqOptions) | ({ method: 'ensemble' } & EnsembleOptions);

export function buildOptimizer(spec: OptimizerSpec): SparseOptimizer {
  return spec.method === 'ensemble' ? ensemble(spec) : stlsq(spec);
}
