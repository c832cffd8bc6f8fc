/**
 * Sines and cosines of each variable at integer multiples of it, in PySINDy's order: for
 * each variable, for k = 1 … frequencies, `sin(k*x)` then `cos(k*x)` (`sin(x)` for k = 1).
 */
import { ConfigError } from '../../../core/errors.js';
import { MAX_FEATURES, type FeatureLibrary } from './base.js';

export function fourierLibrary(frequencies = 1): FeatureLibrary {
  if (!Number.isInteger(frequencies) || frequencies < 1 || frequencies > MAX_FEATURES) {
    throw new ConfigError(`must be an integer from 1 to ${MAX_FEATURES}, got ${frequencies}`, 'library.frequencies');
  }
  const K = frequencies;
  const arg = (k: number, v: string) => (k === 1 ? v : `${k}*${v}`);
  return {
    spec: { kind: 'fourier', frequencies },
    size: (nVars) => 2 * K * nVars,
    names: (vars) => vars.flatMap((v) => Array.from({ length: K }, (_, i) => [`sin(${arg(i + 1, v)})`, `cos(${arg(i + 1, v)})`]).flat()),
    columns(x) {
      const out: Float64Array[] = [];
      for (const xj of x) {
        for (let k = 1; k <= K; k++) {
          out.push(xj.map((v) => Math.sin(k * v)));
          out.push(xj.map((v) => Math.cos(k * v)));
        }
      }
      return out;
    },
    point(x, out) {
      let at = 0;
      for (let j = 0; j < x.length; j++) {
        for (let k = 1; k <= K; k++) {
          out[at++] = Math.sin(k * x[j]);
          out[at++] = Math.cos(k * x[j]);
        }
      }
    },
    gradient(x, J) {
      const d = x.length;
      J.fill(0, 0, 2 * K * d * d);
      let at = 0;
      for (let j = 0; j < d; j++) {
        for (let k = 1; k <= K; k++) {
          J[at++ * d + j] = k * Math.cos(k * x[j]);
          J[at++ * d + j] = -k * Math.sin(k * x[j]);
        }
      }
    },
  };
}
