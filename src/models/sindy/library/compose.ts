/**
 * Composition of libraries, after PySINDy: `concat(a, b)` (a + b) lists the features of a
 * then those of b; `tensor(a, b)` (a * b) lists every product θ_i^a · θ_j^b, i outer, with
 * the gradient by the product rule.
 */
import { ConfigError } from '../../../core/errors.js';
import { MAX_FEATURES, productName, type FeatureLibrary } from './base.js';

export function concat(parts: FeatureLibrary[]): FeatureLibrary {
  if (parts.length < 1) throw new ConfigError('a concatenated library needs at least one part', 'library.parts');
  return {
    spec: { kind: 'concat', parts: parts.map((p) => p.spec) },
    size: (nVars) => Math.min(MAX_FEATURES + 1, parts.reduce((s, p) => s + p.size(nVars), 0)),
    names: (vars) => parts.flatMap((p) => p.names(vars)),
    columns: (x) => parts.flatMap((p) => p.columns(x)),
    point(x, out) {
      let at = 0;
      for (const p of parts) {
        p.point(x, out.subarray(at));
        at += p.size(x.length);
      }
    },
    gradient(x, J) {
      let at = 0;
      for (const p of parts) {
        p.gradient(x, J.subarray(at * x.length));
        at += p.size(x.length);
      }
    },
  };
}

export function tensor(parts: FeatureLibrary[]): FeatureLibrary {
  if (parts.length !== 2) throw new ConfigError(`a tensor library is the product of exactly two libraries, got ${parts.length}`, 'library.parts');
  const [a, b] = parts;
  return {
    spec: { kind: 'tensor', parts: parts.map((p) => p.spec) },
    size: (nVars) => Math.min(MAX_FEATURES + 1, a.size(nVars) * b.size(nVars)),
    names(vars) {
      const nb = b.names(vars);
      return a.names(vars).flatMap((na) => nb.map((n) => productName(na, n)));
    },
    columns(x) {
      const cb = b.columns(x);
      return a.columns(x).flatMap((ca) => cb.map((c) => ca.map((v, i) => v * c[i])));
    },
    point(x, out) {
      const d = x.length;
      const [na, nb] = [a.size(d), b.size(d)];
      const va = new Float64Array(na);
      const vb = new Float64Array(nb);
      a.point(x, va);
      b.point(x, vb);
      for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) out[i * nb + j] = va[i] * vb[j];
    },
    gradient(x, J) {
      const d = x.length;
      const [na, nb] = [a.size(d), b.size(d)];
      const va = new Float64Array(na);
      const vb = new Float64Array(nb);
      const ja = new Float64Array(na * d);
      const jb = new Float64Array(nb * d);
      a.point(x, va);
      b.point(x, vb);
      a.gradient(x, ja);
      b.gradient(x, jb);
      for (let i = 0; i < na; i++) {
        for (let j = 0; j < nb; j++) {
          const row = (i * nb + j) * d;
          for (let l = 0; l < d; l++) J[row + l] = ja[i * d + l] * vb[j] + va[i] * jb[j * d + l];
        }
      }
    },
  };
}
