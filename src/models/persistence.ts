/**
 * Persistence: the last observed value carried forward. Not a model anyone would use, but
 * the floor every family must clear (a forecast worse than persistence has learned nothing
 * about the dynamics).
 */
import { z } from 'zod';
import { throwIfAborted } from '../core/errors.js';
import { gaussianQuantiles } from '../core/normal.js';
import type { Series } from '../data/series.js';
import type { FitOptions, Fitted, ModelFamily, SavedModel } from './base.js';
import { savedHeader, validateSaved } from './saved.js';

/** Nothing is fitted, so nothing may be saved: no options, no layout, no parameters. */
const persistenceSavedSchema = z
  .object({ family: z.literal('persistence'), config: z.strictObject({}), layout: z.array(z.never()).max(0), params: z.array(z.number()).max(0) })
  .loose();

type PersistenceConfig = Record<string, never>;

/**
 * The classical interval of persistence: the data as a random walk, y(t + kΔt) − y(t) ~
 * N(0, σ²k) with σ² the mean squared one-step difference of `context` (no drift), so the
 * spread at time t is σ·√((t − t_last)/Δt). NaN without two samples to estimate σ from.
 */
function randomWalkSpread(times: Float64Array, context: Series): Float64Array[] {
  const n = context.t.length;
  const dt = n >= 2 ? (context.t[n - 1] - context.t[0]) / (n - 1) : NaN;
  return context.y.map((c) => {
    let s2 = 0;
    for (let i = 1; i < n; i++) s2 += (c[i] - c[i - 1]) ** 2;
    const sigma = n >= 2 ? Math.sqrt(s2 / (n - 1)) : NaN;
    return times.map((t) => sigma * Math.sqrt(Math.max(0, (t - context.t[n - 1]) / dt)));
  });
}

function persistence(): Fitted {
  return {
    family: 'persistence',
    nParams: 0,
    inWindowMode: 'one-step',
    forecast(times: Float64Array, context: Series) {
      const n = context.t.length;
      const mean = context.y.map((c) => new Float64Array(times.length).fill(n ? c[n - 1] : NaN));
      const signalSd = randomWalkSpread(times, context);
      return { t: times, mean, quantiles: gaussianQuantiles(mean, signalSd), gaussian: { signalSd, noiseSd: context.y.map(() => 0) } };
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
      return { ...savedHeader('persistence'), config: {}, layout: [], params: [] };
    },
  };
}

export const persistenceFamily: ModelFamily<PersistenceConfig> = {
  family: 'persistence',
  capabilities: { uniformGrid: false, relativeCost: 0 },
  description: 'The last observed value carried forward: the floor every family must clear.',
  defaults: {},
  quick: {},
  async fit(_spec, _train, opts: FitOptions) {
    throwIfAborted(opts.signal);
    return persistence();
  },
  load(saved: SavedModel, source?: string) {
    validateSaved(persistenceSavedSchema, saved, source);
    return persistence();
  },
};
