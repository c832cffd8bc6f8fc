/** Builds a differentiator from its JSON spec; the one place that reads `method`. */
import type { Differentiator } from './base.js';
import { finiteDifference } from './finite-difference.js';
import { savitzkyGolay } from './savitzky-golay.js';
import { totalVariation, type TvOptions } from './tv.js';

export type { Differentiator } from './base.js';
export { applyStencil, stencilWeights } from './base.js';
export { finiteDifference, MAX_FD_ORDER } from './finite-difference.js';
export { savitzkyGolay } from './savitzky-golay.js';
export { totalVariation } from './tv.js';
export type { TvOptions } from './tv.js';

/** A differentiation method as plain JSON, as configs and saved models hold it. */
export type DifferentiationSpec =
  | { method: 'finite-difference'; order?: number }
  | { method: 'savitzky-golay'; window?: number; degree?: number }
  | ({ method: 'total-variation' } & TvOptions);

export function buildDifferentiator(spec: DifferentiationSpec): Differentiator {
  if (spec.method === 'savitzky-golay') return savitzkyGolay(spec.window, spec.degree);
  if (spec.method === 'total-variation') return totalVariation(spec);
  return finiteDifference(spec.order);
}
