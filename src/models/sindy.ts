/**
 * SINDy, sparse identification of nonlinear dynamics (Brunton, Proctor & Kutz 2016), as a
 * model family: every observed channel is a state, the fit finds a sparse Ξ with
 * x' = Θ(x) Ξ (or the map x_{k+1} = Θ(x_k) Ξ), and the model forecasts by integrating it
 * from the first sample of its training window. The pipeline lives in sindy/fit.ts
 * (`fitSindy`, which also takes several trajectories), its stages in sindy/differentiation,
 * sindy/library and sindy/optimizer; `describe().equations` prints the model in the
 * equation language (`x' = -9.9992*x + 9.9992*y`), and `files()` the whole system as a
 * refittable .eq file (`discovered.eq`, which `lawful fit` writes beside the saved model).
 */
import { z } from 'zod';
import { ConfigError, throwIfAborted } from '../core/errors.js';
import { EquationError, parseSystem } from '../equations/index.js';
import type { Series } from '../data/series.js';
import type { Term } from '../ode/term.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from './base.js';
import { checkLayout, checkParamCount, param, positive, savedHeader, trainingSchema, validateSaved } from './saved.js';
import { resolveConfig, sindyConfigSchema, sindyDefaults, type SindyConfig } from './sindy/config.js';
import { discoveredSystem, formatEquations, variableNames } from './sindy/equations.js';
import { fitSindy, type SindyState } from './sindy/fit.js';
import { buildLibrary, MAX_FEATURES } from './sindy/library/index.js';
import { compiledTerm, iterateMap, simulateOde, sindyTerm } from './sindy/simulate.js';

export type { SindyConfig } from './sindy/config.js';
export { fitSindy } from './sindy/fit.js';
export type { SindyState, SindyFitOptions } from './sindy/fit.js';

function fitted(s: SindyState): Fitted {
  const vars = variableNames(s.channels);
  const library = buildLibrary(s.config.library, vars);
  const C = s.channels.length;
  const P = library.size(C);
  const features = library.names(vars);
  const theta = new Float64Array(C * P);
  s.coef.forEach((row, c) => theta.set(row, c * P));
  const support = Array.from(theta.keys()).filter((e) => theta[e] !== 0);
  const nParams = C * P + C;
  // Compiled on the first forecast, then reused: a few milliseconds, once per model.
  let ode: { term: Term; theta: Float64Array } | undefined;
  return {
    family: 'sindy',
    nParams,
    inWindowMode: 'simulated',
    forecast(times: Float64Array) {
      const mean = s.config.discrete
        ? iterateMap(library, s.coef, s.x0, s.training.from, s.step, times)
        : simulateOde((ode ??= compiledTerm(s.channels, features, s.coef) ?? { term: sindyTerm(library, C, support), theta }).term, ode.theta, s.x0, s.training.from, times);
      return { t: times, mean };
    },
    describe() {
      return {
        family: 'sindy',
        parameters: nParams,
        equations: formatEquations(vars, features, s.coef, s.config.discrete),
        variables: vars,
        terms: features,
        activeTerms: support.length,
        initialState: Array.from(s.x0),
        // Per variable, per term: the fraction of ensemble models that kept it.
        ...(s.inclusion ? { inclusion: Object.fromEntries(vars.map((v, c) => [v, Object.fromEntries(features.map((f, k) => [f, s.inclusion![c][k]]))])) } : {}),
      };
    },
    // A map has no form in the equation language (it writes ODEs): only an ODE model is written out.
    files(): Record<string, string> {
      if (s.config.discrete) return {};
      const text = discoveredSystem(s.channels, features, s.coef, s.config);
      try {
        parseSystem(text);
        return { 'discovered.eq': text };
      } catch (e) {
        if (!(e instanceof EquationError)) throw e;
        // Kept for reading; a refit needs fewer terms (a higher threshold).
        return { 'discovered.eq': `# Too large to refit as written: ${e.message}\n${text}` };
      }
    },
    toJSON(): SavedModel {
      return {
        ...savedHeader('sindy'),
        config: structuredClone(s.config) as unknown as Record<string, unknown>,
        layout: [
          { name: 'coef', offset: 0, shape: [C, P] },
          { name: 'x0', offset: C * P, shape: [C] },
        ],
        params: [...theta, ...s.x0],
        extra: { step: s.step, ...(s.inclusion ? { inclusion: s.inclusion.map((r) => Array.from(r)) } : {}) },
        training: { ...s.training, channels: [...s.channels] },
      };
    },
  };
}

/**
 * The saved form: a valid config, layout [coef [C, P], x0 [C]] with P the library's size
 * for the C channels of the training block, finite parameters, a positive step, and
 * inclusion probabilities (ensembles) of shape C × P in [0, 1].
 */
const sindySavedSchema = z
  .object({
    family: z.literal('sindy'),
    config: sindyConfigSchema,
    layout: z.array(z.object({ name: z.string(), offset: z.number().int(), shape: z.array(z.number().int()) })),
    params: z.array(param),
    extra: z.strictObject({ step: positive, inclusion: z.array(z.array(z.number().min(0).max(1))).optional() }),
    training: trainingSchema,
  })
  .loose()
  .superRefine((m, ctx) => {
    const C = m.training.channels.length;
    let P: number;
    try {
      P = buildLibrary(m.config.library, variableNames(m.training.channels)).size(C);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      ctx.addIssue({ code: 'custom', path: ['config', 'library'], message: e.message });
      return;
    }
    if (P > MAX_FEATURES) {
      ctx.addIssue({ code: 'custom', path: ['config', 'library'], message: `makes more than ${MAX_FEATURES} terms for ${C} channels` });
      return;
    }
    const what = `a SINDy model of ${P} library terms and ${C} channel${C > 1 ? 's' : ''}`;
    checkLayout(m.layout, [
      { name: 'coef', offset: 0, shape: [C, P] },
      { name: 'x0', offset: C * P, shape: [C] },
    ], ctx, what);
    checkParamCount(m.params, C * P + C, ctx, what);
    const inc = m.extra.inclusion;
    if (inc && (inc.length !== C || inc.some((r) => r.length !== P))) {
      ctx.addIssue({ code: 'custom', path: ['extra', 'inclusion'], message: `must hold ${C} rows of ${P} probabilities, one per channel and term` });
    }
  });

export const sindyFamily: ModelFamily<SindyConfig> = {
  family: 'sindy',
  // Every observed channel is a state: one signal of a many-state system (the demo's y = Σ θᵢ) is not one.
  capabilities: { uniformGrid: true, relativeCost: 1, inReferenceExperiment: false },
  description: 'Sparse identification of nonlinear dynamics (SINDy): a sparse ODE x\' = Θ(x)Ξ over a library of candidate terms, printed as equations.',
  defaults: sindyDefaults,
  // Degree 1 keeps the one-channel contract series' model linear: it cannot blow up in finite time.
  quick: { library: { kind: 'polynomial', degree: 1 } },
  check(config: SindyConfig): void {
    resolveConfig(config);
  },
  async fit(spec: ModelSpec<SindyConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
    throwIfAborted(opts.signal);
    return fitted(fitSindy([train], spec.config, { seed: opts.seed, signal: opts.signal }));
  },
  load(saved: SavedModel, source?: string): Fitted {
    const m = validateSaved(sindySavedSchema, saved, source);
    const config = m.config as SindyConfig;
    const [C, P] = m.layout[0].shape;
    return fitted({
      config,
      coef: Array.from({ length: C }, (_, c) => Float64Array.from(m.params.slice(c * P, (c + 1) * P))),
      inclusion: m.extra.inclusion?.map((r) => Float64Array.from(r)),
      channels: [...m.training.channels],
      x0: Float64Array.from(m.params.slice(C * P, C * P + C)),
      step: m.extra.step,
      training: { from: m.training.from, until: m.training.until },
    });
  },
};
