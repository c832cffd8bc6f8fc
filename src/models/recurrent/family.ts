/**
 * What every recurrent family (lstm, gru) shares: one recurrent layer and a linear readout
 * predict the next sample of every channel, trained with Adam on windows cut from the
 * standardised training series through the shared loop (core/optim/train.ts), the batch
 * split over the worker team (nn/team.ts); early stopping on the held-out end of the span
 * picks the step count, and a final pass (config `finalPass`) uses the whole span.
 *
 * Training modes (config `training`, see recurrent/config.ts): teacher-forced one step
 * ahead; a rollout whose horizon grows; scheduled sampling. All run the closed-loop kernel
 * (nn/closed-loop.ts) with a feed mask, except a one-step LSTM without increments, which runs
 * the LSTM's own teacher-forced kernel (nn/lstm.ts, WebAssembly SIMD where available).
 * With config `stateful` (one-step only) either kernel takes each lane's state in and
 * writes its final state back, the next window's initial one.
 *
 * Sampling: the network counts samples, not seconds, so every series it sees must be
 * uniformly sampled with the training step; anything else is a `ConfigError`. With config
 * `stride` S > 1 one network step reads a block of S consecutive samples (C·S inputs: the
 * samples of a block lie next to each other in the channel-interleaved series, so a run of
 * T blocks is T·S consecutive samples as stored) and predicts the next block, with
 * increments each of its samples as a change from the input block's last sample; the
 * window, burn-in and horizon count blocks.
 *
 * Inference:
 * - `predictOneStep`: the prediction at sample j uses the whole blocks (at most `window`)
 *   ending at sample j − 1, from the zero state; NaN where fewer than `burnIn + 1` blocks of
 *   history exist (those positions are excluded from the training loss).
 * - `forecast`, one-step training: autoregressive with a sliding window, each new block
 *   predicted from the last `window` blocks (observed or predicted) from the zero state.
 * - stateful one-step training (config `stateful`): as trained, the state carried from the
 *   zero state at the series' start through all of it (predictions), or warmed up on the
 *   whole context and then carried through the free run (forecasts).
 * - `forecast`, rollout and scheduled training: as trained — the hidden state warmed up on
 *   the last `window` blocks of the context, then carried through the free run.
 * Both start from the context's last whole blocks, ending at its last sample.
 * Times between grid points are interpolated linearly.
 */
import { ConfigError, DataError, DivergenceError } from '../../core/errors.js';
import { Adam } from '../../core/optim/adam.js';
import { train as runTraining } from '../../core/optim/train.js';
import { Rng } from '../../core/rng.js';
import { uniformStep, type Series } from '../../data/series.js';
import { LoopWorkspace, type CellKind, type LoopShape } from '../../nn/closed-loop.js';
import { loopKernel } from '../../nn/kernels.js';
import { Team, type TeamKernel } from '../../nn/team.js';
import { FitDivergedError } from '../base.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from '../base.js';
import { savedHeader } from '../saved.js';
import { checkConfig, DEFAULTS, type RecurrentConfig } from './config.js';
import { readSavedRecurrent, type RecurrentSaved } from './saved.js';

/** Teacher-forced predictions over a batch of windows: θ and x [B][T][C] → ŷ [B][T][C]. */
export type WindowForward = (theta: Float64Array, x: Float64Array) => Float64Array;

/** An architecture: its cell, and optionally faster teacher-forced paths of its own. */
export interface RecurrentArch {
  cell: CellKind;
  /** The kernel registry's name of the cell (nn/kernels.ts `cellKinds`). */
  kernelCell: 'lstm' | 'gru';
  /** A faster teacher-forced forward pass than the closed-loop kernel's (without increments). */
  windows?(shape: LoopShape, batch: number, steps: number): WindowForward;
  /**
   * A faster teacher-forced training kernel (without increments): its kernel and spec, inputs
   * [x, target], and with `stateful` the lanes' states [2·hidden] carried in and out (config `stateful`).
   */
  oneStep?(shape: LoopShape, steps: number, burnIn: number, precision: RecurrentConfig['precision'], stateful: boolean): { kernel: TeamKernel<unknown>; spec: unknown };
}

/** A readout of increments (config `increments`): their scale per network channel, and the input each starts from. */
interface Increments {
  scale: number[];
  /** Null: each channel's own input (stride 1). */
  from: number[] | null;
}

/**
 * With blocks of S samples of C channels, every sample of the predicted block is an
 * increment from the last sample of the input block (closed-loop.ts `incrementFrom`).
 */
function incrementsOf(scale: number[] | null, C: number, S: number): Increments | null {
  if (!scale) return null;
  return { scale, from: S > 1 ? Array.from({ length: C * S }, (_, q) => (S - 1) * C + (q % C)) : null };
}

/** The teacher-forced forward pass for windows of `steps` samples, in batches of `batch`. */
function windowForward(arch: RecurrentArch, increments: Increments | null, shape: LoopShape, batch: number, steps: number): WindowForward {
  if (arch.windows && !increments) return arch.windows(shape, batch, steps);
  const ws = new LoopWorkspace(arch.cell, shape, batch, steps, 0, increments?.scale, increments?.from);
  const feed = new Float64Array(batch * steps).fill(1);
  return (theta, x) => {
    ws.forward(theta, x, feed);
    return ws.pred;
  };
}

/**
 * Free run: warms up on the samples `warm` [L][C] (standardised), then runs `K` steps on its
 * own predictions, hidden state carried; returns the K predictions [K][C].
 */
function freeRun(arch: RecurrentArch, increments: Increments | null, shape: LoopShape, theta: Float64Array, warm: Float64Array, K: number): Float64Array {
  const C = shape.channels, L = warm.length / C, T = L + K - 1;
  const ws = new LoopWorkspace(arch.cell, shape, 1, T, 0, increments?.scale, increments?.from);
  const x = new Float64Array(T * C);
  x.set(warm);
  const feed = new Float64Array(T);
  feed.fill(1, 0, L);
  ws.forward(theta, x, feed);
  return ws.pred.slice((L - 1) * C);
}

/**
 * One-step predictions from the zero state at the series' start: for each offset o < S, one
 * run over at most `blocks` whole blocks starting at sample o, block position p ≥ burnIn
 * predicting sample o + (p + 1)·S (standardised, written to out[…·C]).
 */
function predictFromStart(arch: RecurrentArch, inc: Increments | null, shape: LoopShape, theta: Float64Array, z: Float64Array, C: number, S: number, blocks: number, burnIn: number, out: Float64Array): void {
  const n = z.length / C, N = C * S;
  for (let o = 0; o < S; o++) {
    const head = Math.min(blocks, Math.floor((n - 1 - o) / S));
    if (head < 1) continue;
    const pred = windowForward(arch, inc, shape, 1, head)(theta, z.subarray(o * C, (o + head * S) * C));
    for (let p = burnIn; p < head; p++) out.set(pred.subarray(p * N, p * N + C), (o + (p + 1) * S) * C);
  }
}

/**
 * For each target index j in `targets`, the prediction of sample j from the T blocks of S
 * samples z[j − T·S … j − 1] (zero initial state): the first sample of the predicted block,
 * written to out[j·C …]. Batched; the last batch is padded by repeating its first window.
 */
function predictLast(forward: WindowForward, C: number, S: number, T: number, batch: number, theta: Float64Array, z: Float64Array, targets: number[], out: Float64Array): void {
  const N = C * S, x = new Float64Array(batch * T * N);
  for (let at = 0; at < targets.length; at += batch) {
    for (let b = 0; b < batch; b++) {
      const j = targets[Math.min(at + b, targets.length - 1)];
      x.set(z.subarray((j - T * S) * C, j * C), b * T * N);
    }
    const pred = forward(theta, x);
    for (let b = 0; b < batch && at + b < targets.length; b++) {
      const p = (b * T + T - 1) * N;
      out.set(pred.subarray(p, p + C), targets[at + b] * C);
    }
  }
}

class RecurrentFitted implements Fitted {
  readonly inWindowMode = 'one-step' as const;
  readonly nParams: number;
  private readonly shape: LoopShape;
  private readonly inc: Increments | null;

  constructor(readonly family: string, private readonly arch: RecurrentArch, private readonly s: RecurrentSaved) {
    this.shape = { channels: s.names.length * s.config.stride, hidden: s.config.hidden };
    this.inc = incrementsOf(s.incrementScale, s.names.length, s.config.stride);
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

  predictOneStep(series: Series): Float64Array[] {
    this.checkClock(series, 'predictOneStep series');
    const { window: T, burnIn, stride: S } = this.s.config;
    const C = this.s.names.length, n = series.t.length;
    const z = standardise(series, this.s.mean, this.s.std);
    const out = new Float64Array(n * C).fill(NaN);
    // Samples with at most T whole blocks before them (stateful: all, the state carried as trained).
    predictFromStart(this.arch, this.inc, this.shape, this.s.theta, z, C, S, this.s.config.stateful ? Infinity : T, burnIn, out);
    // Samples j with more: each from its own window of T blocks s[j − T·S … j − 1], batched.
    const targets: number[] = [];
    if (!this.s.config.stateful) for (let j = (T + 1) * S; j < n; j++) targets.push(j);
    if (targets.length) {
      const B = Math.min(64, targets.length);
      predictLast(windowForward(this.arch, this.inc, this.shape, B, T), C, S, T, B, this.s.theta, z, targets, out);
    }
    return unstandardise(out, n, this.s.mean, this.s.std);
  }

  forecast(times: Float64Array, context: Series): { t: Float64Array; mean: Float64Array[] } {
    this.checkClock(context, 'forecast context');
    const cfg = this.s.config;
    const { window: T, burnIn, stride: S } = cfg;
    const C = this.s.names.length, n = context.t.length, N = C * S;
    if (n < (burnIn + 1) * S) {
      const need = S > 1 ? `(burnIn + 1)·stride = ${(burnIn + 1) * S}` : `burnIn + 1 = ${burnIn + 1}`;
      throw new ConfigError(`has ${n} samples; the ${this.family.toUpperCase()} needs at least ${need} to predict`, 'forecast context');
    }
    const tEnd = context.t[n - 1];
    let K = 0;
    for (let i = 0; i < times.length; i++) {
      const k = (times[i] - tEnd) / this.s.dt;
      if (!(k > 0)) throw new ConfigError(`time ${times[i]} is not after the end of the context (${tEnd})`, 'forecast times');
      K = Math.max(K, Math.ceil(k - 1e-9));
    }
    // Blocks of the context's last L·S samples, then KB predicted blocks; on the fine grid,
    // g[0] = last observed sample (index L·S − 1), g[k] = prediction k samples ahead (standardised).
    // Stateful models warm up on the whole context, as they were trained.
    const L = cfg.stateful ? Math.floor(n / S) : Math.min(T, Math.floor(n / S)), KB = Math.ceil(K / S);
    const buf = new Float64Array((L + KB) * N);
    buf.set(standardise(context, this.s.mean, this.s.std).subarray((n - L * S) * C));
    if (cfg.training === 'one-step' && !cfg.stateful) {
      // Full windows run through the batched forward pass, the first few (history shorter than the window) one by one.
      const full = L + KB > T ? windowForward(this.arch, this.inc, this.shape, 1, T) : null;
      for (let k = 0; k < KB; k++) {
        const len = Math.min(T, L + k);
        const from = L + k - len;
        const forward = full && len === T ? full : windowForward(this.arch, this.inc, this.shape, 1, len);
        const pred = forward(this.s.theta, buf.subarray(from * N, (from + len) * N));
        buf.set(pred.subarray((len - 1) * N, len * N), (L + k) * N);
      }
    } else if (KB > 0) {
      buf.set(freeRun(this.arch, this.inc, this.shape, this.s.theta, buf.slice(0, L * N), KB), L * N);
    }
    const last = L * S - 1;
    const mean = this.s.names.map(() => new Float64Array(times.length));
    for (let i = 0; i < times.length; i++) {
      const k = (times[i] - tEnd) / this.s.dt;
      const k0 = Math.min(Math.floor(k), K - 1), w = k - k0;
      for (let c = 0; c < C; c++) {
        const a = buf[(last + k0) * C + c], b = buf[(last + k0 + 1) * C + c];
        mean[c][i] = ((1 - w) * a + w * b) * this.s.std[c] + this.s.mean[c];
      }
    }
    return { t: times, mean };
  }

  describe() {
    const { hidden, window, training, stride } = this.s.config;
    return {
      family: this.family, parameters: this.nParams, hidden, window, training, stride, stepsTrained: this.s.stepsTrained, finalPass: this.s.config.finalPass,
      bestValidationLoss: this.s.bestValLoss, sampleStep: this.s.dt, channels: [...this.s.names],
    };
  }

  toJSON(): SavedModel {
    const { layout } = this.arch.cell.layout(this.shape);
    return {
      ...savedHeader(this.family),
      config: { ...this.s.config }, layout, params: Array.from(this.s.theta),
      extra: {
        mean: this.s.mean, std: this.s.std, dt: this.s.dt, stepsTrained: this.s.stepsTrained, bestValLoss: this.s.bestValLoss,
        ...(this.s.incrementScale ? { incrementScale: this.s.incrementScale } : {}),
      },
      training: { ...this.s.training, channels: [...this.s.names] },
    };
  }
}

/** Samples [n][C] of `series`, standardised per channel (channel-interleaved, the kernels' input layout). */
function standardise(series: Series, mean: readonly number[], std: readonly number[]): Float64Array {
  const C = series.y.length, n = series.t.length;
  const z = new Float64Array(n * C);
  for (let c = 0; c < C; c++) for (let i = 0; i < n; i++) z[i * C + c] = (series.y[c][i] - mean[c]) / std[c];
  return z;
}

function unstandardise(z: Float64Array, n: number, mean: readonly number[], std: readonly number[]): Float64Array[] {
  const C = mean.length;
  return mean.map((_, c) => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = z[i * C + c] * std[c] + mean[c];
    return y;
  });
}

/** The free-running horizon at training step i ('rollout'): doubling from horizonStart to horizon over the curriculum. */
export function rolloutHorizon(cfg: RecurrentConfig, i: number): number {
  const stages = Math.ceil(Math.log2(cfg.horizon / cfg.horizonStart));
  if (stages === 0) return cfg.horizon;
  const per = Math.max(1, Math.floor((cfg.curriculumFraction * cfg.maxSteps) / stages));
  return Math.min(cfg.horizon, cfg.horizonStart * 2 ** Math.floor(i / per));
}

/** The teacher-forcing probability at training step i ('scheduled'): 1 → 0 linearly over the curriculum. */
export function teacherRatio(cfg: RecurrentConfig, i: number): number {
  return Math.max(0, 1 - i / (cfg.curriculumFraction * cfg.maxSteps));
}

/**
 * Stateful windows (config `stateful`): the start of lane b's next window among `starts`
 * possible ones. Lane b first starts at b/lanes of them and then walks on in consecutive
 * windows of `length` samples, each from the previous one's final state; past the end it
 * restarts (from the zero state) at a random start within the first window's length.
 */
export function statefulLanes(lanes: number, starts: number, length: number): (b: number, rng: Rng) => { start: number; restart: boolean } {
  const at = Array.from({ length: lanes }, (_, b) => Math.floor((b * starts) / lanes));
  return (b, rng) => {
    const restart = at[b] >= starts;
    if (restart) at[b] = rng.int(Math.min(starts, length));
    const start = at[b];
    at[b] += length;
    return { start, restart };
  };
}

async function fitRecurrent(family: string, arch: RecurrentArch, spec: ModelSpec<RecurrentConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
  const cfg: RecurrentConfig = { ...DEFAULTS, ...spec.config };
  checkConfig(cfg);
  const C = train.y.length, n = train.t.length;
  if (C < 1) throw new ConfigError('has no channels', 'train');
  const dt = uniformStep(train.t, 'the training window');
  for (let c = 0; c < C; c++) {
    const i = train.y[c].findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new DataError(`channel ${train.names[c]} has the non-finite value ${train.y[c][i]} at sample ${i} (t = ${train.t[i]})`);
  }
  const W = cfg.window, B = cfg.batch, S = cfg.stride, N = C * S;
  const oneStep = cfg.training === 'one-step';
  // Sequence length: the window alone, or the warm-up window and the free run after it.
  const maxT = oneStep ? W : W + cfg.horizon;
  // Standardise each channel with the training mean and standard deviation.
  const mean = train.y.map((c) => c.reduce((a, v) => a + v, 0) / n);
  const std = train.y.map((c, k) => Math.sqrt(c.reduce((a, v) => a + (v - mean[k]) ** 2, 0) / n) || 1);
  const z = standardise(train, mean, std);
  // With increments, the readout's unit is the standard deviation of what it predicts: the
  // change of each channel over one sample (stride 1), or, for the r-th sample of a block,
  // over the r + 1 samples since the last one seen.
  const incrementScale = cfg.increments ? Array.from({ length: N }, (_, q) => {
    const c = q % C, lag = S === 1 ? 1 : Math.floor(q / C) + 1;
    let s = 0;
    for (let i = lag; i < n; i++) s += (z[i * C + c] - z[(i - lag) * C + c]) ** 2;
    return Math.sqrt(s / Math.max(1, n - lag)) || 1;
  }) : null;
  const inc = incrementsOf(incrementScale, C, S);
  // The last `validationFraction` of the span is held out: training windows lie before it.
  const tSplit = train.t[0] + (1 - cfg.validationFraction) * (train.t[n - 1] - train.t[0]);
  let nFit = n;
  if (cfg.validationFraction > 0) while (nFit > 0 && train.t[nFit - 1] > tSplit) nFit--;
  // A sequence of T blocks and its targets, one block later, span (T + 1)·S samples.
  if (nFit < (maxT + 1) * S) {
    const what = (oneStep ? `window = ${W}` : `window + horizon = ${W} + ${cfg.horizon}`) + (S > 1 ? ` blocks of stride = ${S}` : '');
    throw new ConfigError(`the training part before validation has ${nFit} samples; ${what} needs at least ${(maxT + 1) * S} (shorten it or lengthen the series)`, oneStep ? 'window' : 'horizon');
  }
  const valTargets: number[] = [];
  const nVal = n - nFit;
  const every = Math.max(1, Math.ceil(nVal / cfg.maxValidationTargets));
  for (let j = nFit; j < n; j += every) valTargets.push(j);

  const shape: LoopShape = { channels: N, hidden: cfg.hidden };
  const { size } = arch.cell.layout(shape);
  // Data-parallel gradients: the batch in `shares` parts, some on the caller's worker threads.
  // A rollout's shorter sequences end early in the closed-loop kernel's feed mask (−1).
  const fast = oneStep && !cfg.increments ? arch.oneStep?.(shape, W, cfg.burnIn, cfg.precision, cfg.stateful) : undefined;
  const team = fast
    ? new Team(fast.kernel, fast.spec, B, cfg.shares, opts.workers)
    : new Team(loopKernel as TeamKernel<unknown>, { cell: arch.kernelCell, shape, steps: maxT, burnIn: cfg.burnIn, increments: incrementScale, incrementFrom: inc?.from, stateful: cfg.stateful }, B, cfg.shares, opts.workers);
  const valBatch = Math.min(B, valTargets.length);
  const valForward = valTargets.length && oneStep && !cfg.stateful ? windowForward(arch, inc, shape, valBatch, W) : null;
  const finalPass = valTargets.length > 0 ? cfg.finalPass : 'early-stopped';
  // Share of the progress bar the first pass would take if it ran all maxSteps. Early stopping
  // ends it sooner; the final pass then continues from where the bar stands (f0), so the bar
  // never jumps ahead when the whole-window pass starts.
  const first = finalPass === 'retrain' ? 0.5 : finalPass === 'continue' ? 1 / (1 + cfg.continueFraction) : 1;
  let f0 = first;
  const progress = (pass: number, fraction: number) => (pass === 0 ? first * fraction : f0 + (1 - f0) * fraction);
  const stageOf = (pass: number, step: number, steps: number) =>
    pass === 0 ? `step ${step}/${steps}${finalPass === 'early-stopped' ? '' : ', tail held out'}` : `whole window${finalPass === 'retrain' ? ' (retrain)' : ''}: step ${step}/${steps}`;

  // Validation: one step ahead on the held-out targets, or (rollout, scheduled) the free run
  // through the held-out tail after a warm-up on the window before it.
  const valPred = new Float64Array(n * C);
  const valLoss = (th: Float64Array): number => {
    if (valForward || (oneStep && cfg.stateful)) {
      // Stateful: the state carried from the span's start, as in training and prediction.
      if (valForward) predictLast(valForward, C, S, W, valBatch, th, z, valTargets, valPred);
      else predictFromStart(arch, inc, shape, th, z, C, S, Infinity, cfg.burnIn, valPred);
      let s = 0;
      for (const j of valTargets) for (let c = 0; c < C; c++) s += (valPred[j * C + c] - z[j * C + c]) ** 2;
      return s / (valTargets.length * C);
    }
    const run = freeRun(arch, inc, shape, th, z.slice((nFit - W * S) * C, nFit * C), Math.ceil(nVal / S));
    let s = 0;
    for (let i = 0; i < nVal * C; i++) s += (run[i] - z[nFit * C + i]) ** 2;
    return s / (nVal * C);
  };

  /**
   * One training run: `steps` Adam steps on sequences starting before `end − T`, from the
   * seed's initialisation or from `init.theta` (then the schedules resume at `init.step`).
   * `validate`: early stopping, returning the parameters of the best check.
   */
  const trainPass = async (pass: number, end: number, steps: number, validate: boolean, init?: { theta: Float64Array; step: number }) => {
    const rng = new Rng(opts.seed);
    const theta = new Float64Array(size);
    if (init) theta.set(init.theta);
    else arch.cell.init(shape, theta, rng);
    const stepOffset = init?.step ?? 0;
    const xb = new Float64Array(B * maxT * N), yb = new Float64Array(B * maxT * N), feed = new Float64Array(B * maxT);
    // Drops at 60 % and 85 % of maxSteps in both passes, so a retrain sees the same schedule.
    const drops = [Math.floor(0.6 * cfg.maxSteps), Math.floor(0.85 * cfg.maxSteps)];
    const adam = new Adam(size, {
      lr: (i) => cfg.lr * (i + stepOffset >= drops[0] ? cfg.lrDropFactor : 1) * (i + stepOffset >= drops[1] ? cfg.lrDropFactor : 1),
      clipNorm: cfg.clipNorm,
    });
    let i = stepOffset;
    const walk = cfg.stateful ? statefulLanes(B, end - (W + 1) * S + 1, W * S) : null;
    const width = arch.cell.stateWidth(shape);
    const state = cfg.stateful ? new Float64Array(B * width) : null;
    // A fresh mini-batch of sequences for every step.
    const lossAndGrad = (th: Float64Array, grad: Float64Array): number => {
      const T = oneStep ? W : W + (cfg.training === 'rollout' ? rolloutHorizon(cfg, i) : cfg.horizon);
      const p = cfg.training === 'scheduled' ? teacherRatio(cfg, i) : 0;
      i++;
      // Sequences of T blocks in slots of maxT (the rest marked ended: feed −1), starting at any
      // sample: T·S consecutive samples are T blocks as they lie in z.
      for (let b = 0; b < B; b++) {
        let s0: number;
        if (state && walk) {
          const next = walk(b, rng);
          if (next.restart) state.fill(0, b * width, (b + 1) * width);
          s0 = next.start;
        } else s0 = rng.int(end - (T + 1) * S + 1);
        const at = b * maxT * N;
        xb.set(z.subarray(s0 * C, (s0 + T * S) * C), at);
        yb.set(z.subarray((s0 + S) * C, (s0 + (T + 1) * S) * C), at);
        if (cfg.inputNoise > 0) for (let k = at; k < at + T * N; k++) xb[k] += cfg.inputNoise * rng.normal();
        for (let t = 0; t < maxT; t++) feed[b * maxT + t] = t >= T ? -1 : t < W || (p > 0 && rng.uniform() < p) ? 1 : 0;
      }
      const inputs = fast ? [xb, yb] : [xb, yb, feed];
      return team.lossAndGrad(th, state ? [...inputs, state] : inputs, grad);
    };
    const r = await runTraining({
      lossAndGrad,
      theta,
      optimizer: adam,
      steps,
      validation: validate ? { every: cfg.evalEvery, patience: cfg.patience, score: valLoss } : undefined,
      progressEvery: cfg.evalEvery,
      signal: opts.signal,
      name: family,
      onProgress: (p) => opts.onProgress?.({ fraction: progress(pass, p.fraction), stage: stageOf(pass, p.step, steps), loss: p.score ?? p.loss }),
    });
    return { theta: r.best, bestStep: r.bestStep, bestVal: r.bestScore, lastLoss: r.lastLoss, stepsRun: r.steps };
  };

  const fitted = (theta: Float64Array, stepsTrained: number, bestValLoss: number | null) =>
    new RecurrentFitted(family, arch, { config: cfg, theta, names: [...train.names], mean, std, incrementScale, dt, stepsTrained, bestValLoss, training: { from: train.t[0], until: train.t[n - 1] } });
  let stepsBefore = 0; // steps of the passes already finished, for a divergence's report
  try {
    const stopped = await trainPass(0, nFit, cfg.maxSteps, valTargets.length > 0);
    f0 = (first * stopped.stepsRun) / cfg.maxSteps;
    const bestValLoss = stopped.bestVal;
    let theta = stopped.theta;
    let stepsTrained = stopped.bestStep;
    if (finalPass === 'retrain') {
      // Goodfellow, Bengio & Courville (2016), Alg. 7.2: the hold-out chose the step count;
      // train again on the whole span for that many steps.
      theta = (await trainPass(1, n, stopped.bestStep, false)).theta;
    } else if (finalPass === 'continue') {
      // After ibid., Alg. 7.3: continue on the whole span from the early-stopped parameters.
      const extra = Math.max(1, Math.round(cfg.continueFraction * stopped.bestStep));
      stepsBefore = stopped.bestStep;
      const more = await trainPass(1, n, extra, false, { theta, step: stopped.bestStep });
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

/** A recurrent model family: `arch` on the shared data handling, training modes and inference above. */
export function recurrentFamily(
  family: string,
  arch: RecurrentArch,
  rest: Pick<ModelFamily<RecurrentConfig>, 'capabilities' | 'description' | 'quick'>,
): ModelFamily<RecurrentConfig> {
  return {
    family,
    ...rest,
    defaults: DEFAULTS,
    fit: (spec, train, opts) => fitRecurrent(family, arch, spec, train, opts),
    check: checkConfig,
    workersFor: (config) => (config.shares ?? DEFAULTS.shares) - 1,
    load(saved: SavedModel, source?: string): Fitted {
      return new RecurrentFitted(family, arch, readSavedRecurrent(arch.cell, saved, source));
    },
  };
}
