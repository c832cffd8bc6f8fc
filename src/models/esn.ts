/**
 * The echo-state network (Jaeger 2001; Pathak et al. 2018, "Model-free prediction of large
 * spatiotemporally chaotic systems"): a fixed sparse random reservoir driven by the
 * standardised channels, and a linear readout of [1, u_k, r̃_{k+1}] predicting u_{k+1},
 * fitted in closed form by ridge regression on a teacher-forced run after a warm-up.
 * Nothing is trained by gradient, so a fit is one pass over the data and one Cholesky.
 *
 * A sequence family on a uniform grid (like the LSTM):
 * - `predictOneStep`: teacher-forced from the zero state at the series' first sample; NaN
 *   for the first `warmup` samples (the transient the readout never saw in training).
 * - `forecast`: the reservoir is warmed on the last `warmup` samples of the context (fewer
 *   if it is shorter), then runs free on its own predictions. Times between grid points
 *   are interpolated linearly.
 *
 * Saved small: the reservoir is rebuilt from its seed and configuration on load (bit for
 * bit: reservoir/reservoir.ts draws everything in a fixed order); only the readout is saved.
 */
import { z } from 'zod';
import { ConfigError, throwIfAborted } from '../core/errors.js';
import type { Series } from '../data/series.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from './base.js';
import { checkEsnConfig, ESN_DEFAULTS, esnConfigSchema, type EsnConfig } from './esn-config.js';
import { buildReservoir, reservoirStep, type Reservoir } from './reservoir/reservoir.js';
import { applyReadout, RidgeAccumulator } from './reservoir/ridge.js';
import {
  checkChannels, checkClock, checkTraining, readGrid, sequenceExtra, standardisation, standardise, stepsAhead, unstandardise,
  type Standardisation,
} from './reservoir/sequence.js';
import { checkLayout, checkParamCount, configIssues, param, savedHeader, trainingSchema, validateSaved } from './saved.js';

export type { EsnConfig } from './esn-config.js';

/** Everything a fitted ESN needs to predict (and what toJSON saves, less the rebuilt reservoir). */
interface EsnState extends Standardisation {
  config: EsnConfig;
  /** Seed the reservoir is drawn from. */
  seed: number;
  /** Readout, C × (1 + C + N) row-major. */
  readout: Float64Array;
  names: string[];
  dt: number;
  training: { from: number; until: number };
}

/** The readout's feature vector [1, u, r̃] (r̃: even units squared when `squared`). */
function features(u: Float64Array, r: Float64Array, squared: boolean, x: Float64Array): void {
  const C = u.length;
  x[0] = 1;
  for (let c = 0; c < C; c++) x[1 + c] = u[c];
  for (let i = 0; i < r.length; i++) x[1 + C + i] = squared && i % 2 === 0 ? r[i] * r[i] : r[i];
}

class EsnFitted implements Fitted {
  readonly family = 'esn';
  readonly inWindowMode = 'one-step' as const;
  readonly nParams: number;
  private readonly res: Reservoir;

  constructor(private readonly s: EsnState) {
    this.res = buildReservoir(s.config, s.names.length, s.seed);
    this.nParams = s.readout.length;
  }

  predictOneStep(series: Series): Float64Array[] {
    checkClock(series, this.s.names, this.s.dt, 'predictOneStep series');
    const C = this.s.names.length, n = series.t.length, N = this.res.size;
    const z = standardise(series, this.s);
    const out = new Float64Array(n * C).fill(NaN);
    const r = new Float64Array(N), scratch = new Float64Array(N), x = new Float64Array(1 + C + N), y = new Float64Array(C);
    for (let k = 0; k + 1 < n; k++) {
      const u = z.subarray(k * C, (k + 1) * C);
      reservoirStep(this.res, r, u, scratch);
      if (k < this.s.config.warmup) continue;
      features(u, r, this.s.config.squaredStates, x);
      applyReadout(this.s.readout, x, null, y);
      out.set(y, (k + 1) * C);
    }
    return unstandardise(out, n, this.s);
  }

  forecast(times: Float64Array, context: Series): { t: Float64Array; mean: Float64Array[] } {
    checkClock(context, this.s.names, this.s.dt, 'forecast context');
    const C = this.s.names.length, n = context.t.length, N = this.res.size;
    const tEnd = context.t[n - 1];
    const K = stepsAhead(times, tEnd, this.s.dt);
    const z = standardise(context, this.s);
    const r = new Float64Array(N), scratch = new Float64Array(N), x = new Float64Array(1 + C + N);
    // Warm the reservoir on the end of the context, the last sample included.
    for (let k = Math.max(0, n - 1 - this.s.config.warmup); k < n; k++) reservoirStep(this.res, r, z.subarray(k * C, (k + 1) * C), scratch);
    // g[0] = last observed sample, g[k] = prediction k steps ahead (standardised).
    const g = new Float64Array((K + 1) * C);
    g.set(z.subarray((n - 1) * C, n * C));
    for (let k = 1; k <= K; k++) {
      const u = g.subarray((k - 1) * C, k * C), y = g.subarray(k * C, (k + 1) * C);
      if (k > 1) reservoirStep(this.res, r, u, scratch);
      features(u, r, this.s.config.squaredStates, x);
      applyReadout(this.s.readout, x, null, y);
    }
    return { t: times, mean: readGrid(g, K, times, tEnd, this.s.dt, this.s) };
  }

  describe() {
    const { size, degree, spectralRadius, leak, inputScaling, bias, ridge, warmup, squaredStates } = this.s.config;
    return {
      family: 'esn', parameters: this.nParams, reservoir: { size, degree, spectralRadius, drawnRadius: this.res.drawnRadius, leak, inputScaling, bias, seed: this.s.seed },
      readout: { features: `[1, u, r${squaredStates ? ' (even units squared)' : ''}]`, ridge }, warmup, sampleStep: this.s.dt, channels: [...this.s.names],
    };
  }

  toJSON(): SavedModel {
    const C = this.s.names.length;
    return {
      ...savedHeader('esn'),
      config: { ...this.s.config },
      layout: [{ name: 'readout', offset: 0, shape: [C, 1 + C + this.s.config.size] }],
      params: Array.from(this.s.readout),
      extra: { seed: this.s.seed, mean: [...this.s.mean], std: [...this.s.std], dt: this.s.dt },
      training: { ...this.s.training, channels: [...this.s.names] },
    };
  }
}

async function fitEsn(spec: ModelSpec<EsnConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
  const config: EsnConfig = { ...ESN_DEFAULTS, ...spec.config };
  checkEsnConfig(config);
  throwIfAborted(opts.signal);
  const dt = checkTraining(train);
  const C = train.y.length, n = train.t.length, N = config.size, p = 1 + C + N;
  if (n < config.warmup + 2) throw new ConfigError(`is ${config.warmup} samples; the training window has ${n}, and the readout needs at least 2 more (lower warmup or lengthen the window)`, 'warmup');
  const seed = opts.seed >>> 0;
  const std = standardisation(train);
  const z = standardise(train, std);
  const res = buildReservoir(config, C, seed);
  const ridge = new RidgeAccumulator(p, C);
  const r = new Float64Array(N), scratch = new Float64Array(N), x = new Float64Array(p);
  for (let k = 0; k + 1 < n; k++) {
    const u = z.subarray(k * C, (k + 1) * C);
    reservoirStep(res, r, u, scratch);
    if (k >= config.warmup) {
      features(u, r, config.squaredStates, x);
      ridge.add(x, z.subarray((k + 1) * C, (k + 2) * C));
    }
    if (k % 512 === 511) {
      throwIfAborted(opts.signal);
      opts.onProgress?.({ fraction: (0.9 * k) / n, stage: `teacher-forced run ${k + 1}/${n}` });
      await Promise.resolve();
    }
  }
  throwIfAborted(opts.signal);
  const W = ridge.solve(config.ridge);
  opts.onProgress?.({ fraction: 1, stage: `readout solved (${ridge.rows} samples, ${p} features)` });
  return new EsnFitted({ config, seed, readout: W, names: [...train.names], ...std, dt, training: { from: train.t[0], until: train.t[n - 1] } });
}

/** The saved form: the configuration, the reservoir's seed, the standardisation, and a C × (1 + C + N) readout. */
const esnSavedSchema = z
  .object({
    family: z.literal('esn'),
    config: esnConfigSchema,
    layout: z.array(z.object({ name: z.string(), offset: z.number().int(), shape: z.array(z.number().int()) })),
    params: z.array(param),
    extra: z.strictObject({ seed: z.number().int().min(0).max(2 ** 32 - 1), ...sequenceExtra }),
    training: trainingSchema,
  })
  .loose()
  .superRefine((m, ctx) => {
    if (!configIssues(ctx, () => checkEsnConfig(m.config))) return;
    const C = m.training.channels.length;
    checkChannels(m.extra, C, ctx);
    const what = `an ESN of ${m.config.size} units and ${C} channel${C > 1 ? 's' : ''}`;
    checkLayout(m.layout, [{ name: 'readout', offset: 0, shape: [C, 1 + C + m.config.size] }], ctx, what);
    checkParamCount(m.params, C * (1 + C + m.config.size), ctx, what);
  });

export const esnFamily: ModelFamily<EsnConfig> = {
  family: 'esn',
  capabilities: {
    uniformGrid: true, relativeCost: 2, ensembles: true,
    searchSpace: { spectralRadius: { uniform: [0.5, 1.5] }, leak: { uniform: [0.2, 1] }, inputScaling: { log: [0.05, 2] }, ridge: { log: [1e-9, 1e-3] } },
  },
  description: 'Echo-state network: a sparse random reservoir with a ridge-regression readout, fitted in closed form (black-box baseline).',
  defaults: ESN_DEFAULTS,
  quick: { size: 40, warmup: 20 },
  check: checkEsnConfig,
  fit: fitEsn,
  load(saved: SavedModel, source?: string): Fitted {
    const m = validateSaved(esnSavedSchema, saved, source);
    return new EsnFitted({
      config: m.config, seed: m.extra.seed, readout: Float64Array.from(m.params), names: [...m.training.channels],
      mean: m.extra.mean, std: m.extra.std, dt: m.extra.dt, training: { from: m.training.from, until: m.training.until },
    });
  },
};
