/**
 * An autoregressive multilayer perceptron on a delay embedding: the black-box baseline that
 * needs no recurrence. One model step advances `stride` samples; its input is the current
 * standardised sample and `delays − 1` earlier ones spaced `stride` apart, its output the
 * increment to the next model step, in units of the increments' own standard deviation
 * (predicting increments on normalised data, as the strongest comparisons train black boxes;
 * Vlachas et al. 2020, Sanchez-Gonzalez et al. 2020).
 *
 * Training (`training`):
 * - 'one-step': teacher-forced, the squared error of one model step;
 * - 'rollout': the network runs free for a horizon that doubles from `horizonStart` to
 *   `horizon` over the first `curriculumFraction` of the steps, and the gradient flows back
 *   through its own predictions (hand-written: each step's input gradient from nn/mlp.ts,
 *   added to the adjoints of the delay slots it read).
 * Both measure the error in increment units, so a one-step loss of 1 is persistence's.
 * Gaussian `inputNoise` (in channel standard deviations) perturbs the observed inputs only.
 * Training stops on, and keeps the best, free-running error through the held-out last
 * `validationFraction` of the window, after a warm start on the samples before it.
 *
 * A sequence family on a uniform grid; forecasts run on the model's step (stride·dt) and are
 * interpolated linearly between its points. `predictOneStep` predicts each sample from the
 * delays ending one model step earlier (NaN where that history is missing).
 */
import { z } from 'zod';
import { ConfigError, DivergenceError, throwIfAborted } from '../core/errors.js';
import { Adam } from '../core/optim/adam.js';
import { cosine } from '../core/optim/schedules.js';
import { train } from '../core/optim/train.js';
import { Rng } from '../core/rng.js';
import type { Series } from '../data/series.js';
import { initMlp, mlpBackward, mlpForward, mlpLayout, MlpWorkspace, MLP_ACTIVATIONS, type MlpActivation, type MlpShape } from '../nn/mlp.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from './base.js';
import { FitDivergedError } from './base.js';
import {
  checkChannels, checkClock, checkTraining, readGrid, sequenceExtra, standardisation, standardise, stepsAhead, unstandardise,
  type Standardisation,
} from './reservoir/sequence.js';
import { checkLayout, checkParamCount, configIssues, param, positive, savedHeader, trainingSchema, validateSaved } from './saved.js';

export interface MlpConfig {
  /** Samples in the input: the current one and `delays − 1` earlier ones. Default 8. */
  delays: number;
  /** Samples one model step advances, and the spacing of the delays. Default 1. Example: 10 for a series sampled 100 times a period. */
  stride: number;
  /** Widths of the hidden layers. Default [64, 64]. */
  hidden: number[];
  /** Hidden nonlinearity. Default 'tanh'. */
  activation: MlpActivation;
  /** 'one-step' (teacher-forced) or 'rollout' (trained through its own free run). Default 'one-step'. */
  training: 'one-step' | 'rollout';
  /** Model steps of the free run at the end of the curriculum ('rollout'). Default 32. */
  horizon: number;
  /** Model steps of the free run at the start of the curriculum ('rollout'). Default 2. */
  horizonStart: number;
  /** Share of the steps over which the horizon doubles from `horizonStart` to `horizon`. Default 0.5. */
  curriculumFraction: number;
  /** Adam steps. Default 3000. */
  steps: number;
  /** Adam's learning rate, cosine-annealed to a tenth. Default 3e-3. */
  lr: number;
  /** Training sequences per step. Default 64. */
  batch: number;
  /** Gaussian noise on the observed inputs, in channel standard deviations. Default 0. */
  inputNoise: number;
  /** Held-out tail of the window for early stopping on the free-running error; 0: none. Default 0.2. */
  validationFraction: number;
  /** Steps between validation checks. Default 50. */
  evalEvery: number;
  /** Checks without a new best before training stops. Default 10. */
  patience: number;
}

export const MLP_DEFAULTS: MlpConfig = {
  delays: 8, stride: 1, hidden: [64, 64], activation: 'tanh', training: 'one-step', horizon: 32, horizonStart: 2, curriculumFraction: 0.5,
  steps: 3000, lr: 3e-3, batch: 64, inputNoise: 0, validationFraction: 0.2, evalEvery: 50, patience: 10,
};

/** A ConfigError naming the first option that cannot work. */
export function checkMlpConfig(c: MlpConfig): void {
  const ints: [keyof MlpConfig, number, number][] = [
    ['delays', 1, 1000], ['stride', 1, 1e5], ['horizon', 1, 1e5], ['horizonStart', 1, 1e5], ['steps', 0, 1e7], ['batch', 1, 1e5], ['evalEvery', 1, 1e7], ['patience', 1, 1e7],
  ];
  for (const [k, lo, hi] of ints) {
    const v = c[k];
    if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi) throw new ConfigError(`must be an integer in [${lo}, ${hi}]; got ${String(v)}`, k);
  }
  if (!Array.isArray(c.hidden) || c.hidden.length > 8 || c.hidden.some((h) => !Number.isInteger(h) || h < 1 || h > 4096)) {
    throw new ConfigError(`must be a list of at most 8 layer widths, each an integer in [1, 4096]; got ${JSON.stringify(c.hidden)}`, 'hidden');
  }
  if (!MLP_ACTIVATIONS.includes(c.activation)) throw new ConfigError(`must be one of ${MLP_ACTIVATIONS.join(', ')}; got ${String(c.activation)}`, 'activation');
  if (c.training !== 'one-step' && c.training !== 'rollout') throw new ConfigError(`must be "one-step" or "rollout"; got ${String(c.training)}`, 'training');
  if (c.horizonStart > c.horizon) throw new ConfigError(`(${c.horizonStart}) must not exceed horizon (${c.horizon})`, 'horizonStart');
  if (!(c.curriculumFraction >= 0 && c.curriculumFraction <= 1)) throw new ConfigError(`must be in [0, 1]; got ${c.curriculumFraction}`, 'curriculumFraction');
  if (!(c.lr > 0 && c.lr <= 10)) throw new ConfigError(`must be in (0, 10]; got ${c.lr}`, 'lr');
  if (!(c.inputNoise >= 0 && c.inputNoise <= 10)) throw new ConfigError(`must be in [0, 10]; got ${c.inputNoise}`, 'inputNoise');
  if (!(c.validationFraction >= 0 && c.validationFraction < 0.9)) throw new ConfigError(`must be in [0, 0.9); got ${c.validationFraction}`, 'validationFraction');
}

const mlpConfigSchema = z.strictObject({
  delays: z.number().int(), stride: z.number().int(), hidden: z.array(z.number().int()), activation: z.enum(['tanh', 'softplus']),
  training: z.enum(['one-step', 'rollout']), horizon: z.number().int(), horizonStart: z.number().int(), curriculumFraction: z.number(),
  steps: z.number().int(), lr: z.number(), batch: z.number().int(), inputNoise: z.number(), validationFraction: z.number(),
  evalEvery: z.number().int(), patience: z.number().int(),
});

/** The network: delays·C inputs, C outputs. */
function netShape(c: MlpConfig, C: number): MlpShape {
  return { input: c.delays * C, hidden: c.hidden, output: C, activation: c.activation };
}

/** Samples of history one input needs: (delays − 1)·stride + 1. */
function span(c: MlpConfig): number {
  return (c.delays - 1) * c.stride + 1;
}

/**
 * The free run of the network, differentiable: `run` rolls B sequences forward H model steps
 * from their observed delay slots, `backward` returns ∂loss/∂θ of the mean squared error
 * against the true continuations (in increment units). Slot p of sequence b holds the
 * standardised state at model step p; slots 0 … delays − 1 are observed, slot delays + j is
 * the prediction of step j. One MLP workspace per step keeps what its backward pass reads.
 */
export class MlpRollout {
  readonly C: number;
  private readonly ws: MlpWorkspace[] = [];
  private readonly x: Float64Array;
  private readonly dx: Float64Array;
  private readonly seed: Float64Array;
  /** Slots [B][delays + H][C] and their adjoints. */
  readonly slots: Float64Array;
  private readonly slotsBar: Float64Array;

  constructor(
    private readonly shape: MlpShape,
    private readonly delays: number,
    readonly B: number,
    readonly maxH: number,
    /** Per channel, the standard deviation of one model step's increment (standardised units). */
    private readonly incStd: Float64Array,
  ) {
    this.C = shape.output;
    this.x = new Float64Array(B * shape.input);
    this.dx = new Float64Array(B * shape.input);
    this.seed = new Float64Array(B * this.C);
    this.slots = new Float64Array(B * (delays + maxH) * this.C);
    this.slotsBar = new Float64Array(this.slots.length);
  }

  private workspace(j: number): MlpWorkspace {
    while (this.ws.length <= j) this.ws.push(new MlpWorkspace(this.shape, this.B));
    return this.ws[j];
  }

  /**
   * Runs H ≤ maxH steps on the first `rows` sequences, whose observed slots the caller
   * filled. With `keep` false (a forecast, no backward pass to follow) every step reuses one workspace.
   */
  run(theta: Float64Array, rows: number, H: number, keep = true): void {
    const { C, delays: d, slots, x, incStd } = this;
    const P = d + this.maxH;
    for (let j = 0; j < H; j++) {
      for (let b = 0; b < rows; b++) {
        // Input order: the current slot first, then earlier ones.
        for (let i = 0; i < d; i++) for (let c = 0; c < C; c++) x[(b * d + i) * C + c] = slots[(b * P + j + d - 1 - i) * C + c];
      }
      const y = mlpForward(theta, x.subarray(0, rows * d * C), this.workspace(keep ? j : 0));
      for (let b = 0; b < rows; b++) {
        const cur = (b * P + j + d - 1) * C;
        for (let c = 0; c < C; c++) slots[cur + C + c] = slots[cur + c] + incStd[c] * y[b * C + c];
      }
    }
  }

  /**
   * After `run(θ, rows, H)`: the mean over rows, steps and channels of ((ŝ − s)/incStd)² for
   * the true continuations `truth` ([rows][H][C]); adds its gradient into `grad`.
   */
  backward(theta: Float64Array, rows: number, H: number, truth: Float64Array, grad: Float64Array): number {
    const { C, delays: d, slots, slotsBar: bar, seed, dx, incStd } = this;
    const P = d + this.maxH;
    const w = 1 / (rows * H * C);
    let loss = 0;
    bar.fill(0);
    for (let b = 0; b < rows; b++) {
      for (let j = 0; j < H; j++) {
        for (let c = 0; c < C; c++) {
          const r = (slots[(b * P + d + j) * C + c] - truth[(b * H + j) * C + c]) / incStd[c];
          loss += r * r;
          bar[(b * P + d + j) * C + c] = (2 * w * r) / incStd[c];
        }
      }
    }
    for (let j = H - 1; j >= 0; j--) {
      // Slot d + j is final: no later step reads it any more. It is s_{d+j−1} + incStd ⊙ y.
      for (let b = 0; b < rows; b++) {
        const out = (b * P + d + j) * C;
        for (let c = 0; c < C; c++) {
          seed[b * C + c] = bar[out + c] * incStd[c];
          bar[out - C + c] += bar[out + c];
        }
      }
      const ws = this.workspace(j);
      mlpBackward(theta, ws, seed, grad, dx);
      for (let b = 0; b < rows; b++) {
        for (let i = 0; i < d; i++) for (let c = 0; c < C; c++) bar[(b * P + j + d - 1 - i) * C + c] += dx[(b * d + i) * C + c];
      }
    }
    return loss * w;
  }
}

interface MlpState extends Standardisation {
  config: MlpConfig;
  theta: Float64Array;
  incStd: Float64Array;
  names: string[];
  dt: number;
  training: { from: number; until: number };
  /** Free-running NRMSE through the held-out tail at the kept θ (null without a tail). */
  validation: number | null;
}

/** Free run on standardised data: from the last `span` samples of `z` (channel-interleaved, n samples), K model steps; returns [K + 1][C] starting at the last sample. */
function freeRun(s: Pick<MlpState, 'config' | 'theta' | 'incStd'>, z: Float64Array, n: number, C: number, K: number, roll = new MlpRollout(netShape(s.config, C), s.config.delays, 1, K, s.incStd)): Float64Array {
  const { delays: d, stride } = s.config;
  for (let i = 0; i < d; i++) for (let c = 0; c < C; c++) roll.slots[i * C + c] = z[(n - 1 - (d - 1 - i) * stride) * C + c];
  roll.run(s.theta, 1, K, false);
  return roll.slots.slice((d - 1) * C, (d + K) * C);
}

class MlpFitted implements Fitted {
  readonly family = 'mlp';
  readonly inWindowMode = 'one-step' as const;
  readonly nParams: number;

  constructor(private readonly s: MlpState) {
    this.nParams = s.theta.length;
  }

  predictOneStep(series: Series): Float64Array[] {
    checkClock(series, this.s.names, this.s.dt, 'predictOneStep series');
    const { delays: d, stride } = this.s.config;
    const C = this.s.names.length, n = series.t.length, first = span(this.s.config) - 1 + stride;
    const z = standardise(series, this.s);
    const out = new Float64Array(n * C).fill(NaN);
    const rows = Math.max(0, n - first);
    if (rows > 0) {
      const shape = netShape(this.s.config, C);
      const ws = new MlpWorkspace(shape, rows);
      const x = new Float64Array(rows * d * C);
      for (let r = 0; r < rows; r++) {
        const k = first + r - stride;
        for (let i = 0; i < d; i++) for (let c = 0; c < C; c++) x[(r * d + i) * C + c] = z[(k - i * stride) * C + c];
      }
      const y = mlpForward(this.s.theta, x, ws);
      for (let r = 0; r < rows; r++) {
        const k = first + r;
        for (let c = 0; c < C; c++) out[k * C + c] = z[(k - stride) * C + c] + this.s.incStd[c] * y[r * C + c];
      }
    }
    return unstandardise(out, n, this.s);
  }

  forecast(times: Float64Array, context: Series): { t: Float64Array; mean: Float64Array[] } {
    checkClock(context, this.s.names, this.s.dt, 'forecast context');
    const C = this.s.names.length, n = context.t.length, need = span(this.s.config);
    if (n < need) throw new ConfigError(`has ${n} samples; this MLP needs at least (delays − 1)·stride + 1 = ${need}`, 'forecast context');
    const step = this.s.dt * this.s.config.stride, tEnd = context.t[n - 1];
    const K = stepsAhead(times, tEnd, step);
    const g = freeRun(this.s, standardise(context, this.s), n, C, K);
    return { t: times, mean: readGrid(g, K, times, tEnd, step, this.s) };
  }

  describe() {
    const c = this.s.config;
    return {
      family: 'mlp', parameters: this.nParams, ...c, hidden: [...c.hidden], modelStep: this.s.dt * c.stride,
      input: `u(t), u(t − ${c.stride}Δt), …, u(t − ${(c.delays - 1) * c.stride}Δt) → the increment to u(t + ${c.stride}Δt)`,
      validationNrmse: this.s.validation, sampleStep: this.s.dt, channels: [...this.s.names],
    };
  }

  toJSON(): SavedModel {
    const C = this.s.names.length;
    return {
      ...savedHeader('mlp'),
      config: { ...this.s.config, hidden: [...this.s.config.hidden] },
      layout: mlpLayout(netShape(this.s.config, C)).layout,
      params: Array.from(this.s.theta),
      extra: { mean: [...this.s.mean], std: [...this.s.std], dt: this.s.dt, incStd: Array.from(this.s.incStd), validation: this.s.validation },
      training: { ...this.s.training, channels: [...this.s.names] },
    };
  }
}

/** Per channel, the standard deviation of z_{k+s} − z_k over the first n samples (1 where it is 0). */
function incrementStd(z: Float64Array, n: number, C: number, s: number): Float64Array {
  const out = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let sum = 0, sq = 0;
    const m = n - s;
    for (let k = 0; k < m; k++) {
      const v = z[(k + s) * C + c] - z[k * C + c];
      sum += v;
      sq += v * v;
    }
    out[c] = Math.sqrt(Math.max(0, sq / m - (sum / m) ** 2)) || 1;
  }
  return out;
}

async function fitMlp(spec: ModelSpec<MlpConfig>, series: Series, opts: FitOptions): Promise<Fitted> {
  const config: MlpConfig = { ...MLP_DEFAULTS, ...spec.config };
  checkMlpConfig(config);
  throwIfAborted(opts.signal);
  const dt = checkTraining(series);
  const C = series.y.length, n = series.t.length, s = config.stride, d = config.delays;
  const H = config.training === 'rollout' ? config.horizon : 1;
  const std = standardisation(series);
  const z = standardise(series, std);
  // Training sequences lie before the held-out tail; the tail scores the free run from its start.
  const nVal = Math.floor(config.validationFraction * n);
  const nFit = n - nVal;
  const first = span(config) - 1, last = nFit - 1 - H * s;
  if (last < first) throw new ConfigError(`the training part before the held-out tail has ${nFit} samples; ${d} delays of stride ${s} and a horizon of ${H} need ${first + H * s + 1}`, config.training === 'rollout' ? 'horizon' : 'delays');
  const incStd = incrementStd(z, nFit, C, s);
  const shape = netShape(config, C);
  const size = mlpLayout(shape).size;
  const theta = new Float64Array(size);
  const rng = new Rng(opts.seed);
  initMlp(shape, theta, rng);
  const B = config.batch;
  const roll = new MlpRollout(shape, d, B, H, incStd);
  const truth = new Float64Array(B * H * C);
  const P = d + H;
  const horizonAt = (step: number): number => {
    if (config.training === 'one-step') return 1;
    const ramp = config.curriculumFraction * config.steps;
    if (ramp <= 0 || step >= ramp) return config.horizon;
    const doublings = Math.log2(config.horizon / config.horizonStart);
    return Math.min(config.horizon, Math.round(config.horizonStart * 2 ** Math.floor((doublings + 1) * (step / ramp))));
  };
  let step = 0;
  const lossAndGrad = (th: Float64Array, grad: Float64Array): number => {
    const h = horizonAt(step++);
    for (let b = 0; b < B; b++) {
      const k = first + rng.int(last - first + 1);
      for (let i = 0; i < d; i++) {
        for (let c = 0; c < C; c++) {
          const noise = config.inputNoise > 0 ? rng.normal(0, config.inputNoise) : 0;
          roll.slots[(b * P + i) * C + c] = z[(k - (d - 1 - i) * s) * C + c] + noise;
        }
      }
      for (let j = 0; j < h; j++) for (let c = 0; c < C; c++) truth[(b * h + j) * C + c] = z[(k + (j + 1) * s) * C + c];
    }
    grad.fill(0);
    roll.run(th, B, h);
    return roll.backward(th, B, h, truth, grad);
  };
  // The free run through the tail, scored at the tail's samples on the model's grid.
  const Kval = Math.floor(nVal / s);
  // One free-run workspace for every check (each holds its own WebAssembly heap).
  const tailRoll = new MlpRollout(shape, d, 1, Math.max(1, Kval), incStd);
  const score = (th: Float64Array): number => {
    const g = freeRun({ config, theta: th, incStd }, z, nFit, C, Kval, tailRoll);
    let sq = 0;
    for (let k = 1; k <= Kval; k++) for (let c = 0; c < C; c++) sq += (g[k * C + c] - z[(nFit - 1 + k * s) * C + c]) ** 2;
    const v = Math.sqrt(sq / (Kval * C));
    return Number.isFinite(v) ? v : Number.MAX_VALUE;
  };
  const training = { from: series.t[0], until: series.t[n - 1] };
  const state = (th: Float64Array, validation: number | null): MlpState => ({ config, theta: th, incStd, names: [...series.names], ...std, dt, training, validation });
  try {
    const r = await train({
      lossAndGrad, theta, steps: config.steps, signal: opts.signal, name: 'mlp',
      optimizer: new Adam(size, { lr: cosine(config.lr, Math.max(1, config.steps), { min: config.lr / 10 }), clipNorm: 1 }),
      validation: Kval > 0 ? { every: config.evalEvery, patience: config.patience, score } : undefined,
      onProgress: (p) => opts.onProgress?.({ fraction: p.fraction, loss: p.loss, stage: `Adam ${p.step}/${p.steps}${p.score === undefined ? '' : `, tail free-run NRMSE ${p.score.toPrecision(3)}`}` }),
    });
    return new MlpFitted(state(r.best, r.bestScore));
  } catch (e) {
    if (!(e instanceof DivergenceError) || !e.lastGood) throw e;
    throw new FitDivergedError(e, new MlpFitted(state(e.lastGood, null)).toJSON());
  }
}

const mlpSavedSchema = z
  .object({
    family: z.literal('mlp'),
    config: mlpConfigSchema,
    layout: z.array(z.object({ name: z.string(), offset: z.number().int(), shape: z.array(z.number().int()) })),
    params: z.array(param),
    extra: z.strictObject({ ...sequenceExtra, incStd: z.array(positive), validation: z.number().nullable() }),
    training: trainingSchema,
  })
  .loose()
  .superRefine((m, ctx) => {
    if (!configIssues(ctx, () => checkMlpConfig(m.config))) return;
    const C = m.training.channels.length;
    checkChannels(m.extra, C, ctx);
    if (m.extra.incStd.length !== C) ctx.addIssue({ code: 'custom', path: ['extra', 'incStd'], message: `has ${m.extra.incStd.length} entries for ${C} channels` });
    const { layout, size } = mlpLayout(netShape(m.config, C));
    const what = `an MLP of ${m.config.delays} delays and ${C} channel${C > 1 ? 's' : ''}`;
    checkLayout(m.layout, layout, ctx, what);
    checkParamCount(m.params, size, ctx, what);
  });

export const mlpFamily: ModelFamily<MlpConfig> = {
  family: 'mlp',
  capabilities: {
    uniformGrid: true, relativeCost: 2, inReferenceExperiment: false, ensembles: true,
    searchSpace: { lr: { log: [1e-3, 1e-2] }, delays: { int: [4, 16] }, hidden: { choice: [[32], [64], [64, 64]] }, inputNoise: { choice: [0, 0.001, 0.01] } },
  },
  description: 'An autoregressive MLP on a delay embedding, predicting normalised increments, trained one step ahead or through its own free run (black-box baseline).',
  defaults: MLP_DEFAULTS,
  quick: { delays: 3, hidden: [6], steps: 20, batch: 8, horizon: 4, evalEvery: 5, patience: 2 },
  check: checkMlpConfig,
  fit: fitMlp,
  load(saved: SavedModel, source?: string): Fitted {
    const m = validateSaved(mlpSavedSchema, saved, source);
    return new MlpFitted({
      config: m.config, theta: Float64Array.from(m.params), incStd: Float64Array.from(m.extra.incStd), names: [...m.training.channels],
      mean: m.extra.mean, std: m.extra.std, dt: m.extra.dt, training: { from: m.training.from, until: m.training.until }, validation: m.extra.validation,
    });
  },
};
