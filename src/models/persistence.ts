/**
 * Persistence: the last observed value carried forward. Not a model anyone would use, but
 * the floor every family must clear (a forecast worse than persistence has learned nothing
 * about the dynamics).
 */
import type { Series } from '../data/series.js';
import type { Fitted, ModelFamily, SavedModel } from './base.js';
import { LAWFUL_VERSION } from '../core/version.js';

type PersistenceConfig = Record<string, never>;

function persistence(): Fitted {
  return {
    family: 'persistence',
    nParams: 0,
    inWindowMode: 'one-step',
    forecast(times: Float64Array, context: Series) {
      const n = context.t.length;
      return { t: times, mean: context.y.map((c) => new Float64Array(times.length).fill(n ? c[n - 1] : NaN)) };
    },
    predictOneStep(series: Series) {
      return series.y.map((c) => {
        const p = new Float64Array(c.length);
        p[0] = NaN;
        for (let i = 1; i < c.length; i++) p[i] = c[i - 1];
        return p;
      });
    },
    describe() {
      return { family: 'persistence', parameters: 0, equations: ['y(t + Δt) = y(t)'] };
    },
    toJSON(): SavedModel {
      return { format: 'lawful-model', version: 1, lawful: LAWFUL_VERSION, family: 'persistence', config: {}, layout: [], params: [] };
    },
  };
}

export const persistenceFamily: ModelFamily<PersistenceConfig> = {
  family: 'persistence',
  capabilities: { uniformGrid: false, relativeCost: 0 },
  description: 'The last observed value carried forward: the floor every family must clear.',
  defaults: {},
  async fit() {
    return persistence();
  },
  load() {
    return persistence();
  },
};
