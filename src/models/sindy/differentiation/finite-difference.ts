/**
 * Finite differences of order p: the derivative of the polynomial interpolating p + 1
 * neighbouring samples (Fornberg 1988), central in the interior for even p (order 2 is
 * (x_{i+1} − x_{i−1}) / 2h), one-sided at the ends with the same order. The error is
 * O(h^p) everywhere, endpoints included; polynomials of degree ≤ p are differentiated exactly.
 */
import { ConfigError } from '../../../core/errors.js';
import { stencilDifferentiator, type Differentiator } from './base.js';

/** Highest order offered: beyond it the one-sided end stencils amplify rounding more than they gain. */
export const MAX_FD_ORDER = 8;

export function finiteDifference(order = 2): Differentiator {
  if (!Number.isInteger(order) || order < 1 || order > MAX_FD_ORDER) {
    throw new ConfigError(`must be an integer from 1 to ${MAX_FD_ORDER}, got ${order}`, 'differentiation.order');
  }
  return stencilDifferentiator(`finite-difference order ${order}`, order + 1, order);
}
