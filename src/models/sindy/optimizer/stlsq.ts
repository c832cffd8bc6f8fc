/**
 * Sequentially thresholded least squares (Brunton, Proctor & Kutz 2016, with the ridge of
 * PySINDy's STLSQ): solve the ridge regression on the active features, drop those whose
 * coefficient is below `threshold` in magnitude, repeat until the support stops changing.
 */
import { ConfigError, throwIfAborted } from '../../../core/errors.js';
import { normalEquations, ridgeSolve, type NormalEquations, type SparseOptimizer } from './base.js';

export interface StlsqOptions {
  /** Smallest coefficient magnitude kept, in units of the target per unit of feature. Default 0.1. */
  threshold?: number;
  /** Ridge weight λ ≥ 0 in ‖Θξ − ẋ‖² + λ‖ξ‖², in the units of ΘᵀΘ. Default 0.05 (PySINDy's alpha). */
  ridge?: number;
  /** Most thresholding rounds. Default 20. */
  maxIterations?: number;
}

/** STLSQ on one target given its normal equations; `allowed` restricts the candidate features. */
export function stlsqSolve(eq: NormalEquations, rhs: Float64Array, threshold: number, ridge: number, maxIterations: number, allowed?: readonly number[]): Float64Array {
  let active = allowed ? [...allowed] : Array.from({ length: eq.P }, (_, k) => k);
  let xi = ridgeSolve(eq, rhs, active, ridge);
  for (let it = 0; it < maxIterations; it++) {
    const kept = active.filter((k) => Math.abs(xi[k]) >= threshold);
    if (kept.length === active.length) break;
    active = kept;
    xi = ridgeSolve(eq, rhs, active, ridge);
  }
  return xi;
}

export function checkStlsq(o: StlsqOptions): Required<StlsqOptions> {
  const threshold = o.threshold ?? 0.1;
  const ridge = o.ridge ?? 0.05;
  const maxIterations = o.maxIterations ?? 20;
  if (!(threshold >= 0 && Number.isFinite(threshold))) throw new ConfigError(`must be a finite number ≥ 0, got ${threshold}`, 'optimizer.threshold');
  if (!(ridge >= 0 && Number.isFinite(ridge))) throw new ConfigError(`must be a finite number ≥ 0, got ${ridge}`, 'optimizer.ridge');
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new ConfigError(`must be a positive integer, got ${maxIterations}`, 'optimizer.maxIterations');
  return { threshold, ridge, maxIterations };
}

export function stlsq(options: StlsqOptions = {}): SparseOptimizer {
  const { threshold, ridge, maxIterations } = checkStlsq(options);
  return {
    name: `STLSQ threshold ${threshold}`,
    fit(rows, ctx) {
      const eq = normalEquations(rows, undefined, ctx.signal);
      throwIfAborted(ctx.signal);
      return { coef: eq.b.map((rhs) => stlsqSolve(eq, rhs, threshold, ridge, maxIterations)) };
    },
  };
}
