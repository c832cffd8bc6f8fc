/** The recurrent families' configuration (lstm, gru): its fields, defaults and validation. */
import { ConfigError } from '../../core/errors.js';

/** How the network is trained (models/recurrent/family.ts). */
export type RecurrentTraining = 'one-step' | 'rollout' | 'scheduled';

export interface RecurrentConfig {
  /** Hidden units. Default 64. */
  hidden: number;
  /** Samples (blocks, with `stride` > 1) of context per training window (and per prediction). Default 100. */
  window: number;
  /** Leading window positions left out of the loss (too little context). Default 10. */
  burnIn: number;
  /** Windows per training step. Default 64. */
  batch: number;
  /**
   * Parts the batch is split into; their gradients are combined in a fixed order, and each
   * part can run on its own thread (FitOptions.workers). The result depends on `shares`,
   * never on how many threads there are: the same seed gives the same model on any machine.
   * Default 2 (a 2-core machine trains about 1.8× faster with one worker).
   */
  shares: number;
  /** Adam step size. Default 3e-3; multiplied by `lrDropFactor` at 60 % and again at 85 % of `maxSteps`. */
  lr: number;
  /** Learning-rate factor at each drop. Default 0.3 (as the PyTorch peer). */
  lrDropFactor: number;
  /** Global gradient-norm clip (Pascanu et al. 2013). Default 1. */
  clipNorm: number;
  /** Training-step cap. Default 2000. */
  maxSteps: number;
  /** Fraction of the training span (its end) held out for early stopping, in [0, 0.9). 0 disables it. Default 0.2. */
  validationFraction: number;
  /** Steps between validation checks. Default 50. */
  evalEvery: number;
  /** Checks without improvement before stopping early. Default 10. */
  patience: number;
  /** Most validation targets evaluated per check (evenly spaced), to bound its cost. Default 256. */
  maxValidationTargets: number;
  /**
   * What the fit returns after early stopping chose a step count on the held-out end.
   * - 'early-stopped': the parameters of the best validation check, trained on the first
   *   (1 − validationFraction) of the span only.
   * - 'continue' (default): from those parameters, keep training on the whole span for
   *   `continueFraction` of the steps already taken, on the schedule's last learning rate
   *   (after Goodfellow, Bengio & Courville 2016, Alg. 7.3, whose stopping rule — held-out
   *   loss down to the training loss at the best check — stopped too early here: demo
   *   signal, defaults, one-step NRMSE 0.0039 with it, 0.0028 with the full 25 %). The
   *   held-out end is then no longer never-trained, at a quarter of a retrain's cost.
   * - 'retrain': train again from the same initialisation on the whole span for the chosen
   *   step count (ibid., Alg. 7.2), at most doubling the fit time.
   * On the reference task (defaults, seed 0) the early-stopped model's one-step in-window
   * NRMSE is 0.013 (0.56 of persistence's; it fails on the never-trained end of the window),
   * the retrained one's 0.0040 (0.17).
   */
  finalPass: 'early-stopped' | 'continue' | 'retrain';
  /** With finalPass 'continue': the extra steps, as a fraction of the early-stopped step count. Default 0.25. */
  continueFraction: number;
  /**
   * Arithmetic of the LSTM's one-step training step (nn/lstm.ts; the GRU and the closed-loop
   * kernels of 'rollout' and 'scheduled' training run in float64 whatever this says). 'float32' (default): the
   * f32x4 WebAssembly SIMD kernels, about twice as fast as 'float64', with the parameters,
   * Adam's state, the loss and the gradient sums across shares still float64; where
   * WebAssembly SIMD is missing the float64 TypeScript kernels run instead. 'float64': f64x2
   * throughout. Prediction and validation always run in float64. Saved with the model;
   * models saved before this option existed read as 'float64', as they were trained.
   */
  precision: 'float32' | 'float64';
  /**
   * How the network is trained.
   * - 'one-step' (default): teacher-forced, every position predicts the next sample from the
   *   observed ones; predictions and forecasts restart from the zero state on each window.
   * - 'rollout': each training sequence is `window` observed samples (the warm-up of the
   *   hidden state) followed by a free run of up to `horizon` steps on the network's own
   *   predictions, with the loss over both and its gradient through the free run; the
   *   horizon doubles from `horizonStart` over the first `curriculumFraction` of `maxSteps`.
   * - 'scheduled': scheduled sampling (Bengio et al. 2015): after the warm-up, each input is
   *   the observed sample with probability p, else the previous prediction, p annealed
   *   linearly from 1 to 0 over the first `curriculumFraction` of `maxSteps`.
   * Rollout and scheduled models are stopped early on the free-running error of the held-out
   * tail, and forecast by warming up on the last `window` samples and then running free,
   * the hidden state carried throughout. A free run that is to fit the whole window must be
   * trained through all of it (`validationFraction` 0, `horizon` up to the window's end):
   * on the reference experiment the run that fits the first 8 s does not carry over to a
   * held-out last 2 s (in-window NRMSE 1.09 with the tail held out, 0.061 without).
   */
  training: RecurrentTraining;
  /** Free-running steps after the warm-up ('rollout': the final horizon). Default 200. */
  horizon: number;
  /** 'rollout': the first horizon. Default 10. */
  horizonStart: number;
  /** Share of `maxSteps` over which the horizon grows or the teacher-forcing ratio falls, in (0, 1]. Default 0.5. */
  curriculumFraction: number;
  /** Standard deviation of Gaussian noise added to the observed inputs (not the targets), in units of each channel's standard deviation. Default 0. */
  inputNoise: number;
  /** Predict the change from the step's input (ŷ_t = u_t + readout) instead of the next sample itself. Default false. */
  increments: boolean;
  /**
   * Samples per network step: the network reads the series in blocks of `stride` consecutive
   * samples (every channel of each, one input vector of channels × stride) and predicts the
   * next block, so one step spans `stride`·dt and a free run of K samples takes K / stride
   * steps. `window`, `burnIn` and `horizon` count blocks. At a fine step (the reference
   * experiment's dt 0.01, 200–500 samples a period) consecutive samples barely differ and a
   * free run through the window is 900 steps long; blocks make each step a real change and
   * the run short enough to train through whole (the coarse time steps of Vlachas et al.
   * 2020). Training sequences start at every sample, not only at block boundaries; forecasts
   * start from the context's last whole blocks. With `increments`, every sample of the
   * predicted block is a change from the last sample seen, in units of that lag's standard
   * deviation (from its own counterpart a block earlier, the samples of a block drift apart
   * over a free run: a saw-tooth within each block). Measured on the reference experiment
   * (LSTM, seed 0, rollout with increments through the whole window; README "Black boxes
   * trained as well as we can"): free-running in-window NRMSE 0.36 with stride 1 after 600
   * steps (ten times the time of stride 10's 600 steps); 0.061 with stride 10 and 0.031 with
   * stride 5 after 1200. Default 1.
   */
  stride: number;
  /**
   * Stateful truncated backpropagation through time (Vlachas et al. 2020), for one-step
   * training (either family, with or without increments): each of the batch's lanes walks the training span
   * in consecutive windows (lane b starting at b/batch of it), each window starting from the
   * previous one's final hidden and cell state, with no gradient through the carry; past the
   * end of the span a lane restarts from the zero state. The loss still skips the first
   * `burnIn` positions of every window. Predictions and validation then carry the state as
   * trained, from the zero state at the series' start through all of it, and forecasts warm
   * up on the whole context and run free with the state carried (not a sliding window).
   * Default false: every window starts from the zero state.
   */
  stateful: boolean;
}

/** The LSTM's configuration (the same fields as every recurrent family's). */
export type LstmConfig = RecurrentConfig;

/** What a tuning budget searches for the recurrent families (eval/tune.ts): the rate, the width and the input noise. */
export const RECURRENT_SEARCH = {
  lr: { log: [1e-3, 1e-2] },
  hidden: { choice: [16, 32, 64] },
  inputNoise: { choice: [0, 0.001, 0.01] },
} as const;

export const DEFAULTS: RecurrentConfig = {
  hidden: 64, window: 100, burnIn: 10, batch: 64, shares: 2, lr: 3e-3, lrDropFactor: 0.3, clipNorm: 1,
  maxSteps: 2000, validationFraction: 0.2, evalEvery: 50, patience: 10, maxValidationTargets: 256,
  finalPass: 'continue', continueFraction: 0.25, precision: 'float32',
  training: 'one-step', horizon: 200, horizonStart: 10, curriculumFraction: 0.5, inputNoise: 0, increments: false, stride: 1, stateful: false,
};

export function checkConfig(c: RecurrentConfig): void {
  const ints: (keyof RecurrentConfig)[] = ['hidden', 'window', 'batch', 'shares', 'maxSteps', 'evalEvery', 'patience', 'maxValidationTargets', 'horizon', 'horizonStart', 'stride'];
  for (const k of ints) if (!Number.isInteger(c[k]) || (c[k] as number) < 1) throw new ConfigError(`must be a positive integer; got ${c[k]}`, k);
  if (!Number.isInteger(c.burnIn) || c.burnIn < 0 || c.burnIn >= c.window) throw new ConfigError(`must be an integer in [0, window = ${c.window}); got ${c.burnIn}`, 'burnIn');
  if (c.shares > c.batch) throw new ConfigError(`must be at most batch = ${c.batch}; got ${c.shares}`, 'shares');
  if (!(c.lr > 0)) throw new ConfigError(`must be > 0; got ${c.lr}`, 'lr');
  if (!(c.lrDropFactor > 0 && c.lrDropFactor <= 1)) throw new ConfigError(`must be in (0, 1]; got ${c.lrDropFactor}`, 'lrDropFactor');
  if (!(c.clipNorm > 0)) throw new ConfigError(`must be > 0; got ${c.clipNorm}`, 'clipNorm');
  if (!(c.validationFraction >= 0 && c.validationFraction < 0.9)) throw new ConfigError(`must be in [0, 0.9); got ${c.validationFraction}`, 'validationFraction');
  if (!['early-stopped', 'continue', 'retrain'].includes(c.finalPass)) throw new ConfigError(`must be 'early-stopped', 'continue' or 'retrain'; got ${String(c.finalPass)}`, 'finalPass');
  if (!(c.continueFraction > 0 && c.continueFraction <= 1)) throw new ConfigError(`must be in (0, 1]; got ${c.continueFraction}`, 'continueFraction');
  if (c.precision !== 'float32' && c.precision !== 'float64') throw new ConfigError(`must be 'float32' or 'float64'; got ${String(c.precision)}`, 'precision');
  if (!['one-step', 'rollout', 'scheduled'].includes(c.training)) throw new ConfigError(`must be 'one-step', 'rollout' or 'scheduled'; got ${String(c.training)}`, 'training');
  if (c.horizonStart > c.horizon) throw new ConfigError(`must be at most horizon = ${c.horizon}; got ${c.horizonStart}`, 'horizonStart');
  if (!(c.curriculumFraction > 0 && c.curriculumFraction <= 1)) throw new ConfigError(`must be in (0, 1]; got ${c.curriculumFraction}`, 'curriculumFraction');
  if (!(c.inputNoise >= 0 && c.inputNoise < 10)) throw new ConfigError(`must be in [0, 10) (channel standard deviations); got ${c.inputNoise}`, 'inputNoise');
  if (typeof c.increments !== 'boolean') throw new ConfigError(`must be true or false; got ${String(c.increments)}`, 'increments');
  if (typeof c.stateful !== 'boolean') throw new ConfigError(`must be true or false; got ${String(c.stateful)}`, 'stateful');
  if (c.stateful && c.training !== 'one-step') throw new ConfigError(`needs training 'one-step' (a rollout carries its state through the free run already); got training '${c.training}'`, 'stateful');
}
