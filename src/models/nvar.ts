/**
 * Next-generation reservoir computing (Gauthier, Bollt, Griffith & Barbosa 2021, "Next
 * generation reservoir computing"): a nonlinear vector autoregression. The feature vector
 * at sample k is [1, O_lin, O_nonlin], with O_lin the current standardised sample and its
 * k − 1 delayed copies (spacing s) and O_nonlin the unique monomials of O_lin of degree 2 …
 * `order`; a ridge readout predicts the increment u_{k+1} − u_k (or u_{k+1}). No random
 * reservoir at all: the fit is one pass and one Cholesky, and the model is deterministic.
 *
 * A sequence family on a uniform grid: `predictOneStep` is NaN where fewer than
 * (k − 1)s + 1 samples of history exist; `forecast` starts from the last (k − 1)s + 1
 * samples of the context and runs free. Times between grid points are interpolated linearly.
 */
import { z } from 'zod';
import { ConfigError, throwIfAborted } from '../core/errors.js';
import type { Series } from '../data/series.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from './base.js';
import { checkNvarConfig, NVAR_DEFAULTS, nvarConfigSchema, nvarFeatureCount, type NvarConfig } from './nvar-config.js';
import { applyReadout, RidgeAccumulator } from './reservoir/ridge.js';
import {
  checkChannels, checkClock, checkTraining, readGrid, sequenceExtra, standardisation, standardise, stepsAhead, unstandardise,
  type Standardisation,
} from './reservoir/sequence.js';
import { checkLayout, checkParamCount, param, savedHeader, trainingSchema, validateSaved } from './saved.js';

export type { NvarConfig } from './nvar-config.js';

interface NvarState extends Standardisation {
  config: NvarConfig;
  /** Readout, C × p row-major. */
  readout: Float64Array;
  names: string[];
  dt: number;
  training: { from: number; until: number };
}

/**
 * The NVAR's feature map: the monomials as index tuples into O_lin (non-decreasing, so each
 * monomial appears once), and `apply`, which writes [1, O_lin, O_nonlin] for the sample at
 * index k of the channel-interleaved `z` (its history at k − s, k − 2s, …).
 */
class NvarFeatures {
  readonly size: number;
  private readonly lin: number;
  private readonly terms: Int32Array[];

  constructor(
    private readonly config: NvarConfig,
    private readonly C: number,
  ) {
    this.lin = config.delays * C;
    this.terms = [];
    const tuple: number[] = [];
    const emit = (from: number, left: number) => {
      if (left === 0) return void this.terms.push(Int32Array.from(tuple));
      for (let i = from; i < this.lin; i++) {
        tuple.push(i);
        emit(i, left - 1);
        tuple.pop();
      }
    };
    for (let d = 2; d <= config.order; d++) emit(0, d);
    this.size = 1 + this.lin + this.terms.length;
    if (this.size !== nvarFeatureCount(config, C)) throw new Error('NvarFeatures: monomial count mismatch');
  }

  /** Samples of history a feature vector needs: (k − 1)s + 1. */
  get span(): number {
    return (this.config.delays - 1) * this.config.spacing + 1;
  }

  apply(z: Float64Array, k: number, x: Float64Array): void {
    const C = this.C, s = this.config.spacing;
    x[0] = 1;
    for (let d = 0; d < this.config.delays; d++) for (let c = 0; c < C; c++) x[1 + d * C + c] = z[(k - d * s) * C + c];
    for (let m = 0; m < this.terms.length; m++) {
      const idx = this.terms[m];
      let v = 1;
      for (let j = 0; j < idx.length; j++) v *= x[1 + idx[j]];
      x[1 + this.lin + m] = v;
    }
  }
}

class NvarFitted implements Fitted {
  readonly family = 'nvar';
  readonly inWindowMode = 'one-step' as const;
  readonly nParams: number;
  private readonly features: NvarFeatures;

  constructor(private readonly s: NvarState) {
    this.features = new NvarFeatures(s.config, s.names.length);
    this.nParams = s.readout.length;
  }

  predictOneStep(series: Series): Float64Array[] {
    checkClock(series, this.s.names, this.s.dt, 'predictOneStep series');
    const C = this.s.names.length, n = series.t.length, F = this.features;
    const z = standardise(series, this.s);
    const out = new Float64Array(n * C).fill(NaN);
    const x = new Float64Array(F.size), y = new Float64Array(C);
    for (let k = F.span - 1; k + 1 < n; k++) {
      F.apply(z, k, x);
      applyReadout(this.s.readout, x, this.s.config.increment ? z.subarray(k * C, (k + 1) * C) : null, y);
      out.set(y, (k + 1) * C);
    }
    return unstandardise(out, n, this.s);
  }

  forecast(times: Float64Array, context: Series): { t: Float64Array; mean: Float64Array[] } {
    checkClock(context, this.s.names, this.s.dt, 'forecast context');
    const C = this.s.names.length, n = context.t.length, F = this.features, L = F.span;
    if (n < L) throw new ConfigError(`has ${n} samples; this NVAR needs at least (delays − 1)·spacing + 1 = ${L}`, 'forecast context');
    const tEnd = context.t[n - 1];
    const K = stepsAhead(times, tEnd, this.s.dt);
    // Buffer: the last L observed samples, then K predictions (standardised).
    const buf = new Float64Array((L + K) * C);
    buf.set(standardise(context, this.s).subarray((n - L) * C));
    const x = new Float64Array(F.size);
    for (let k = L - 1; k < L - 1 + K; k++) {
      F.apply(buf, k, x);
      applyReadout(this.s.readout, x, this.s.config.increment ? buf.subarray(k * C, (k + 1) * C) : null, buf.subarray((k + 1) * C, (k + 2) * C));
    }
    return { t: times, mean: readGrid(buf.subarray((L - 1) * C), K, times, tEnd, this.s.dt, this.s) };
  }

  describe() {
    return {
      family: 'nvar', parameters: this.nParams, ...this.s.config, features: this.features.size,
      featureMap: `[1, u(t), …, u(t − ${this.s.config.delays - 1}·${this.s.config.spacing}Δt), monomials of degree 2…${this.s.config.order}]`,
      sampleStep: this.s.dt, channels: [...this.s.names],
    };
  }

  toJSON(): SavedModel {
    const C = this.s.names.length;
    return {
      ...savedHeader('nvar'),
      config: { ...this.s.config },
      layout: [{ name: 'readout', offset: 0, shape: [C, this.features.size] }],
      params: Array.from(this.s.readout),
      extra: { mean: [...this.s.mean], std: [...this.s.std], dt: this.s.dt },
      training: { ...this.s.training, channels: [...this.s.names] },
    };
  }
}

async function fitNvar(spec: ModelSpec<NvarConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
  const config: NvarConfig = { ...NVAR_DEFAULTS, ...spec.config };
  checkNvarConfig(config, train.y.length);
  throwIfAborted(opts.signal);
  const dt = checkTraining(train);
  const C = train.y.length, n = train.t.length;
  const F = new NvarFeatures(config, C);
  if (n < F.span + 1) throw new ConfigError(`${config.delays} delays of spacing ${config.spacing} need ${F.span + 1} samples; the training window has ${n}`, 'delays');
  const std = standardisation(train);
  const z = standardise(train, std);
  const ridge = new RidgeAccumulator(F.size, C);
  const x = new Float64Array(F.size), target = new Float64Array(C);
  for (let k = F.span - 1; k + 1 < n; k++) {
    F.apply(z, k, x);
    for (let c = 0; c < C; c++) target[c] = z[(k + 1) * C + c] - (config.increment ? z[k * C + c] : 0);
    ridge.add(x, target);
    if (k % 2048 === 2047) {
      throwIfAborted(opts.signal);
      opts.onProgress?.({ fraction: (0.9 * k) / n, stage: `features ${k + 1}/${n}` });
      await Promise.resolve();
    }
  }
  throwIfAborted(opts.signal);
  const W = ridge.solve(config.ridge);
  opts.onProgress?.({ fraction: 1, stage: `readout solved (${ridge.rows} samples, ${F.size} features)` });
  return new NvarFitted({ config, readout: W, names: [...train.names], ...std, dt, training: { from: train.t[0], until: train.t[n - 1] } });
}

/** The saved form: the configuration, the standardisation, and a C × p readout for p features of C channels. */
const nvarSavedSchema = z
  .object({
    family: z.literal('nvar'),
    config: nvarConfigSchema,
    layout: z.array(z.object({ name: z.string(), offset: z.number().int(), shape: z.array(z.number().int()) })),
    params: z.array(param),
    extra: z.strictObject(sequenceExtra),
    training: trainingSchema,
  })
  .loose()
  .superRefine((m, ctx) => {
    const C = m.training.channels.length;
    try {
      checkNvarConfig(m.config, C);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      ctx.addIssue({ code: 'custom', path: ['config', e.parameter ?? ''], message: e.message.slice((e.parameter ?? '').length + 2) });
      return;
    }
    checkChannels(m.extra, C, ctx);
    const p = nvarFeatureCount(m.config, C);
    const what = `an NVAR of ${p} features and ${C} channel${C > 1 ? 's' : ''}`;
    checkLayout(m.layout, [{ name: 'readout', offset: 0, shape: [C, p] }], ctx, what);
    checkParamCount(m.params, C * p, ctx, what);
  });

export const nvarFamily: ModelFamily<NvarConfig> = {
  family: 'nvar',
  capabilities: {
    uniformGrid: true, relativeCost: 1,
    searchSpace: { delays: { int: [2, 8] }, spacing: { int: [1, 20] }, ridge: { log: [1e-9, 1e-2] } },
  },
  description: 'Next-generation reservoir computing: time-delayed states and their polynomial features with a ridge readout (black-box baseline).',
  defaults: NVAR_DEFAULTS,
  quick: {},
  check: (config) => checkNvarConfig(config),
  fit: fitNvar,
  load(saved: SavedModel, source?: string): Fitted {
    const m = validateSaved(nvarSavedSchema, saved, source);
    return new NvarFitted({
      config: m.config, readout: Float64Array.from(m.params), names: [...m.training.channels],
      mean: m.extra.mean, std: m.extra.std, dt: m.extra.dt, training: { from: m.training.from, until: m.training.until },
    });
  },
};
