/**
 * Adversarial probes of a fitted model through its public contract (issue 12, docs/audit.md):
 * how much worse does the forecast beyond the window get when what it is conditioned on —
 * the context series `Fitted.forecast` reads — is perturbed by at most ε × each channel's
 * standard deviation at every sample (an L∞ ball)?
 *
 * The model is fitted once; only forecasts are repeated. For each ε: `directions` random sign
 * perturbations (Rademacher, seeded) are scored, and their changes of the beyond-window NRMSE
 * per unit ε, over every radius probed so far, give a simultaneous-perturbation estimate of its gradient in the context (Spall 1992), whose
 * sign is the projected-gradient (FGSM) step to the ball's corner; the worst of all of them (and
 * of the clean context, which every ball holds) is reported. That is a lower bound on the true worst case, found with |eps|·(directions + 1)
 * forecast calls (one, when the first shows that the forecast ignores its context). Browser-safe.
 */
import { Rng } from '../core/rng.js';
import type { Series } from '../data/series.js';
import type { Fitted } from '../models/base.js';
import { channelErrors, std, validPredictionTime } from './metrics.js';

/** Perturbation radii, as fractions of each channel's standard deviation over the context. */
export const ADVERSARIAL_EPS: readonly number[] = [0.01, 0.03, 0.1];
/**
 * Random sign perturbations per radius (each also feeds the gradient estimate, pooled over
 * the radii). Two: a forecast of the demo's LSTM (hidden 64) through 1000 context and 2000
 * forecast steps took 4.3 s on the shared machine, so the 21 calls of six directions added
 * 93 s to its evaluation; two make 9 calls.
 */
export const ADVERSARIAL_DIRECTIONS = 2;

/** `metrics.adversarial`: what the probe found. */
export interface AdversarialProbe {
  /** The radii ε, relative to each channel's standard deviation over the context. */
  eps: number[];
  /** Per ε, the largest beyond-window NRMSE found within the ball. */
  nrmseOut: number[];
  /** Per ε, the mean beyond-window NRMSE of the random sign perturbations: what noise of that size does. */
  randomNrmseOut: number[];
  /** Per ε, the valid prediction time of the worst perturbation found. */
  validPredictionTime: number[];
  /** The smallest ε of the grid whose worst perturbation halves the valid prediction time (its lead beyond the window); null if none does. */
  epsHalvingVpt: number | null;
  /** Largest deviation of a perturbed forecast from the clean one, in channel standard deviations, per unit ε (max over everything probed). */
  amplification: number;
  /** Whether the forecast depends on the context at all (state-space families forecast from their fitted initial state). */
  conditioned: boolean;
  /** Forecast calls the probe made. */
  forecasts: number;
}

export interface AdversarialOptions {
  eps?: readonly number[];
  directions?: number;
  seed?: number;
  /** Running-NRMSE threshold of the valid prediction time. Default 0.2. */
  threshold?: number;
}

/**
 * Probes `fitted` by perturbing `context` and forecasting at `times` again.
 *
 * @param clean the unperturbed forecast's mean at `times` (per channel)
 * @param truth what the forecast is scored against at `times` (per channel)
 * @param scale each channel's standard deviation over the training window (the NRMSE's divisor)
 */
export function adversarialProbe(fitted: Fitted, context: Series, times: Float64Array, clean: Float64Array[], truth: Float64Array[], scale: number[], opts: AdversarialOptions = {}): AdversarialProbe {
  return adversarialAttack(fitted, context, times, clean, truth, scale, opts).probe;
}

/** The worst perturbation the probe found at its largest radius, for the figure of the clean and the attacked forecast. */
export interface AdversarialAttack {
  /** The radius, relative to each channel's standard deviation over the context. */
  eps: number;
  /** The perturbed context, per channel on the context's clock (the clean one when no perturbation made the forecast worse). */
  context: Float64Array[];
  /** The forecast from it at the probed times, per channel. */
  forecast: Float64Array[];
  /** Its beyond-window NRMSE and valid prediction time. */
  nrmseOut: number;
  validPredictionTime: number;
}

/**
 * `adversarialProbe`, also returning the attack behind its worst case at the largest radius
 * (none when the forecast ignores its context). The unperturbed context lies in every ball,
 * so the worst case is never better than the clean forecast.
 */
export function adversarialAttack(
  fitted: Fitted,
  context: Series,
  times: Float64Array,
  clean: Float64Array[],
  truth: Float64Array[],
  scale: number[],
  opts: AdversarialOptions = {},
): { probe: AdversarialProbe; attack?: AdversarialAttack } {
  const eps = [...(opts.eps ?? ADVERSARIAL_EPS)].sort((a, b) => a - b);
  const R = opts.directions ?? ADVERSARIAL_DIRECTIONS;
  const threshold = opts.threshold ?? 0.2;
  const rng = new Rng(opts.seed ?? 0);
  const C = context.y.length;
  const n = times.length;
  const N = context.t.length;
  const sd = context.y.map((y) => std(y) || 1);
  const start = context.t[N - 1];
  let forecasts = 0;
  let amplification = 0;

  const score = (pred: Float64Array[]) => {
    // A perturbed forecast that left the finite numbers is infinitely wrong, as in evaluate.
    const p = pred.map((ch) => ch.map((v) => (Number.isFinite(v) ? v : Infinity)));
    const nrmse = channelErrors(truth, p, scale, 0, n).nrmse;
    // As in evaluate: a forecast whose error is not finite was never valid.
    return { nrmse, vpt: Number.isFinite(nrmse) ? validPredictionTime(times, truth, p, scale, 0, n, threshold) : times[0] };
  };
  /** Forecast from the context moved by e·sd_c·d (d: ±1 per channel and sample). */
  const attempt = (e: number, d: Int8Array[]) => {
    const y = context.y.map((ch, c) => ch.map((v, i) => v + e * sd[c] * d[c][i]));
    const pred = fitted.forecast(times, { t: context.t, y, names: context.names }).mean;
    forecasts++;
    let dev = 0;
    for (let c = 0; c < C; c++) for (let i = 0; i < n; i++) dev = Math.max(dev, Math.abs(pred[c][i] - clean[c][i]) / sd[c]);
    amplification = Math.max(amplification, Number.isNaN(dev) ? Infinity : dev / e);
    return { ...score(pred), dev, y, pred };
  };
  const randomSigns = () => Array.from({ length: C }, () => Int8Array.from({ length: N }, () => (rng.uniform() < 0.5 ? -1 : 1)));

  const base = score(clean);
  const lead = base.vpt - start;
  // One perturbation at the largest radius tells whether the context matters at all.
  const first = randomSigns();
  const probe = attempt(eps[eps.length - 1], first);
  if (probe.dev === 0) {
    const unconditioned: AdversarialProbe = {
      eps,
      nrmseOut: eps.map(() => base.nrmse),
      randomNrmseOut: eps.map(() => base.nrmse),
      validPredictionTime: eps.map(() => base.vpt),
      epsHalvingVpt: null,
      amplification: 0,
      conditioned: false,
      forecasts,
    };
    return { probe: unconditioned };
  }
  const unperturbed = { ...base, y: context.y.map((c) => c.slice()), pred: clean };
  const worst: (typeof unperturbed)[] = [];
  const random: number[] = [];
  // Simultaneous-perturbation gradient: Σ_r (f_r − f₀)/ε_r · d_r over every random draw so far; its sign is the step to the ball's corner.
  const grad = Array.from({ length: C }, () => new Float64Array(N));
  const accumulate = (e: number, d: Int8Array[], x: { nrmse: number }) => {
    const df = Number.isFinite(x.nrmse) ? (x.nrmse - base.nrmse) / e : 1e300;
    for (let c = 0; c < C; c++) for (let i = 0; i < N; i++) grad[c][i] += df * d[c][i];
  };
  for (const [k, e] of eps.entries()) {
    const last = k === eps.length - 1;
    const tried = Array.from({ length: R }, (_, r) => {
      const d = r === 0 && last ? first : randomSigns();
      const x = r === 0 && last ? probe : attempt(e, d);
      accumulate(e, d, x);
      return x;
    });
    random.push(tried.reduce((s, x) => s + x.nrmse, 0) / R);
    const step = attempt(e, grad.map((g) => Int8Array.from(g, (v) => (v < 0 ? -1 : 1))));
    worst.push([unperturbed, ...tried, step].reduce((a, b) => (b.nrmse > a.nrmse || Number.isNaN(a.nrmse) ? b : a)));
  }
  const halving = eps.findIndex((_, k) => lead > 0 && worst[k].vpt - start <= 0.5 * lead);
  const top = worst[worst.length - 1];
  const attack: AdversarialAttack = { eps: eps[eps.length - 1], context: top.y, forecast: top.pred, nrmseOut: top.nrmse, validPredictionTime: top.vpt };
  const result: AdversarialProbe = {
    eps,
    nrmseOut: worst.map((w) => w.nrmse),
    randomNrmseOut: random,
    validPredictionTime: worst.map((w) => w.vpt),
    epsHalvingVpt: halving >= 0 ? eps[halving] : null,
    amplification,
    conditioned: true,
    forecasts,
  };
  return { probe: result, attack };
}
