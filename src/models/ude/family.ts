/**
 * The `ude` and `neural-ode` families: a known part in the equation language plus an MLP
 * term inside the ODE (problem.ts), θ = [known parameters, network weights, z₀], fitted
 * through the solver by the trajectory layer (the core's discrete adjoint; Adam then L-BFGS
 * in models/trajectory/fit.ts), forecast by solving, and after the fit the SINDy step
 * (recover.ts) that prints the learned part as an equation. A neural ODE is the same with no
 * known part and every state getting a network output.
 */
import { z } from 'zod';
import { ConfigError, DataError, DivergenceError, LawfulError, throwIfAborted } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { Series } from '../../data/series.js';
import { initMlp, mlpLayout } from '../../nn/mlp.js';
import { FitDivergedError } from '../base.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from '../base.js';
import { checkLayout, checkParamCount, configIssues, finite, param, positive, savedHeader, trainingSchema, validateSaved } from '../saved.js';
import { thetaBlocks, type SolverSettings } from '../trajectory/base.js';
import { fitTrajectory } from '../trajectory/fit.js';
import { loadTrajectory } from '../trajectory/saved.js';
import { resolveUdeConfig, udeConfigSchema, udeDefaults, type UdeConfig } from './config.js';
import { derivativeStart } from './derivative-start.js';
import { udeProblem, type UdeProblem } from './problem.js';
import { recoverTerms, recoveredEquations, recoveredSystem, type Recovered } from './recover.js';

export type NeuralOdeConfig = Omit<UdeConfig, 'equations'>;

interface UdeState {
  family: string;
  config: UdeConfig;
  problem: UdeProblem;
  theta: Float64Array;
  mean: Float64Array;
  scale: Float64Array;
  t0: number;
  training: { from: number; until: number; channels: string[] };
  loss?: number;
  recovered?: Recovered;
}

const settings = (c: UdeConfig): SolverSettings => ({ solver: c.solver, rtol: c.rtol, atol: c.atol, maxSteps: c.maxSteps });

/** Centre and scale of each state from the channel it is observed as (0 and 1 for the others, and scale 1 for a constant channel). */
function standardisation(dim: number, observed: number[], train: Series): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim).fill(1);
  observed.forEach((k, c) => {
    const y = train.y[c];
    let m = 0;
    for (const v of y) m += v;
    m /= y.length;
    let s = 0;
    for (const v of y) s += (v - m) ** 2;
    s = Math.sqrt(s / y.length);
    mean[k] = m;
    scale[k] = s > 0 ? s : 1;
  });
  return { mean, scale };
}

/**
 * The starting θ: known parameters at their declared guesses, Glorot weights with the readout
 * shrunk tenfold (the fit starts from the known physics plus a small correction, not a
 * random field that may blow up), z₀ at the first sample.
 */
function initialTheta(p: UdeProblem, train: Series, seed: number): Float64Array {
  const { layout } = p.model;
  const theta = new Float64Array(layout.size);
  p.system?.params.forEach((q, i) => (theta[i] = q.initial));
  const np = p.system?.nParams ?? 0;
  const net = theta.subarray(np, np + p.net.nParams);
  initMlp(p.net.shape, net, new Rng(seed));
  const last = mlpLayout(p.net.shape).layout.at(-2)!;
  for (let i = last.offset; i < last.offset + last.shape[0] * last.shape[1]; i++) net[i] *= 0.1;
  const z0 = thetaBlocks(layout, theta).z0;
  p.observed.forEach((k, c) => (z0[k] = train.y[c][0]));
  return theta;
}

/** `times` in ascending order without repeats, and where each asked time sits in it. */
function sortedTimes(times: Float64Array): { unique: Float64Array; at: Int32Array } {
  const u = Float64Array.from(new Set(times)).sort();
  const index = new Map(Array.from(u, (t, i) => [t, i]));
  return { unique: u, at: Int32Array.from(times, (t) => index.get(t)!) };
}

function fitted(s: UdeState): Fitted {
  const { problem, theta } = s;
  const loaded = loadTrajectory({ layout: problem.model.layout, theta: Array.from(theta), t0: s.t0, solver: settings(s.config) }, problem.model);
  return {
    family: s.family,
    nParams: theta.length,
    inWindowMode: 'simulated',
    forecast(times: Float64Array) {
      for (const t of times) if (!(t >= s.t0)) throw new DataError(`the ${s.family} model simulates from its fitted initial state at t = ${s.t0}; it cannot forecast at t = ${t}`);
      const { unique, at } = sortedTimes(times);
      const sim = loaded.simulate(unique);
      return { t: times, mean: sim.map((ch) => Float64Array.from(at, (i) => ch[i])) };
    },
    describe() {
      const sys = problem.system;
      const np = sys?.nParams ?? 0;
      const z0 = thetaBlocks(problem.model.layout, theta).z0;
      return {
        family: s.family,
        parameters: theta.length,
        known: sys?.params.map((q, i) => ({ name: q.name, value: theta[i] })) ?? [],
        network: { states: problem.targets.map((k) => problem.states[k]), hidden: [...s.config.network.hidden], activation: s.config.network.activation, weights: problem.net.nParams },
        initialState: problem.states.map((name, k) => ({ name, value: z0[k] })),
        ...(s.recovered
          ? { equations: recoveredEquations(problem, theta, s.recovered), recoveredSystem: recoveredSystem(problem, theta, s.recovered) }
          : sys ? { knownEquations: sys.equations(theta.subarray(0, np)) } : {}),
        ...(s.loss !== undefined ? { loss: s.loss } : {}),
      };
    },
    toJSON(): SavedModel {
      const config = s.family === 'ude' ? { ...s.config } : (({ equations: _, ...rest }) => rest)(s.config);
      return {
        ...savedHeader(s.family),
        config: structuredClone(config) as unknown as Record<string, unknown>,
        layout: problem.layout.map((b) => ({ ...b, shape: [...b.shape] })),
        params: Array.from(theta),
        extra: {
          t0: s.t0,
          mean: Array.from(s.mean),
          scale: Array.from(s.scale),
          ...(s.loss !== undefined ? { loss: s.loss } : {}),
          ...(s.recovered ? { recovered: structuredClone(s.recovered) } : {}),
        },
        training: { ...s.training, channels: [...s.training.channels] },
      };
    },
  };
}

async function fitUde(family: string, config: UdeConfig, train: Series, opts: FitOptions): Promise<Fitted> {
  throwIfAborted(opts.signal);
  const n = train.t.length;
  if (n < 2) throw new DataError(`the ${family} model needs at least 2 samples, got ${n}`);
  // The state names come first (the problem needs them), the standardisation from the data.
  const probe = udeProblem(config, train.names);
  const { mean, scale } = standardisation(probe.states.length, probe.observed, train);
  const problem = udeProblem(config, train.names, mean, scale);
  const base = { family, config, problem, mean, scale, t0: train.t[0], training: { from: train.t[0], until: train.t[n - 1], channels: [...train.names] } };
  const theta0 = initialTheta(problem, train, opts.seed);
  if (config.derivativeStart > 0) await derivativeStart(problem, theta0, train, config.derivativeStart, config.adam.lr, opts.signal);
  let r;
  try {
    r = await fitTrajectory(problem.model, { t: train.t, y: train.y }, {
      theta0,
      solver: settings(config),
      adam: config.adam.steps > 0 ? config.adam : undefined,
      maxIterations: config.maxIterations,
      shooting: config.shooting.segments > 1 ? { ...config.shooting, stateAt: (i, z) => problem.observed.forEach((k, c) => (z[k] = train.y[c][i])) } : undefined,
      signal: opts.signal,
      onProgress: (p) => opts.onProgress?.(p),
    });
  } catch (e) {
    if (e instanceof DivergenceError && e.lastGood?.length === problem.model.layout.size) throw new FitDivergedError(e, fitted({ ...base, theta: Float64Array.from(e.lastGood) }).toJSON());
    throw e;
  }
  let recovered: Recovered | undefined;
  if (config.sindy) {
    try {
      recovered = recoverTerms(problem, r.theta, train.t[0], train.t[n - 1], settings(config), config.sindy);
    } catch (e) {
      // A fit whose trajectory cannot be solved densely has nothing to regress; the model itself stands.
      if (!(e instanceof LawfulError)) throw e;
    }
  }
  return fitted({ ...base, theta: r.theta, loss: r.loss, recovered });
}

const recoveredSchema = z.strictObject({ terms: z.array(z.string()), coef: z.array(z.array(finite)) });

function savedSchema(family: string, withEquations: boolean) {
  return z
    .object({
      family: z.literal(family),
      config: withEquations ? udeConfigSchema : udeConfigSchema.omit({ equations: true }),
      layout: z.array(z.object({ name: z.string(), offset: z.number().int(), shape: z.array(z.number().int()) })),
      params: z.array(param),
      extra: z.strictObject({ t0: finite, mean: z.array(param), scale: z.array(positive), loss: z.number().nonnegative().optional(), recovered: recoveredSchema.optional() }),
      training: trainingSchema,
    })
    .loose();
}

function loadUde(family: string, withEquations: boolean, saved: SavedModel, source?: string): Fitted {
  const m = validateSaved(savedSchema(family, withEquations), saved, source);
  const config = resolveUdeConfig(m.config as Partial<UdeConfig>);
  let problem: UdeProblem | undefined;
  const checked = z.any().superRefine((_, ctx) => {
    const built = configIssues(ctx, () => {
      if (withEquations) udeFamily.check!(config);
      problem = udeProblem(config, m.training.channels, Float64Array.from(m.extra.mean), Float64Array.from(m.extra.scale));
    });
    if (!built) return;
    const what = `this ${family} model (${problem!.layout.map((b) => b.name).join(', ')})`;
    checkLayout(m.layout, problem!.layout, ctx, what);
    checkParamCount(m.params, problem!.model.layout.size, ctx, what);
    const rec = m.extra.recovered;
    if (rec && (rec.coef.length !== problem!.targets.length || rec.coef.some((row) => row.length !== rec.terms.length))) {
      ctx.addIssue({ code: 'custom', path: ['extra', 'recovered'], message: `must hold ${problem!.targets.length} rows of ${rec.terms.length} coefficients, one per network output and term` });
    }
  });
  validateSaved(checked, m, source);
  return fitted({ family, config, problem: problem!, theta: Float64Array.from(m.params), mean: Float64Array.from(m.extra.mean), scale: Float64Array.from(m.extra.scale), t0: m.extra.t0, loss: m.extra.loss, recovered: m.extra.recovered, training: { ...m.training, channels: [...m.training.channels] } });
}

export const udeFamily: ModelFamily<UdeConfig> = {
  family: 'ude',
  capabilities: { uniformGrid: false, relativeCost: 2, inReferenceExperiment: false, ensembles: true },
  description: 'Universal differential equation: known physics in the equation language plus an MLP term inside the ODE, trained through the solver\'s adjoint; SINDy on the network turns the learned part into an equation.',
  defaults: udeDefaults,
  // The contract test's one channel y: a known decay plus a small network, briefly trained.
  quick: { equations: "param k = 0.1\ny' = -k*y", network: { states: null, hidden: [4], activation: 'tanh' }, adam: { steps: 5, lr: 0.01 }, maxIterations: 10, sindy: { degree: 1, threshold: 0.1 } },
  check(config: UdeConfig): void {
    const c = resolveUdeConfig(config);
    if (c.equations.trim() === '') throw new ConfigError('the known part, in the equation language, is required (a model with none is the neural-ode family)', 'equations');
    udeProblem(c, []);
  },
  async fit(spec: ModelSpec<UdeConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
    const config = resolveUdeConfig(spec.config);
    udeFamily.check!(config);
    return fitUde('ude', config, train, opts);
  },
  load: (saved, source) => loadUde('ude', true, saved, source),
};

const neuralOdeDefaults: NeuralOdeConfig = (({ equations: _, ...rest }) => rest)(udeDefaults);

export const neuralOdeFamily: ModelFamily<NeuralOdeConfig> = {
  family: 'neural-ode',
  capabilities: { uniformGrid: false, relativeCost: 2, inReferenceExperiment: false, ensembles: true },
  description: 'Neural ODE: an MLP vector field over the channels, trained through the solver\'s adjoint and forecast by solving; SINDy on the network prints it as an equation.',
  defaults: neuralOdeDefaults,
  quick: { network: { states: null, hidden: [4], activation: 'tanh' }, adam: { steps: 5, lr: 0.01 }, maxIterations: 10, sindy: { degree: 1, threshold: 0.1 } },
  check(config: NeuralOdeConfig): void {
    const c = resolveUdeConfig({ ...config, equations: '' });
    if (c.network.states) throw new ConfigError('applies to a UDE; a neural ODE adds its network to every state', 'network.states');
  },
  async fit(spec: ModelSpec<NeuralOdeConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
    const config = resolveUdeConfig({ ...spec.config, equations: '' });
    neuralOdeFamily.check!(config);
    return fitUde('neural-ode', config, train, opts);
  },
  load: (saved, source) => loadUde('neural-ode', false, saved, source),
};
