/**
 * How the bank is fitted (shared/peers/results.md decides it):
 * 1. start from an ESPRIT estimate of the K dominant damped modes — an uncoupled bank that
 *    already reproduces them (FFT starts cannot separate modes closer than 2π/T and end in a
 *    local minimum that fits the window and fails beyond it);
 * 2. polish with L-BFGS directly; Adam (cosine schedule) runs first only for a poor start
 *    (NRMSE above `adamThreshold`), since its fixed-size steps knock an exact start off;
 * 3. among restarts (the pure start and seeded perturbations of it), choose the one that
 *    forecasts a held-out tail of the window best from a fit on the rest — in the reference
 *    the lowest in-sample loss extrapolated worst — then refit it on the whole window.
 */
import { AbortError, DivergenceError, throwIfAborted } from '../../core/errors.js';
import { Adam } from '../../core/optim/adam.js';
import { lbfgs } from '../../core/optim/lbfgs.js';
import { cosine } from '../../core/optim/schedules.js';
import { Rng } from '../../core/rng.js';
import type { FitOptions } from '../base.js';
import { esprit } from '../spectral/esprit.js';
import { BankLoss } from './loss.js';
import { BankLayout, startFromModes } from './params.js';

/** The numerical part of the bank's configuration (see OscillatorBankConfig for the docs). */
export interface BankFitSettings {
  oscillators: number;
  nonlinear: boolean;
  substeps: number;
  observation: 'projected' | 'learned';
  restarts: number;
  holdout: number;
  perturbation: number;
  maxIterations: number;
  adamSteps: number;
  adamLr: number;
  adamThreshold: number;
  adamStop: number;
  relTol: number;
}

export interface BankFitResult {
  lay: BankLayout;
  theta: Float64Array;
  /** Squared NRMSE on the whole window at the end. */
  loss: number;
  info: {
    /** Held-out-tail NRMSE of each restart (empty with one restart); the chosen index. */
    tailNrmse: number[];
    chosen: number;
    adamSteps: number;
    lbfgsIterations: number;
    lbfgsEvaluations: number;
    reason: string;
  };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The ESPRIT start on (the first `n` samples of) the window. */
function espritStart(lay: BankLayout, t: Float64Array, y: Float64Array[], n: number, pendulum: boolean): Float64Array {
  const est = esprit(
    t.subarray(0, n),
    y.map((c) => c.subarray(0, n)),
    { order: lay.K, offset: true },
  );
  return startFromModes(lay, est.modes, est.offset, undefined, pendulum);
}

/** A seeded perturbation of a start: frequencies, damping, couplings and initial state. */
function perturb(lay: BankLayout, theta: Float64Array, rng: Rng, scale: number): Float64Array {
  const p = theta.slice();
  for (let i = 0; i < lay.K; i++) {
    p[lay.omega + i] += rng.normal(0, scale);
    p[lay.damping + i] += rng.normal(0, 10 * scale);
  }
  for (let k = 0; k < lay.nPairs; k++) p[lay.coupling + k] += rng.normal(0, 40 * scale);
  for (let i = 0; i < 2 * lay.K; i++) p[lay.z0 + i] *= 1 + rng.normal(0, 2 * scale);
  return p;
}

interface OneFit {
  theta: Float64Array;
  loss: number;
  adamSteps: number;
  iterations: number;
  evaluations: number;
  reason: string;
}

/** Adam (only from a poor start) then L-BFGS on one window; θ0 is not modified. */
async function fitOne(
  loss: BankLoss,
  theta0: Float64Array,
  s: BankFitSettings,
  opts: FitOptions,
  progress: (fraction: number, stage: string, loss: number) => void,
): Promise<OneFit> {
  const project = s.observation === 'projected';
  const size = project ? loss.lay.nDynamic : loss.lay.size;
  let x: Float64Array = theta0.slice(0, size);
  const g = new Float64Array(size);
  const last = x.slice();
  let lastLoss = loss.evaluate(x, null, project);
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
    const adam = new Adam(size, { lr: cosine(s.adamLr, s.adamSteps) });
    for (; adamSteps < s.adamSteps; adamSteps++) {
      const f = fg(x, g);
      if (!Number.isFinite(f)) throw new DivergenceError(`oscillator bank diverged during Adam step ${adamSteps}`, full(loss, last, project), adamSteps);
      if (Math.sqrt(f) < s.adamStop) break;
      adam.step(x, g);
      if (adamSteps % 100 === 99) {
        throwIfAborted(opts.signal);
        progress((0.5 * adamSteps) / s.adamSteps, 'Adam', f);
        await yieldToEventLoop();
      }
    }
  }
  // L-BFGS in chunks so the event loop (progress bars, abort) gets a turn.
  const chunk = 100;
  let iterations = 0;
  let evaluations = 0;
  let reason = 'max-iterations';
  // L-BFGS in Jacobi-scaled coordinates u = d∘x, d_j = ‖∂ŷ/∂x_j‖: the raw sensitivities
  // span ~5 decades (log-frequencies vs softplus-parameterised couplings near 0), which
  // costs a quasi-Newton method many iterations to learn; scaling the diagonal is cheap.
  const d = jacobiScale(loss, x, project);
  const xs = new Float64Array(size);
  const fgScaled = (u: Float64Array, gu: Float64Array) => {
    for (let j = 0; j < size; j++) xs[j] = u[j] / d[j];
    const f = fg(xs, gu);
    for (let j = 0; j < size; j++) gu[j] /= d[j];
    return f;
  };
  // Stop when ℓ stalls relative to itself (ℓ spans 1e-20 … 1, so an absolute fTol cannot serve).
  let fPrev = Infinity;
  let stalls = 0;
  const onIteration = (_it: number, f: number) => {
    stalls = fPrev - f <= s.relTol * f ? stalls + 1 : 0;
    fPrev = f;
    return stalls >= 3;
  };
  while (iterations < s.maxIterations) {
    throwIfAborted(opts.signal);
    const u = x.map((v, j) => v * d[j]);
    const r = lbfgs(fgScaled, u, {
      onIteration,
      maxIterations: Math.min(chunk, s.maxIterations - iterations),
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
    progress(0.5 + (0.5 * iterations) / s.maxIterations, 'L-BFGS', r.f);
    if (opts.signal?.aborted) throw new AbortError();
    if (r.reason !== 'max-iterations') break;
    await yieldToEventLoop();
  }
  const f = loss.evaluate(x, null, project);
  return { theta: full(loss, x, project), loss: f, adamSteps, iterations, evaluations, reason };
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
function full(loss: BankLoss, x: Float64Array, project: boolean): Float64Array {
  if (project) {
    loss.evaluate(x, null, true);
    return loss.theta.slice();
  }
  return x.slice();
}

/** Fits the bank to the uniformly sampled window (t, y). */
export async function fitBank(t: Float64Array, y: Float64Array[], dt: number, s: BankFitSettings, opts: FitOptions): Promise<BankFitResult> {
  const lay = new BankLayout(s.oscillators, y.length);
  const N = t.length;
  const lossOpts = { nonlinear: s.nonlinear, substeps: s.substeps };
  const rng = new Rng(opts.seed);
  const nHead = Math.round((1 - s.holdout) * N);
  const useHoldout = s.restarts > 1 && nHead >= 8 * s.oscillators && N - nHead >= 2;
  const stages = useHoldout ? s.restarts + 1 : 1;
  let stage = 0;
  const progress = (label: string) => (fraction: number, what: string, l: number) =>
    opts.onProgress?.({ fraction: (stage + fraction) / stages, stage: `${label}: ${what}`, loss: l });

  const tailNrmse: number[] = [];
  let chosen = 0;
  let start: Float64Array;
  let totals = { adamSteps: 0, iterations: 0, evaluations: 0 };
  if (useHoldout) {
    const head = new BankLoss(lay, y.map((c) => c.subarray(0, nHead)), dt, lossOpts);
    const whole = new BankLoss(lay, y, dt, lossOpts);
    const pure = espritStart(lay, t, y, nHead, s.nonlinear);
    const fits: Float64Array[] = [];
    for (let r = 0; r < s.restarts; r++) {
      const theta0 = r === 0 ? pure : perturb(lay, pure, rng.fork(), s.perturbation);
      let score = Infinity;
      try {
        const one = await fitOne(head, theta0, s, opts, progress(`restart ${r + 1}/${s.restarts}`));
        totals = add(totals, one);
        fits.push(one.theta);
        score = tailError(whole, one.theta, nHead);
      } catch (e) {
        if (!(e instanceof DivergenceError)) throw e;
        fits.push(theta0);
      }
      tailNrmse.push(score);
      if (score < tailNrmse[chosen]) chosen = r;
      stage++;
    }
    start = fits[chosen];
  } else {
    start = espritStart(lay, t, y, N, s.nonlinear);
  }
  const loss = new BankLoss(lay, y, dt, lossOpts);
  const one = await fitOne(loss, start, s, opts, progress('full window'));
  totals = add(totals, one);
  opts.onProgress?.({ fraction: 1, stage: 'done', loss: one.loss });
  return {
    lay,
    theta: one.theta,
    loss: one.loss,
    info: { tailNrmse, chosen, adamSteps: totals.adamSteps, lbfgsIterations: totals.iterations, lbfgsEvaluations: totals.evaluations, reason: one.reason },
  };
}

function add(a: { adamSteps: number; iterations: number; evaluations: number }, b: OneFit) {
  return { adamSteps: a.adamSteps + b.adamSteps, iterations: a.iterations + b.iterations, evaluations: a.evaluations + b.evaluations };
}

/** NRMSE (averaged over channels, scaled by the whole window's spread) of samples ≥ nHead, W and b kept. */
function tailError(whole: BankLoss, theta: Float64Array, nHead: number): number {
  whole.evaluate(theta, null, false);
  return whole.segmentNrmse(nHead, whole.N);
}
