/**
 * Savitzky–Golay smoothed differences (Savitzky & Golay 1964): the derivative of a
 * polynomial of `degree` fitted by least squares to `window` samples around each sample.
 * Noise of variance σ² in x gives a derivative error of order σ / (h · window^{3/2}) rather
 * than σ / h for plain differences, at the price of a bias O(h^{degree+1}) on curved data.
 */
import { ConfigError } from '../../../core/errors.js';
import { stencilDifferentiator, type Differentiator } from './base.js';

export function savitzkyGolay(window = 9, degree = 3): Differentiator {
  if (!Number.isInteger(window) || window < 3 || window % 2 === 0) {
    throw new ConfigError(`must be an odd integer ≥ 3, got ${window}`, 'differentiation.window');
  }
  if (!Number.isInteger(degree) || degree < 1 || degree >= window) {
    throw new ConfigError(`must be an integer from 1 to window − 1 = ${window - 1}, got ${degree}`, 'differentiation.degree');
  }
  return stencilDifferentiator(`savitzky-golay window ${window} degree ${degree}`, window, degree);
}
