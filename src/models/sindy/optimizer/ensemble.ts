/**
 * Ensemble SINDy (Fasel, Kutz, Brunton & Brunton 2022): STLSQ on `models` bootstrap
 * resamples of the samples, each also dropping `dropTerms` library terms at random
 * (library bagging). The coefficient is the median over the models, and the inclusion
 * probability of a term is the fraction of models that kept it: near 1 for terms the
 * data insist on, low for terms that only fit noise in some resamples.
 */
import { ConfigError, throwIfAborted } from '../../../core/errors.js';
import { materialize, normalEquations, type SparseOptimizer } from './base.js';
import { checkStlsq, stlsqSolve, type StlsqOptions } from './stlsq.js';

export interface EnsembleOptions extends StlsqOptions {
  /** Number of bootstrap models. Default 20. */
  models?: number;
  /** Library terms left out of each model, chosen at random. Default 0 (bagging over samples only). */
  dropTerms?: number;
}

function median(v: Float64Array): number {
  const s = Float64Array.from(v).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function ensemble(options: EnsembleOptions = {}): SparseOptimizer {
  const { threshold, ridge, maxIterations } = checkStlsq(options);
  const models = options.models ?? 20;
  const dropTerms = options.dropTerms ?? 0;
  if (!Number.isInteger(models) || models < 2 || models > 1000) throw new ConfigError(`must be an integer from 2 to 1000, got ${models}`, 'optimizer.models');
  if (!Number.isInteger(dropTerms) || dropTerms < 0) throw new ConfigError(`must be an integer ≥ 0, got ${dropTerms}`, 'optimizer.dropTerms');
  return {
    name: `ensemble of ${models} STLSQ models`,
    fit(streamed, { rng, signal }) {
      const { P, n, T: C } = streamed;
      if (dropTerms >= P) throw new ConfigError(`drops ${dropTerms} of the library's ${P} terms; keep at least one`, 'optimizer.dropTerms');
      const rows = materialize(streamed, signal);
      const all = Array.from({ length: C }, () => Array.from({ length: P }, () => new Float64Array(models)));
      const w = new Float64Array(n);
      for (let m = 0; m < models; m++) {
        throwIfAborted(signal);
        w.fill(0);
        for (let i = 0; i < n; i++) w[rng.int(n)]++;
        const terms = Array.from({ length: P }, (_, k) => k);
        for (let d = 0; d < dropTerms; d++) terms.splice(rng.int(terms.length), 1);
        const eq = normalEquations(rows, w, signal);
        for (let c = 0; c < C; c++) {
          const xi = stlsqSolve(eq, eq.b[c], threshold, ridge, maxIterations, terms);
          for (let k = 0; k < P; k++) all[c][k][m] = xi[k];
        }
      }
      return {
        coef: all.map((row) => Float64Array.from(row, median)),
        inclusion: all.map((row) => Float64Array.from(row, (v) => v.reduce((s, x) => s + (x !== 0 ? 1 : 0), 0) / models)),
      };
    },
  };
}
