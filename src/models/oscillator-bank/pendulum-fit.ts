/**
 * The pendulum bank's global strategy: several starts in the oscillator basis, each fitted by
 * Gauss–Newton (Levenberg–Marquardt) with continuation in the horizon (30%, 60%, then all of
 * the window), the best on the whole window polished on.
 *
 * Where the ESPRIT-start fit fails (measured on `lawful demo --nonlinear`'s signal, K = 4,
 * clean: in-window NRMSE 0.008, beyond 1.47):
 * - the start: ESPRIT of K modes (with K extra) mistakes the sin's combination tones for modes
 *   (decays of 1.4 and −0.2 on the demo); 2K extra pairs give the four true peaks;
 * - the basis: the uncoupled (modal) start is one member of a family of banks with the same
 *   linearisation, and its couplings of 1e-4 are frozen by softplus's slope; the pendulum
 *   bank's optimum is coupled (coupled-start.ts);
 * - the optimiser: L-BFGS stalls at in-window NRMSE 4e-3 – 3e-2 in this ill-conditioned valley,
 *   where Levenberg–Marquardt reaches 1e-4 from the same starts.
 * - the landscape: from one start, fits end in different local minima at in-window NRMSE
 *   ~1e-4 whose forecasts part beyond the window; the horizon continuation (HORIZONS) helps.
 * Together (this file): beyond-window NRMSE 1.47 → 0.095, VPT 10.9 → 30 (the end). The issue's
 * 0.05 is not reached: local minima at in-window ~1e-4 remain (a start within 2% of the
 * truth's parameters reaches 0.008 beyond, so the pendulum bank can; multiple shooting is the
 * next strategy to try).
 */
import { throwIfAborted } from '../../core/errors.js';
import type { FitOptions } from '../base.js';
import { esprit } from '../spectral/esprit.js';
import type { OscillatorBankConfig } from './config.js';
import { coupledStart } from './coupled-start.js';
import { BankLevenbergMarquardt } from './levenberg-marquardt.js';
import type { BankLoss } from './loss.js';
import { full } from './optimise.js';
import { startFromModes } from './params.js';
import type { BankLayout } from './params.js';

/** LM iterations given to each start on each horizon before the starts are compared. */
const SCREEN_ITERATIONS = 40;
/** LM stops when a step gains less than this fraction of ℓ (Gauss–Newton phase over). */
const LM_REL_TOL = 1e-4;
/**
 * Continuation in the horizon: each start is first fitted on these fractions of the window,
 * then on all of it. Short windows hold fewer cycles, so a start's frequency errors cost less
 * phase and the early fits find the basin the whole window's fit then deepens (demo, K = 4:
 * beyond-window NRMSE 0.176 without, 0.095 with [0.3, 0.6]; [0.5] gave 0.30 and [0.2, 0.4, 0.7]
 * 0.25 — the landscape is rugged, this is the best of the ladders tried).
 */
const HORIZONS = [0.3, 0.6];
/** Cap on the whole-window LM's Jacobians (each costs one simulation per dynamic parameter). */
const FINAL_ITERATIONS = 100;
/** Headroom on the bank's fastest eigenvalue for the Jacobian's decimation (the fit may speed up). */
const FASTEST_MARGIN = 1.5;
/** Contribution ratio above which a candidate counts as cancelling (as in fit.ts). */
const CANCELLING_RATIO = 4;

export interface PendulumFitResult {
  lay: BankLayout;
  theta: Float64Array;
  loss: number;
  tailNrmse: number[];
  chosen: number;
  iterations: number;
  evaluations: number;
  reason: string;
}

/** The starts: the uncoupled ESPRIT start, then one coupled start per level of `startCouplings`. */
function starts(lay: BankLayout, t: Float64Array, y: Float64Array[], n: number, couplings: number[]): Float64Array[] {
  const est = esprit(
    t.subarray(0, n),
    y.map((c) => c.subarray(0, n)),
    { order: lay.K, offset: true, extra: Math.max(2 * lay.K, 8) },
  );
  // The reference channel: the one with the largest spread (its W is 1 in the coupled starts).
  let ref = 0;
  let best = -1;
  y.forEach((c, k) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, c[i]);
      hi = Math.max(hi, c[i]);
    }
    if (hi - lo > best) {
      best = hi - lo;
      ref = k;
    }
  });
  const out = [startFromModes(lay, est.modes, est.offset, undefined, true)];
  for (const c of couplings) {
    const th = coupledStart(lay, est.modes, est.offset, new Float64Array(lay.nPairs).fill(c), true, ref);
    if (th) out.push(th);
  }
  return out;
}

/**
 * Fits the pendulum bank: each start polished by SCREEN_ITERATIONS Levenberg–Marquardt steps
 * on each horizon (`lossOn(n)`: the loss on the first n samples) and on the whole window, the
 * lowest-ℓ non-cancelling one polished on for at most `maxIterations` (≤ FINAL_ITERATIONS)
 * Jacobians. The first `nHead` samples (the first (1 − holdout) of the window) only set what
 * `tailNrmse` reports (each candidate's error on the rest), for the record: measured on
 * the demo signal, the tail after a head-only screen did not tell the starts apart (0.90, 0.92,
 * 1.58, and its pick ended at beyond-window NRMSE 2.9), while the whole-window ℓ after the screen
 * ranks them as their extrapolation does (ℓ 1.2e-4 → beyond 0.18; 2.8e-4 → 0.37).
 */
export async function fitPendulumBank(
  lossOn: (n: number) => BankLoss,
  nHead: number,
  whole: BankLoss,
  t: Float64Array,
  y: Float64Array[],
  s: OscillatorBankConfig,
  opts: FitOptions,
): Promise<PendulumFitResult> {
  const lay = whole.lay;
  const ladder = HORIZONS.map((f) => lossOn(Math.round(f * whole.N)));
  const project = s.observation === 'projected';
  const cands = starts(lay, t, y, whole.N, s.startCouplings);
  const tailNrmse: number[] = [];
  let chosen = -1;
  let bestLoss = Infinity;
  let picked = cands[0];
  let iterations = 0;
  let evaluations = 0;
  const stages = cands.length + 1;
  for (let r = 0; r < cands.length; r++) {
    throwIfAborted(opts.signal);
    let th = cands[r];
    for (const part of ladder) {
      th = full(part, th.slice(0, project ? lay.nDynamic : lay.size), project);
      const lp = new BankLevenbergMarquardt(part, FASTEST_MARGIN * BankLevenbergMarquardt.fastest(lay, th)).polish(th, SCREEN_ITERATIONS, LM_REL_TOL);
      iterations += lp.iterations;
      evaluations += lp.evaluations;
    }
    th = full(whole, th.slice(0, project ? lay.nDynamic : lay.size), project);
    const lm = new BankLevenbergMarquardt(whole, FASTEST_MARGIN * BankLevenbergMarquardt.fastest(lay, th)).polish(th, SCREEN_ITERATIONS, LM_REL_TOL);
    iterations += lm.iterations;
    evaluations += lm.evaluations;
    const l = whole.evaluate(th, null, false);
    const cancelling = whole.contributionRatio() > CANCELLING_RATIO;
    tailNrmse.push(whole.segmentNrmse(nHead, whole.N));
    if (!cancelling && l < bestLoss) {
      bestLoss = l;
      chosen = r;
      picked = th;
    }
    opts.onProgress?.({ fraction: (r + 1) / stages, stage: `pendulum start ${r + 1}/${cands.length}`, loss: l });
    // Let progress bars and abort signals through between starts.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throwIfAborted(opts.signal);
  const theta = picked.slice();
  const lm = new BankLevenbergMarquardt(whole, FASTEST_MARGIN * BankLevenbergMarquardt.fastest(lay, theta)).polish(theta, Math.min(s.maxIterations, FINAL_ITERATIONS), LM_REL_TOL);
  iterations += lm.iterations;
  evaluations += lm.evaluations;
  const loss = whole.evaluate(theta, null, false);
  return { lay, theta, loss, tailNrmse, chosen: Math.max(chosen, 0), iterations, evaluations, reason: lm.converged ? 'levenberg-marquardt' : 'max-iterations' };
}
