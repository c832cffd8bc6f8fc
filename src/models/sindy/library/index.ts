/** Builds a library from its JSON spec; the one place that reads `kind`. */
import { ConfigError } from '../../../core/errors.js';
import type { FeatureLibrary, LibrarySpec } from './base.js';
import { concat, tensor } from './compose.js';
import { fourierLibrary } from './fourier.js';
import { polynomialLibrary } from './polynomial.js';

export type { FeatureLibrary, LibrarySpec } from './base.js';
export { MAX_FEATURES, productName } from './base.js';
export { concat, tensor, fourierLibrary, polynomialLibrary };

const builders: Record<LibrarySpec['kind'], (spec: never) => FeatureLibrary> = {
  polynomial: (s: { degree: number; bias?: boolean }) => polynomialLibrary(s.degree, s.bias ?? true),
  fourier: (s: { frequencies: number }) => fourierLibrary(s.frequencies),
  concat: (s: { parts: LibrarySpec[] }) => concat(s.parts.map(buildLibrary)),
  tensor: (s: { parts: LibrarySpec[] }) => tensor(s.parts.map(buildLibrary)),
};

export function buildLibrary(spec: LibrarySpec): FeatureLibrary {
  const build = builders[spec.kind];
  if (!build) throw new ConfigError(`unknown library kind "${String(spec.kind)}"; known: ${Object.keys(builders).join(', ')}`, 'library.kind');
  return build(spec as never);
}
