/**
 * The LSTM family: the black-box baseline of the reference experiment. One LSTM layer and
 * a linear readout (nn/lstm.ts) predict the next sample of every channel from the previous
 * `window` samples, trained teacher-forced on windows cut from the training series (as
 * the PyTorch peer bench/lstm/peer_torch.py does) with Adam; early stopping on the held-out end of the span
 * picks the step count, and by default the whole span is then trained on for that many steps.
 * It fits the training window closely and is expected to fail beyond it — that failure is
 * what the evaluator shows, so nothing here helps it.
 *
 * Sampling: the network counts samples, not seconds, so every series it sees must be
 * uniformly sampled with the training step; anything else is a `ConfigError`.
 *
 * Inference semantics (the same as training: every prediction comes from a run of at most
 * `window` samples started from the zero state):
 * - `predictOneStep`: the prediction at sample j uses samples max(0, j − window) … j − 1;
 *   it is NaN where fewer than `burnIn + 1` samples of history exist (those positions are
 *   excluded from the training loss, so the network was never asked to predict there).
 * - `forecast`: autoregressive from the end of the context with a sliding window: each new
 *   sample is predicted from the last `window` samples (observed or predicted), then
 *   appended. Times between grid points are interpolated linearly.
 */
import { ConfigError, DataError, DivergenceError } from '../core/errors.js';
import { Adam } from '../core/optim/adam.js';
import { train as runTraining } from '../core/optim/train.js';
import { Rng } from '../core/rng.js';
import { uniformStep, type Series } from '../data/series.js';
import type { LstmShape } from '../nn/lstm.js';
import { LstmWorkspace, initLstm, lstmForward, lstmLayout } from '../nn/lstm.js';
import { lstmKernel } from '../nn/kernels.js';
import { Team } from '../nn/team.js';
import { LstmState, lstmStep } from '../nn/lstm-step.js';
import { FitDivergedError } from './base.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from './base.js';
import { checkConfig, DEFAULTS, type LstmConfig } from './lstm/config.js';
import { readSavedLstm, type LstmSaved } from './lstm/saved.js';
import { savedHeader } from './saved.js';

export type { LstmConfig } from './lstm/config.js';


/** Everything a fitted LSTM needs to predict (and what toJSON saves). */
type FittedLstm = LstmSaved;

class LstmFitted implements Fitted {
  readonly family = 'lstm';
  readonly inWindowMode = 'one-step' as const;
  readonly nParams: number;
  private readonly shape: LstmShape;

  constructor(private readonly s: FittedLstm) {
    const C = s.names.length;
    this.shape = { input: C, hidden: s.config.hidden, output: C };
    this.nParams = s.theta.length;
  }

  private checkClock(series: Series, what: string): void {
    if (series.y.length !== this.s.names.length) {
      throw new ConfigError(`has ${series.y.length} channels; the model was trained on ${this.s.names.length} (${this.s.names.join(', ')})`, what);
    }
    if (series.t.length < 2) return;
    const dt = uniformStep(series.t, what);
    if (Math.abs(dt - this.s.dt) > 1e-6 * this.s.dt) throw new ConfigError(`is sampled every ${dt}; the model was trained on step ${this.s.dt}`, what);
  }

  /** Standardised samples [n][C] of `series` (channel-interleaved, the kernel's input layout). */
  private standardise(series: Series): Float64Array {
    const C = this.s.names.length, n = series.t.length;
    const z = new Float64Array(n * C);
    for (let c = 0; c < C; c++) for (let i = 0; i < n; i++) z[i * C + c] = (series.y[c][i] - this.s.mean[c]) / this.s.std[c];
    return z;
  }

  predictOneStep(series: Series): Float64Array[] {
    this.checkClock(series, 'predictOneStep series');
    const { window: T, burnIn } = this.s.config;
    const C = this.s.names.length, n = series.t.length;
    const z = this.standardise(series);
    const out = new Float64Array(n * C).fill(NaN);
    // Samples 1 … T: one run from the zero state over s[0 … T−1]; position p predicts p + 1.
    const st = new LstmState(this.shape, 1);
    const y = new Float64Array(C);
    for (let p = 0; p < Math.min(T, n - 1); p++) {
      lstmStep(this.s.theta, st, z.subarray(p * C, (p + 1) * C), y);
      if (p >= burnIn) out.set(y, (p + 1) * C);
    }
    // Samples j > T: each from its own window s[j − T … j − 1], batched.
    const targets: number[] = [];
    for (let j = T + 1; j < n; j++) targets.push(j);
    if (targets.length) predictLast(this.s.theta, new LstmWorkspace(this.shape, Math.min(64, targets.length), T), z, targets, out);
    return this.unstandardise(out, n);
  }

  forecast(times: Float64Array, context: Series): { t: Float64Array; mean: Float64Array[] } {
    this.checkClock(context, 'forecast context');
    const { window: T, burnIn } = this.s.config;
    const C = this.s.names.length, n = context.t.length;
    if (n < burnIn + 1) throw new ConfigError(`has ${n} samples; the LSTM needs at least burnIn + 1 = ${burnIn + 1} to predict`, 'forecast context');
    const tEnd = context.t[n - 1];
    let K = 0;
    for (let i = 0; i < times.length; i++) {
      const k = (times[i] - tEnd) / this.s.dt;
      if (!(k > 0)) throw new ConfigError(`time ${times[i]} is not after the end of the context (${tEnd})`, 'forecast times');
      K = Math.max(K, Math.ceil(k - 1e-9));
    }
    // Grid g[0] = last observed sample, g[k] = prediction k steps ahead (standardised).
    const L = Math.min(T, n);
    const buf = new Float64Array((L + K) * C);
    buf.set(this.standardise(context).subarray((n - L) * C));
    const st = new LstmState(this.shape, 1);
    const y = new Float64Array(C);
    // Full windows run through the fused forward pass (the SIMD kernels where available);
    // the first few, while the history is shorter than the window, step by step.
    const ws = L + K > T ? new LstmWorkspace(this.shape, 1, T) : null;
    for (let k = 0; k < K; k++) {
      const len = Math.min(T, L + k);
      const from = L + k - len;
      if (ws && len === T) {
        lstmForward(this.s.theta, buf.subarray(from * C, (from + T) * C), ws);
        buf.set(ws.pred.subarray((T - 1) * C, T * C), (L + k) * C);
        continue;
      }
      st.reset();
      for (let p = 0; p < len; p++) lstmStep(this.s.theta, st, buf.subarray((from + p) * C, (from + p + 1) * C), y);
      buf.set(y, (L + k) * C);
    }
    const mean = this.s.names.map(() => new Float64Array(times.length));
    for (let i = 0; i < times.length; i++) {
      const k = (times[i] - tEnd) / this.s.dt;
      const k0 = Math.min(Math.floor(k), K - 1), w = k - k0;
      for (let c = 0; c < C; c++) {
        const a = buf[(L - 1 + k0) * C + c], b = buf[(L + k0) * C + c];
        mean[c][i] = ((1 - w) * a + w * b) * this.s.std[c] + this.s.mean[c];
      }
    }
    return { t: times, mean };
  }

  private unstandardise(z: Float64Array, n: number): Float64Array[] {
    const C = this.s.names.length;
    return this.s.names.map((_, c) => {
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) y[i] = z[i * C + c] * this.s.std[c] + this.s.mean[c];
      return y;
    });
  }

  describe() {
    const { hidden, window } = this.s.config;
    return {
      family: 'lstm', parameters: this.nParams, hidden, window, stepsTrained: this.s.stepsTrained, finalPass: this.s.config.finalPass,
      bestValidationLoss: this.s.bestValLoss, sampleStep: this.s.dt, channels: [...this.s.names],
    };
  }

  toJSON(): SavedModel {
    const { layout } = lstmLayout(this.shape);
    return {
      ...savedHeader('lstm'),
      config: { ...this.s.config }, layout, params: Array.from(this.s.theta),
      extra: { mean: this.s.mean, std: this.s.std, dt: this.s.dt, stepsTrained: this.s.stepsTrained, bestValLoss: this.s.bestValLoss },
      training: { ...this.s.training, channels: [...this.s.names] },
    };
  }
}

/**
 * For each target index j in `targets`, the network's prediction of sample j from the
 * window z[j − T … j − 1] (zero initial state), written to out[j·C …]. Batched through the
 * training kernel's forward pass; the last batch is padded by repeating its first window.
 */
function predictLast(theta: Float64Array, ws: LstmWorkspace, z: Float64Array, targets: number[], out: Float64Array): void {
  if (targets.length === 0) return;
  const C = ws.shape.input, T = ws.steps, batch = ws.batch;
  const x = new Float64Array(batch * T * C);
  for (let at = 0; at < targets.length; at += batch) {
    for (let b = 0; b < batch; b++) {
      const j = targets[Math.min(at + b, targets.length - 1)];
      x.set(z.subarray((j - T) * C, j * C), b * T * C);
    }
    lstmForward(theta, x, ws);
    for (let b = 0; b < batch && at + b < targets.length; b++) {
      out.set(ws.pred.subarray((b * T + T - 1) * C, (b * T + T) * C), targets[at + b] * C);
    }
  }
}

async function fitLstm(spec: ModelSpec<LstmConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
  const cfg: LstmConfig = { ...DEFAULTS, ...spec.config };
  checkConfig(cfg);
  const C = train.y.length, n = train.t.length;
  if (C < 1) throw new ConfigError('has no channels', 'train');
  const dt = uniformStep(train.t, 'the training window');
  for (let c = 0; c < C; c++) {
    const i = train.y[c].findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new DataError(`channel ${train.names[c]} has the non-finite value ${train.y[c][i]} at sample ${i} (t = ${train.t[i]})`);
  }
  const T = cfg.window, B = cfg.batch;
  // Standardise each channel with the training mean and standard deviation.
  const mean = train.y.map((c) => c.reduce((a, v) => a + v, 0) / n);
  const std = train.y.map((c, k) => Math.sqrt(c.reduce((a, v) => a + (v - mean[k]) ** 2, 0) / n) || 1);
  const z = new Float64Array(n * C);
  for (let c = 0; c < C; c++) for (let i = 0; i < n; i++) z[i * C + c] = (train.y[c][i] - mean[c]) / std[c];
  // The last `validationFraction` of the span is held out: training windows lie before it.
  const tSplit = train.t[0] + (1 - cfg.validationFraction) * (train.t[n - 1] - train.t[0]);
  let nFit = n;
  if (cfg.validationFraction > 0) while (nFit > 0 && train.t[nFit - 1] > tSplit) nFit--;
  const nStarts = nFit - T;
  if (nStarts < 1) {
    throw new ConfigError(`the training part before validation has ${nFit} samples; window = ${T} needs at least ${T + 1} (shorten the window or lengthen the series)`, 'window');
  }
  const valTargets: number[] = [];
  const nVal = n - nFit;
  const stride = Math.max(1, Math.ceil(nVal / cfg.maxValidationTargets));
  for (let j = nFit; j < n; j += stride) valTargets.push(j);

  const shape: LstmShape = { input: C, hidden: cfg.hidden, output: C };
  const { size } = lstmLayout(shape);
  // Data-parallel gradients: the batch in `shares` parts, some on the caller's worker threads.
  const team = new Team(lstmKernel, { shape, steps: T, burnIn: cfg.burnIn, precision: cfg.precision }, B, cfg.shares, opts.workers);
  const valWs = valTargets.length ? new LstmWorkspace(shape, Math.min(B, valTargets.length), T) : null;
  const finalPass = valTargets.length > 0 ? cfg.finalPass : 'early-stopped';
  // Share of the progress bar the first pass would take if it ran all maxSteps. Early stopping
  // ends it sooner; the final pass then continues from where the bar stands (f0), so the bar
  // never jumps ahead when the whole-window pass starts.
  const first = finalPass === 'retrain' ? 0.5 : finalPass === 'continue' ? 1 / (1 + cfg.continueFraction) : 1;
  let f0 = first;
  const progress = (pass: number, fraction: number) => (pass === 0 ? first * fraction : f0 + (1 - f0) * fraction);
  const stageOf = (pass: number, step: number, steps: number) =>
    pass === 0 ? `step ${step}/${steps}${finalPass === 'early-stopped' ? '' : ', tail held out'}` : `whole window${finalPass === 'retrain' ? ' (retrain)' : ''}: step ${step}/${steps}`;

  /**
   * One training run: `steps` Adam steps on windows starting before `starts`, from the seed's
   * initialisation or from `init.theta` (then the learning-rate schedule resumes at
   * `init.step`). `validate`: early stopping on `valTargets`, returning the parameters of the
   * best check.
   */
  const trainPass = async (
    pass: number,
    starts: number,
    steps: number,
    validate: boolean,
    init?: { theta: Float64Array; step: number },
  ) => {
    const rng = new Rng(opts.seed);
    const theta = new Float64Array(size);
    if (init) theta.set(init.theta);
    else initLstm(shape, theta, rng);
    const stepOffset = init?.step ?? 0;
    const xb = new Float64Array(B * T * C), yb = new Float64Array(B * T * C);
    // Drops at 60 % and 85 % of maxSteps in both passes, so a retrain sees the same schedule.
    const drops = [Math.floor(0.6 * cfg.maxSteps), Math.floor(0.85 * cfg.maxSteps)];
    const adam = new Adam(size, {
      lr: (i) => cfg.lr * (i + stepOffset >= drops[0] ? cfg.lrDropFactor : 1) * (i + stepOffset >= drops[1] ? cfg.lrDropFactor : 1),
      clipNorm: cfg.clipNorm,
    });
    const valPred = new Float64Array(n * C);
    const valLoss = (th: Float64Array): number => {
      predictLast(th, valWs!, z, valTargets, valPred);
      let s = 0;
      for (const j of valTargets) for (let c = 0; c < C; c++) s += (valPred[j * C + c] - z[j * C + c]) ** 2;
      return s / (valTargets.length * C);
    };
    // A fresh mini-batch of windows (starting before `starts`) for every step.
    const lossAndGrad = (th: Float64Array, grad: Float64Array): number => {
      for (let b = 0; b < B; b++) {
        const s0 = rng.int(starts);
        xb.set(z.subarray(s0 * C, (s0 + T) * C), b * T * C);
        yb.set(z.subarray((s0 + 1) * C, (s0 + T + 1) * C), b * T * C);
      }
      return team.lossAndGrad(th, [xb, yb], grad);
    };
    const r = await runTraining({
      lossAndGrad,
      theta,
      optimizer: adam,
      steps,
      validation: validate ? { every: cfg.evalEvery, patience: cfg.patience, score: valLoss } : undefined,
      progressEvery: cfg.evalEvery,
      signal: opts.signal,
      name: 'lstm',
      onProgress: (p) => opts.onProgress?.({ fraction: progress(pass, p.fraction), stage: stageOf(pass, p.step, steps), loss: p.score ?? p.loss }),
    });
    return { theta: r.best, bestStep: r.bestStep, bestVal: r.bestScore, lastLoss: r.lastLoss, stepsRun: r.steps };
  };

  const fitted = (theta: Float64Array, stepsTrained: number, bestValLoss: number | null) =>
    new LstmFitted({ config: cfg, theta, names: [...train.names], mean, std, dt, stepsTrained, bestValLoss, training: { from: train.t[0], until: train.t[n - 1] } });
  let stepsBefore = 0; // steps of the passes already finished, for a divergence's report
  try {
    const stopped = await trainPass(0, nStarts, cfg.maxSteps, valTargets.length > 0);
    f0 = (first * stopped.stepsRun) / cfg.maxSteps;
    const bestValLoss = stopped.bestVal;
    let theta = stopped.theta;
    let stepsTrained = stopped.bestStep;
    if (finalPass === 'retrain') {
      // Goodfellow, Bengio & Courville (2016), Alg. 7.2: the hold-out chose the step count;
      // train again on the whole span for that many steps.
      theta = (await trainPass(1, n - T, stopped.bestStep, false)).theta;
    } else if (finalPass === 'continue') {
      // After ibid., Alg. 7.3: continue on the whole span from the early-stopped parameters.
      const extra = Math.max(1, Math.round(cfg.continueFraction * stopped.bestStep));
      stepsBefore = stopped.bestStep;
      const more = await trainPass(1, n - T, extra, false, { theta, step: stopped.bestStep });
      theta = more.theta;
      stepsTrained += more.stepsRun;
    }
    opts.onProgress?.({ fraction: 1, stage: `done: ${stepsTrained} steps`, loss: bestValLoss ?? stopped.lastLoss });
    return fitted(theta, stepsTrained, bestValLoss);
  } catch (e) {
    // Keep the last good state: the parameters before the step that broke the fit.
    if (e instanceof DivergenceError && e.lastGood?.length === size) {
      throw new FitDivergedError(e, fitted(e.lastGood, stepsBefore + (e.at ?? 0), null).toJSON());
    }
    throw e;
  } finally {
    team.close();
  }
}

export const lstmFamily: ModelFamily<LstmConfig> = {
  family: 'lstm',
  capabilities: { uniformGrid: true, relativeCost: 3 },
  description: 'One-layer LSTM with a linear readout, trained teacher-forced on sliding windows (black-box baseline).',
  defaults: DEFAULTS,
  // Tiny on purpose: the contract test fits every family several times in seconds.
  quick: { hidden: 3, window: 8, burnIn: 2, batch: 4, shares: 1, maxSteps: 12, evalEvery: 4, patience: 2, maxValidationTargets: 16 },
  fit: fitLstm,
  check: checkConfig,
  workersFor: (config) => (config.shares ?? DEFAULTS.shares) - 1,
  load(saved: SavedModel, source?: string): Fitted {
    return new LstmFitted(readSavedLstm(saved, source));
  },
};
