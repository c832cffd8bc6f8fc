/** Builds a library from its JSON spec; the one place that reads `kind`. */
import { ConfigError } from '../../../core/errors.js';
import type { FeatureLibrary, LibrarySpec } from './base.js';
import { concat, tensor } from './compose.js';
import { fourierLibrary } from './fourier.js';
import { polynomialLibrary } from './polynomial.js';
import { customLibrary } from './custom.js';

export type { FeatureLibrary, LibrarySpec } from './base.js';
export { MAX_FEATURES, productName } from './base.js';
export { concat, tensor, fourierLibrary, polynomialLibrary, customLibrary };

const builders: Record<LibrarySpec['kind'], (spec: never, vars: readonly string[]) => FeatureLibrary> = {
  polynomial: (s: { degree: number; bias?: boolean }) => polynomialLibrary(s.degree, s.bias ?? true),
  fourier: (s: { frequencies: number }) => fourierLibrary(s.frequencies),
  custom: (s: { terms: string[] }, vars) => customLibrary(s.terms, vars),
  concat: (s: { parts: LibrarySpec[] }, vars) => concat(s.parts.map((p) => buildLibrary(p, vars))),
  tensor: (s: { parts: LibrarySpec[] }, vars) => tensor(s.parts.map((p) => buildLibrary(p, vars))),
};

/**
 * The library of `spec` over the variables `vars` (identifiers; only custom terms name
 * them, the other kinds take the names when asked).
 */
export function buildLibrary(spec: LibrarySpec, vars: readonly string[] = []): FeatureLibrary {
  const build = builders[spec.kind];
  if (!build) throw new ConfigError(`unknown library kind "${String(spec.kind)}"; known: ${Object.keys(builders).join(', ')}`, 'library.kind');
  return build(spec as never, vars);
}
