/**
 * One optimisation run of the bank on one window (fit.ts decides the starts and windows):
 * Adam only from a poor start, Levenberg–Marquardt from a start that already fits, L-BFGS
 * otherwise or after; optionally early-stopped on a validator (held-out samples). θ0 is
 * never modified.
 */
import { DivergenceError, throwIfAborted } from '../../core/errors.js';
import { Adam } from '../../core/optim/adam.js';
import { lbfgs } from '../../core/optim/lbfgs.js';
import { cosine } from '../../core/optim/schedules.js';
import { train } from '../../core/optim/train.js';
import { EventLoopPacer } from '../../core/pace.js';
import type { FitOptions } from '../base.js';
import type { OscillatorBankConfig as BankFitSettings } from './config.js';
import { BankLevenbergMarquardt } from './levenberg-marquardt.js';
import type { BankLoss } from './loss.js';


export interface OneFit {
  theta: Float64Array;
  loss: number;
  /** With a validator: the best score, and the L-BFGS iteration it was reached at (0: the start). */
  score: number;
  bestIteration: number;
  /** The validator's score of the last iterate. */
  lastScore: number;
  adamSteps: number;
  iterations: number;
  evaluations: number;
  reason: string;
}

/** Squared NRMSE of the start below which the cancellation penalty is off (NRMSE 1e-3). */
const PENALTY_FROM = 1e-6;

/** NRMSE below which a start is polished by Levenberg–Marquardt first, and its Jacobian cap. */
export const LM_FROM = 1e-3;
export const LM_ITERATIONS = 20;

/**
 * Scores a full θ (W, b included) by its forecast of held-out samples: lower is better,
 * +∞ for a cancelling bank (see fitBank).
 */
export type Validator = (theta: Float64Array) => number;

/**
 * Adam (only from a poor start) then L-BFGS on one window; θ0 is not modified. With
 * `validate`, the start and every L-BFGS iterate are scored and the best-scoring one is
 * returned (early stopping on the held-out samples); `maxIterations` caps L-BFGS.
 */
export async function fitOne(
  loss: BankLoss,
  theta0: Float64Array,
  s: BankFitSettings,
  opts: FitOptions,
  progress: (fraction: number, stage: string, loss: number) => void,
  validate?: Validator,
  maxIterations = s.maxIterations,
): Promise<OneFit> {
  const project = s.observation === 'projected';
  const size = project ? loss.lay.nDynamic : loss.lay.size;
  let x: Float64Array = theta0.slice(0, size);
  const last = x.slice();
  // The cancellation penalty's weight is a fixed fraction of the start's misfit, so it
  // outweighs what a cancelling beat can win from a bank with too few oscillators
  // (BankLoss.ridge). A start that already fits (NRMSE < 1e-3) has no misfit to trade for a
  // beat: no penalty, whose floor λ·Σ‖W_i x_i‖² would otherwise stall the polish at NRMSE ~√λ.
  loss.ridge = 0;
  const l0 = loss.evaluate(theta0.slice(0, size), null, project);
  loss.ridge = Number.isFinite(l0) && l0 > PENALTY_FROM ? s.cancellationPenalty * l0 : 0;
  let lastLoss = loss.ridge === 0 ? l0 : loss.evaluate(x, null, project);
  const pacer = new EventLoopPacer();
  if (!Number.isFinite(lastLoss)) throw new DivergenceError('the oscillator bank start is not finite', theta0.slice(), 0);
  const fg = (v: Float64Array, grad: Float64Array) => {
    const f = loss.evaluate(v, grad, project);
    if (Number.isFinite(f)) {
      last.set(v);
      lastLoss = f;
    }
    return f;
  };
  let adamSteps = 0;
  if (Math.sqrt(lastLoss) > s.adamThreshold && s.adamSteps > 0) {
    try {
      const r = await train({
        lossAndGrad: fg,
        theta: x,
        optimizer: new Adam(size, { lr: cosine(s.adamLr, s.adamSteps) }),
        steps: s.adamSteps,
        // Hand over to L-BFGS once the fit is close: Adam's fixed-size steps only jitter there.
        stopWhen: (f) => Math.sqrt(f) < s.adamStop,
        signal: opts.signal,
        progressEvery: 100,
        onProgress: (p) => progress(0.5 * p.fraction, 'Adam', p.loss),
        name: 'oscillator bank (Adam)',
        pacer,
      });
      adamSteps = r.steps;
    } catch (e) {
      // Keep the full state (W, b included) of the last good step.
      if (e instanceof DivergenceError && e.lastGood) throw new DivergenceError(e.message, full(loss, e.lastGood, project), e.at);
      throw e;
    }
  }
  let iterations = 0;
  let evaluations = 0;
  let reason = 'max-iterations';
  const xs = new Float64Array(size);
  // Early stopping on the held-out samples: score the start and every iterate, keep the best,
  // and give up once the score has not improved for `patience` iterations.
  let score = Infinity;
  let bestIteration = 0;
  let best = x.slice();
  let sinceBest = 0;
  const patience = 25;
  const scoreAt = (v: Float64Array, it: number) => {
    if (!validate) return;
    const sc = validate(full(loss, v, project));
    if (sc < score) {
      score = sc;
      bestIteration = it;
      best = v.slice();
      sinceBest = 0;
    } else sinceBest++;
  };
  scoreAt(x, 0);
  // From a start that already fits, Gauss–Newton steps converge in a few Jacobians where
  // L-BFGS needs ~60 iterations (levenberg-marquardt.ts); L-BFGS runs only if LM stops short.
  let polished = false;
  if (loss.ridge === 0 && maxIterations > 0 && Math.sqrt(lastLoss) < LM_FROM) {
    const th = full(loss, x, project);
    const lm = new BankLevenbergMarquardt(loss, BankLevenbergMarquardt.fastest(loss.lay, th)).polish(th, Math.min(maxIterations, LM_ITERATIONS));
    polished = lm.converged;
    iterations += lm.iterations;
    evaluations += lm.evaluations;
    if (loss.evaluate(th, null, false) < lastLoss) x = th.slice(0, size);
    reason = 'levenberg-marquardt';
    scoreAt(x, iterations);
  }
  // L-BFGS in Jacobi-scaled coordinates u = d∘x, d_j = ‖∂ŷ/∂x_j‖: the raw sensitivities
  // span ~5 decades (log-frequencies vs softplus-parameterised couplings near 0), which
  // costs a quasi-Newton method many iterations to learn; scaling the diagonal is cheap.
  const d = polished ? new Float64Array(size).fill(1) : jacobiScale(loss, x, project);
  const fgScaled = (u: Float64Array, gu: Float64Array) => {
    for (let j = 0; j < size; j++) xs[j] = u[j] / d[j];
    const f = fg(xs, gu);
    for (let j = 0; j < size; j++) gu[j] /= d[j];
    return f;
  };
  // Stop when ℓ stalls relative to itself (ℓ spans 1e-20 … 1, so an absolute fTol cannot serve).
  let fPrev = Infinity;
  let stalls = 0;
  const onIteration = (it: number, f: number, u: Float64Array) => {
    stalls = fPrev - f <= s.relTol * f ? stalls + 1 : 0;
    fPrev = f;
    if (validate) {
      for (let j = 0; j < size; j++) xs[j] = u[j] / d[j];
      scoreAt(xs, iterations + it);
    }
    return stalls >= 3 || sinceBest >= patience;
  };
  // L-BFGS in chunks so the event loop (progress bars, abort) gets a turn.
  const chunk = 100;
  while (!polished && iterations < maxIterations) {
    throwIfAborted(opts.signal);
    const u = x.map((v, j) => v * d[j]);
    const r = lbfgs(fgScaled, u, {
      onIteration,
      maxIterations: Math.min(chunk, maxIterations - iterations),
      memory: 20,
      // ℓ is a squared NRMSE that an exact start puts near 1e-14: stop on the gradient or
      // when the line search can no longer improve, not on an absolute change in ℓ.
      gradTol: 1e-15,
      fTol: 0,
      signal: opts.signal,
    });
    iterations += r.iterations;
    evaluations += r.evaluations;
    reason = r.reason;
    if (!Number.isFinite(r.f)) throw new DivergenceError('oscillator bank diverged during L-BFGS', full(loss, last, project), iterations);
    x = r.x.map((v, j) => v / d[j]);
    progress(0.5 + (0.5 * iterations) / Math.max(1, maxIterations), 'L-BFGS', r.f);
    throwIfAborted(opts.signal);
    if (r.reason !== 'max-iterations') break;
    await pacer.tick();
  }
  let lastScore = score;
  if (validate) {
    lastScore = validate(full(loss, x, project));
    x = best;
  }
  const f = loss.evaluate(x, null, project);
  return { theta: full(loss, x, project), loss: f, score, lastScore, bestIteration, adamSteps, iterations, evaluations, reason };
}

/** d_j = ‖∂ŷ/∂x_j‖ (weighted) by central differences of the forward pass, floored at 1e-6·max. */
function jacobiScale(loss: BankLoss, x: Float64Array, project: boolean): Float64Array {
  const size = x.length;
  const m = loss.lay.C * loss.N;
  const yp = new Float64Array(m);
  const ym = new Float64Array(m);
  const d = new Float64Array(size).fill(1);
  // Fix W, b at their projected values for x (the scale is only a preconditioner).
  if (project) loss.evaluate(x, null, true);
  const th = loss.theta.slice();
  let dMax = 0;
  for (let j = 0; j < size; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(th[j]));
    const keep = th[j];
    th[j] = keep + h;
    const okP = loss.predict(th, yp);
    th[j] = keep - h;
    const okM = loss.predict(th, ym);
    th[j] = keep;
    if (!okP || !okM) continue;
    let ss = 0;
    for (let i = 0; i < m; i++) ss += (yp[i] - ym[i]) ** 2;
    d[j] = Math.sqrt(ss) / (2 * h);
    dMax = Math.max(dMax, d[j]);
  }
  for (let j = 0; j < size; j++) if (!(d[j] >= 1e-6 * dMax) || d[j] === 0) d[j] = Math.max(1e-6 * dMax, 1e-12);
  loss.predict(th, yp);
  return d;
}

/** The full θ for a (possibly prefix) x: with projection, W and b as the loss solved them. */
export function full(loss: BankLoss, x: Float64Array, project: boolean): Float64Array {
  if (project) {
    loss.evaluate(x, null, true);
    return loss.theta.slice();
  }
  return x.slice();
}

