/**
 * The equation family: a system the user writes in the equation language
 * (docs/equations.md), with its declared parameters and free initial states fitted to the
 * data through the discrete adjoint and L-BFGS. The most interpretable family: what it
 * reports are the user's own parameters.
 *
 * Its parts: equation-problem.ts (term, observation, layout, bounds, initial guess) and
 * equation-fit.ts (the loss loop).
 */
import { ConfigError, DataError, LawfulError } from '../core/errors.js';
import { z } from 'zod';
import type { Series } from '../data/series.js';
import { compileSystem } from '../equations/index.js';
import type { CompiledSystem } from '../equations/index.js';
import { getSolver } from '../ode/solvers/index.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from './base.js';
import type { IntegrationOptions } from './equation-fit.js';
import { simulateObserved } from './equation-fit.js';
import { fitFromStarts } from './equation-starts.js';
import type { Uncertainty } from './equation-uncertainty.js';
import { uncertaintyAt } from './equation-uncertainty.js';
import type { EquationProblem } from './equation-problem.js';
import { equationProblem, interpolatedInputs } from './equation-problem.js';
import { finite, param, savedHeader, trainingSchema, validateSaved } from './saved.js';

export interface EquationConfig {
  /**
   * The system, in the equation language. Required.
   * @example "param k = 0.1 in [0, 1]\nx' = -k*x"
   */
  equations: string;
  /** ODE solver by registry name. Default 'dopri5'. */
  solver: string;
  /** Relative tolerance of adaptive solvers. Default 1e-8. */
  rtol: number;
  /** Absolute tolerance of adaptive solvers. Default 1e-10. */
  atol: number;
  /** Largest number of L-BFGS iterations. Default 200. */
  maxIterations: number;
  /**
   * Number of starts: the declared guesses, then seeded log-uniform draws within each
   * parameter's bounds (equation-starts.ts); the best by loss is kept. Default 4.
   */
  starts: number;
  /**
   * Multiple shooting (equation-shooting.ts) before each start's polish: the window cut into
   * `segments` pieces, each with its own initial state, tied by a continuity penalty. For long
   * or oscillatory series from a poor guess. Default { segments: 1 } (none).
   * @example { segments: 20 }
   */
  shooting: { segments: number };
  /**
   * Fit the free initial states alone first, the parameters held at their guesses (over the
   * first fifth of the window, then all of it), and only then everything at once over the
   * whole window. For guesses that already carry the data's frequencies (read off
   * `lawful fit --model oscillator-bank`'s modes): from a poor initial state the joint fit
   * moves the parameters to explain it and leaves the right basin (examples/README.md).
   * Default false.
   */
  statesFirst: boolean;
}

const DEFAULTS: EquationConfig = { equations: '', solver: 'dopri5', rtol: 1e-8, atol: 1e-10, maxIterations: 200, starts: 4, shooting: { segments: 1 }, statesFirst: false };

/** Compiles the configured equations; a mistake in them is a ConfigError on `equations` that keeps line:column. */
function compileConfigured(config: EquationConfig): CompiledSystem {
  if (typeof config.equations !== 'string' || config.equations.trim() === '') {
    throw new ConfigError('the system to fit, in the equation language (docs/equations.md), is required', 'equations');
  }
  try {
    return compileSystem(config.equations);
  } catch (e) {
    if (e instanceof LawfulError) throw new ConfigError(e.message, 'equations');
    throw e;
  }
}

function checkConfig(config: EquationConfig): CompiledSystem {
  const system = compileConfigured(config);
  try {
    getSolver(config.solver);
  } catch (e) {
    throw new ConfigError(e instanceof Error ? e.message : String(e), 'solver');
  }
  for (const key of ['rtol', 'atol'] as const) {
    if (!(config[key] > 0)) throw new ConfigError(`must be a positive number, got ${config[key]}`, key);
  }
  for (const key of ['maxIterations', 'starts'] as const) {
    if (!(Number.isInteger(config[key]) && config[key] >= 1)) throw new ConfigError(`must be a positive integer, got ${config[key]}`, key);
  }
  const segments = (config.shooting as { segments?: unknown } | undefined)?.segments;
  if (!(typeof segments === 'number' && Number.isInteger(segments) && segments >= 1)) throw new ConfigError(`must be a positive integer, got ${String(segments)}`, 'shooting.segments');
  if (typeof config.statesFirst !== 'boolean') throw new ConfigError(`must be true or false, got ${JSON.stringify(config.statesFirst)}`, 'statesFirst');
  return system;
}

interface EquationState {
  config: EquationConfig;
  problem: EquationProblem;
  /** [θ, free initial states], natural units. */
  natural: Float64Array;
  t0: number;
  training: { from: number; until: number; channels: string[] };
  loss?: number;
  /** Standard errors and unidentified combinations at the optimum (computed once, at fit time, and saved). */
  uncertainty?: Uncertainty;
}

/** The unknowns' names: the parameters, then the free initial states as x(t0). */
function unknownNames(problem: EquationProblem, t0: number): string[] {
  return [...problem.system.params.map((p) => p.name), ...problem.freeStates.map((st) => `${problem.system.states[st]}(${t0})`)];
}

const finiteOrNull = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

// JSON has no NaN: an undetermined unknown's stderr and interval are saved as null.
const nullable = z.number().nullable();
const uncertaintySchema = z.object({
  estimates: z.array(z.object({ name: z.string(), value: z.number(), stderr: nullable, interval: z.tuple([nullable, nullable]) })),
  sigma2: z.number().nonnegative(),
  identifiability: z.array(z.object({ relativeEigenvalue: z.number(), direction: z.array(z.object({ name: z.string(), loading: z.number() })), message: z.string() })),
});

function fromSaved(u: z.infer<typeof uncertaintySchema> | undefined): Uncertainty | undefined {
  if (!u) return undefined;
  const num = (x: number | null) => x ?? NaN;
  return { ...u, estimates: u.estimates.map((e) => ({ ...e, stderr: num(e.stderr), interval: [num(e.interval[0]), num(e.interval[1])] })) };
}

const integration = (c: EquationConfig): IntegrationOptions => ({ solver: c.solver, rtol: c.rtol, atol: c.atol });

function fitted(s: EquationState): Fitted {
  const { problem, natural } = s;
  const system = problem.system;
  const np = system.nParams;
  return {
    family: 'equation',
    nParams: natural.length,
    inWindowMode: 'simulated',
    forecast(times: Float64Array, context: Series) {
      if (times.length && times[0] < s.t0) throw new DataError(`the equation model simulates from its fitted initial state at t = ${s.t0}; it cannot forecast at t = ${times[0]}`);
      const channels = s.training.channels;
      // Inputs are known signals: at forecast time they come from the context series.
      let p = problem;
      if (system.inputs.length) {
        for (const u of system.inputs) if (!context.names.includes(u)) throw new DataError(`forecasting needs the input "${u}" in the data (columns: ${context.names.join(', ')})`);
        p = equationProblem(system, { t: context.t, y: channels.map((c) => context.y[context.names.indexOf(c)] ?? new Float64Array(context.t.length)), names: channels });
      }
      const simulated = simulateObserved(p, natural, s.t0, times, integration(s.config));
      // One array per training channel: the observed ones simulated, inputs echoed from the context, others NaN.
      const mean = channels.map((c) => {
        const k = p.observation.names.indexOf(c);
        if (k >= 0) return simulated[k];
        const col = context.names.indexOf(c);
        if (system.inputs.includes(c) && col >= 0) {
          const inp = interpolatedInputs(context.t, [context.y[col]]);
          const one = new Float64Array(1);
          return times.map((t) => (inp(t, one), one[0]));
        }
        return new Float64Array(times.length).fill(NaN);
      });
      return { t: times, mean };
    },
    describe() {
      const names = unknownNames(problem, s.t0);
      const est = s.uncertainty?.estimates;
      // Each unknown with its standard error and 95% interval (null where the data do not determine it).
      const withErrors = (k: number) => ({ name: names[k], value: natural[k], stderr: finiteOrNull(est?.[k]?.stderr), interval: est?.[k] ? est[k].interval.map(finiteOrNull) : [null, null] });
      // `parameters` stays the count of trained scalars (ModelSummary, the contract test); the estimates are `values`.
      const values = system.params.map((p, k) => ({ ...withErrors(k), initial: p.initial, bounds: [p.lower, p.upper] }));
      const initialState = problem.freeStates.map((_, j) => withErrors(np + j));
      return {
        family: 'equation',
        parameters: natural.length,
        values,
        initialState,
        channels: [...problem.observation.names],
        equations: system.equations(natural.subarray(0, np)),
        loss: s.loss,
        ...(s.uncertainty ? { residualVariance: s.uncertainty.sigma2, identifiability: s.uncertainty.identifiability } : {}),
      };
    },
    toJSON(): SavedModel {
      return {
        ...savedHeader('equation'),
        config: { ...s.config },
        layout: problem.layout.map((b) => ({ ...b, shape: [...b.shape] })),
        params: [...natural],
        extra: { t0: s.t0, ...(s.loss !== undefined ? { loss: s.loss } : {}), ...(s.uncertainty ? { uncertainty: JSON.parse(JSON.stringify(s.uncertainty)) as unknown } : {}) },
        training: { ...s.training, channels: [...s.training.channels] },
      };
    },
  };
}

/** The saved form: the configuration (the system's text), the fitted values, t0 and the training block. */
const equationSavedSchema = z
  .object({
    family: z.literal('equation'),
    config: z.strictObject({
      equations: z.string().min(1),
      solver: z.string(),
      rtol: z.number().positive(),
      atol: z.number().positive(),
      maxIterations: z.number().int().nonnegative(),
      starts: z.number().int().positive().optional(),
      shooting: z.strictObject({ segments: z.number().int().positive() }).optional(),
      statesFirst: z.boolean().optional(),
    }),
    layout: z.array(z.object({ name: z.string(), offset: z.number().int(), shape: z.array(z.number().int()) })),
    params: z.array(param),
    extra: z.object({ t0: finite, loss: z.number().nonnegative().optional(), uncertainty: uncertaintySchema.optional() }).loose(),
    training: trainingSchema,
  })
  .loose();

export const equationFamily: ModelFamily<EquationConfig> = {
  family: 'equation',
  capabilities: { uniformGrid: false, relativeCost: 1, inReferenceExperiment: false },
  description: 'A system written in the equation language; its declared parameters and free initial states fitted through the adjoint and L-BFGS.',
  defaults: DEFAULTS,
  // A damped oscillator seen with an offset: what the contract test's two-mode series can be fitted with.
  quick: { equations: "param w = 1 in [0.1, 5]\nparam g = 0.2 in [0, 2]\nparam c = 0\nx'' = -w^2*x - g*x'\nobserve y = x + c", maxIterations: 20, starts: 1 },
  check(config: EquationConfig): void {
    checkConfig({ ...DEFAULTS, ...config });
  },
  async fit(spec: ModelSpec<EquationConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
    const config = { ...DEFAULTS, ...spec.config };
    const system = checkConfig(config);
    if (train.t.length < 2) throw new DataError(`the equation model needs at least 2 samples, got ${train.t.length}`);
    const problem = equationProblem(system, train);
    const r = fitFromStarts(problem, train, integration(config), { starts: config.starts, segments: config.shooting.segments, statesFirst: config.statesFirst, seed: opts.seed ?? 0, maxIterations: config.maxIterations, signal: opts.signal, onProgress: opts.onProgress });
    const n = train.t.length;
    const uncertainty = uncertaintyAt(problem, train, r.natural, integration(config), unknownNames(problem, train.t[0]));
    return fitted({ config, problem, natural: r.natural, t0: train.t[0], training: { from: train.t[0], until: train.t[n - 1], channels: [...train.names] }, loss: r.loss, uncertainty });
  },
  load(saved: SavedModel, source?: string): Fitted {
    const m = validateSaved(equationSavedSchema, saved, source);
    const config = { ...DEFAULTS, ...m.config };
    let system: CompiledSystem;
    try {
      system = checkConfig(config);
    } catch (e) {
      if (e instanceof LawfulError) throw new DataError(`config.${e.message}`, { file: source ?? 'saved model' });
      throw e;
    }
    const channels = m.training.channels;
    // The problem needs the channel names (the observation) and the input columns; inputs are
    // not saved with the model: forecasts read them from the context series.
    const stub: Series = { t: Float64Array.of(0), y: channels.map(() => new Float64Array(1)), names: channels };
    let problem: EquationProblem;
    try {
      problem = equationProblem(system, stub);
    } catch (e) {
      if (e instanceof LawfulError) throw new DataError(`training.channels: ${e.message}`, { file: source ?? 'saved model' });
      throw e;
    }
    const file = { file: source ?? 'saved model' };
    const names = problem.layout.map((b) => b.name).join(', ');
    if (m.layout.length !== problem.layout.length || m.layout.some((b, i) => b.name !== problem.layout[i].name || b.offset !== problem.layout[i].offset || b.shape.join() !== problem.layout[i].shape.join())) {
      throw new DataError(`layout: does not match these equations (blocks ${names})`, file);
    }
    if (m.params.length !== problem.size) throw new DataError(`params: has ${m.params.length} values; these equations need ${problem.size}`, file);
    const kept = m.extra.uncertainty;
    if (kept && kept.estimates.length !== problem.size) throw new DataError(`extra.uncertainty.estimates: has ${kept.estimates.length} entries; these equations have ${problem.size} unknowns`, file);
    return fitted({ config, problem, natural: Float64Array.from(m.params), t0: m.extra.t0, loss: m.extra.loss, uncertainty: fromSaved(m.extra.uncertainty), training: { from: m.training.from, until: m.training.until, channels } });
  },
};
