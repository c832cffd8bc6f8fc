/** Builds a differentiator from its JSON spec; the one place that reads `method`. */
import type { Differentiator } from './base.js';
import { finiteDifference } from './finite-difference.js';
import { savitzkyGolay } from './savitzky-golay.js';

export type { Differentiator } from './base.js';
export { applyStencil, stencilWeights } from './base.js';
export { finiteDifference, MAX_FD_ORDER } from './finite-difference.js';
export { savitzkyGolay } from './savitzky-golay.js';

/** A differentiation method as plain JSON, as configs and saved models hold it. */
export type DifferentiationSpec =
  | { method: 'finite-difference'; order?: number }
  | { method: 'savitzky-golay'; window?: number; degree?: number };

export function buildDifferentiator(spec: DifferentiationSpec): Differentiator {
  return spec.method === 'savitzky-golay' ? savitzkyGolay(spec.window, spec.degree) : finiteDifference(spec.order);
}
