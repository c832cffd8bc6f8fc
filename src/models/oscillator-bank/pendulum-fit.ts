/**
 * The pendulum bank's global strategy: several coupled starts built by harmonic balance from
 * the window's ESPRIT modes with a common, heavy start damping, each fitted by Gauss–Newton
 * (Levenberg–Marquardt) on the whole window, the lowest-ℓ one polished on.
 *
 * Where the plain ESPRIT-start fit fails (measured on `lawful demo --nonlinear`'s signal,
 * K = 4, clean: in-window NRMSE 0.008, beyond 1.47):
 * - the start: ESPRIT of K modes (with K extra) mistakes the sin's combination tones for modes
 *   (decays of 1.4 and −0.2 on the demo); 2K extra pairs give the four true peaks;
 * - the basis: the uncoupled (modal) start is one member of a family of banks with the same
 *   linearisation, and its couplings of 1e-4 are frozen by softplus's slope; the pendulum
 *   bank's optimum is coupled (coupled-start.ts);
 * - the optimiser: L-BFGS stalls at in-window NRMSE 4e-3 – 3e-2 in this ill-conditioned valley,
 *   where Levenberg–Marquardt reaches 1e-4 from the same starts;
 * - the frequencies: a weak mode riding on strong ones swings slower by J0 of their amplitudes
 *   (coupled-start.ts's harmonic balance): at the true couplings the start's window NRMSE is
 *   0.045 where the previous per-oscillator shift 1/(1 − a²/16) gave 0.18;
 * - the decays: ESPRIT's decays of the nonlinear signal are not the bank's (on the demo 0.083,
 *   0.022, −0.041, −0.023 for true ≈ 0.02 each: amplitude beats of modes and combination
 *   tones), so every start gets the same decay START_DECAY / window instead.
 * Measured on the demo (K = 4, clean, `npx tsx test/cli/lawful.ts demo --nonlinear`): the
 * previous strategy (ESPRIT decays, 1/(1 − a²/16), a horizon continuation 30% → 60% → all)
 * reached beyond-window NRMSE 0.095; this one 0.020, with the fitted damping within 10% of
 * the truth's. What did not help, measured on the same signal: multiple shooting (10
 * segments, continuity weights 1 → 100, then single shooting) from the ESPRIT starts ended at
 * 0.27–0.67, as the single-shooting fits did: the minima are not aliased phases but a long,
 * nearly flat valley of coupled bases (twelve random coupling patterns: 0.22–2.5; a start at
 * the true couplings but ESPRIT's modes: 0.34); perturbing and re-polishing the best fit
 * (basin hopping) lowers ℓ 1.6e-8 → 2.2e-9 while its forecast worsens 0.095 → 0.22; the
 * horizon continuation with these starts: 0.20. Not solved: other initial phases of the same
 * system (modePhases [0.5, 2, 1, 0]: 0.60, the previous strategy 0.36), noise (5%: 1.7).
 */
import { throwIfAborted } from '../../core/errors.js';
import type { FitOptions } from '../base.js';
import { SingularMatrixError } from '../../core/linalg.js';
import { esprit } from '../spectral/esprit.js';
import type { EspritResult } from '../spectral/esprit.js';
import type { OscillatorBankConfig } from './config.js';
import { coupledStart } from './coupled-start.js';
import { BankLevenbergMarquardt } from './levenberg-marquardt.js';
import type { BankLoss } from './loss.js';
import { full } from './optimise.js';
import { startFromModes } from './params.js';
import type { BankLayout } from './params.js';

/** LM iterations given to each start on the whole window before the starts are compared. */
const SCREEN_ITERATIONS = 40;
/** LM stops when a step gains less than this fraction of ℓ (Gauss–Newton phase over). */
const LM_REL_TOL = 1e-4;
/**
 * The coupled starts' common modal decay times the window's length: each start's modes fall
 * to e^{−0.8} ≈ 45% over the window. Demo, K = 4 (true σ·T ≈ 0.2), beyond-window NRMSE by
 * this value: 0.2 → 0.049, 0.4 → 0.083, 0.5 → 0.021, 0.8 → 0.020, 1.2 → 0.016. Presumably a
 * start that dies out earlier than the data lets the fit match the window's beginning, where
 * every start is closest, before its end (what the horizon continuation did by hand).
 */
const START_DECAY = 0.8;
/** Cap on the whole-window LM's Jacobians (each costs one simulation per dynamic parameter). */
const FINAL_ITERATIONS = 100;
/** Headroom on the bank's fastest eigenvalue for the Jacobian's decimation (the fit may speed up). */
const FASTEST_MARGIN = 1.5;
/**
 * A cancelling candidate is still kept when its ℓ is below this fraction of every other's:
 * with 8 pendulums seen as one sum (`lawful demo --nonlinear --oscillators 8`), the coupled
 * starts' fits carry weak modes with large angles (ratio > 4) and fit the window to NRMSE
 * 0.002–0.008, while the only non-cancelling candidate ended at 0.375; a too-small bank's
 * cancelling beat (fit.ts) fits only a few percent better than its honest fits.
 */
const CANCELLING_EXCUSE = 1e-2;
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

/**
 * ESPRIT of K modes with 2K extra pairs (at least 8), or K, or none where the amplitudes'
 * least squares of the larger model is singular (demo with 8 pendulums observed as one sum:
 * 24 pairs on its 1001 samples leave dependent columns).
 */
function espritWithExtra(K: number, t: Float64Array, y: Float64Array[]): EspritResult {
  const extras = [Math.max(2 * K, 8), K, 0];
  for (let k = 0; ; k++) {
    try {
      return esprit(t, y, { order: K, offset: true, extra: extras[k] });
    } catch (e) {
      if (!(e instanceof SingularMatrixError) || k === extras.length - 1) throw e;
    }
  }
}

/** The starts: the uncoupled ESPRIT start, then one damped harmonic-balance start per level of `startCouplings`. */
function starts(lay: BankLayout, t: Float64Array, y: Float64Array[], n: number, couplings: number[]): Float64Array[] {
  const est = espritWithExtra(lay.K, t.subarray(0, n), y.map((c) => c.subarray(0, n)));
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
  const span = t[n - 1] - t[0];
  const damped = est.modes.map((m) => ({ ...m, decay: START_DECAY / span }));
  const out = [startFromModes(lay, est.modes, est.offset, undefined, true)];
  for (const c of couplings) {
    const th = coupledStart(lay, damped, est.offset, new Float64Array(lay.nPairs).fill(c), true, ref, span);
    if (th) out.push(th);
  }
  return out;
}

/**
 * Fits the pendulum bank: each start polished by SCREEN_ITERATIONS Levenberg–Marquardt steps
 * on the whole window, the lowest-ℓ non-cancelling one (or a cancelling one with ℓ below
 * CANCELLING_EXCUSE of it) polished on for at most
 * `maxIterations` (≤ FINAL_ITERATIONS) Jacobians. The first `nHead` samples (the first (1 − holdout) of the window) only set what
 * `tailNrmse` reports (each candidate's error on the rest), for the record: measured on
 * the demo signal, the tail after a head-only screen did not tell the starts apart (0.90, 0.92,
 * 1.58, and its pick ended at beyond-window NRMSE 2.9), while the whole-window ℓ after the screen
 * ranks them as their extrapolation does (ℓ 1.2e-4 → beyond 0.18; 2.8e-4 → 0.37).
 */
export async function fitPendulumBank(
  nHead: number,
  whole: BankLoss,
  t: Float64Array,
  y: Float64Array[],
  s: OscillatorBankConfig,
  opts: FitOptions,
): Promise<PendulumFitResult> {
  const lay = whole.lay;
  const project = s.observation === 'projected';
  const cands = starts(lay, t, y, whole.N, s.startCouplings);
  const tailNrmse: number[] = [];
  let chosen = -1;
  let bestLoss = Infinity;
  let picked = cands[0];
  let bold = { r: -1, loss: Infinity, theta: cands[0] };
  let iterations = 0;
  let evaluations = 0;
  const stages = cands.length + 1;
  for (let r = 0; r < cands.length; r++) {
    throwIfAborted(opts.signal);
    const th = full(whole, cands[r].slice(0, project ? lay.nDynamic : lay.size), project);
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
    if (cancelling && l < bold.loss) bold = { r, loss: l, theta: th };
    opts.onProgress?.({ fraction: (r + 1) / stages, stage: `pendulum start ${r + 1}/${cands.length}`, loss: l });
    // Let progress bars and abort signals through between starts.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throwIfAborted(opts.signal);
  if (bold.loss < CANCELLING_EXCUSE * bestLoss) {
    chosen = bold.r;
    picked = bold.theta;
  }
  const theta = picked.slice();
  const lm = new BankLevenbergMarquardt(whole, FASTEST_MARGIN * BankLevenbergMarquardt.fastest(lay, theta)).polish(theta, Math.min(s.maxIterations, FINAL_ITERATIONS), LM_REL_TOL);
  iterations += lm.iterations;
  evaluations += lm.evaluations;
  const loss = whole.evaluate(theta, null, false);
  return { lay, theta, loss, tailNrmse, chosen: Math.max(chosen, 0), iterations, evaluations, reason: lm.converged ? 'levenberg-marquardt' : 'max-iterations' };
}
