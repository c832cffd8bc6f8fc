/**
 * The conservation audit: roll a fitted model out from test initial conditions and measure
 * how well it keeps a quantity the physics conserves (the reference systems declare theirs as
 * `invariants`, systems/base.ts). The talk's point, and the Hamiltonian network papers'
 * (Greydanus et al. 2019, Cranmer et al. 2020): a black box that predicts derivatives well
 * can still let the energy drift, and only a rollout shows it. Browser-safe.
 *
 * - `energyMse`: the mean over starts and times of (E(model state) − E(true state))²; for a
 *   conservative system the true E is its value at the start, unless the caller gives the
 *   measured one (a real, slightly damped pendulum).
 * - `energyDrift`: per start the largest |E(t) − E(t₀)| / |E(t₀)| of the model's own rollout
 *   over the horizon, averaged over the starts.
 * A rollout the solver cannot finish (a learned field that blows up, or a Lagrangian network
 * whose ∂²L/∂q̇² turns singular on the way) is counted in `failedStarts` and left out of both
 * means; NaN when every start failed.
 */
import { ConfigError, DivergenceError, SolverError } from '../core/errors.js';
import type { Fitted } from '../models/base.js';
import type { Invariant } from '../systems/base.js';

export interface EnergyAuditOptions {
  /** The conserved quantity, a function of the model's state (in `describe().state` order). */
  invariant: Invariant;
  /** Initial states of the test rollouts. */
  starts: readonly Float64Array[];
  /** Start time of every rollout. */
  t0: number;
  /** Times of every rollout (> t0, increasing). */
  times: Float64Array;
  /**
   * The true invariant along start k's trajectory at `times`, where it is not constant (measured
   * data). Default: the invariant's value at the start, at every time.
   */
  reference?(k: number): Float64Array;
}

export interface EnergyAudit {
  energyMse: number;
  energyDrift: number;
  /** Starts whose rollout the solver could not finish (NaN curves; not in the means). */
  failedStarts: number;
  /** The invariant over time, per start, for figures: the model's and the reference. */
  curves: { t: Float64Array; model: Float64Array[]; reference: Float64Array[] };
}

/** Audits `rollout` (a model's trajectory from any state) against `invariant`; see the module comment. */
export function energyAudit(rollout: NonNullable<Fitted['rollout']>, opts: EnergyAuditOptions): EnergyAudit {
  const { invariant, starts, t0, times } = opts;
  if (starts.length === 0) throw new ConfigError('needs at least one initial state', 'starts');
  if (times.length === 0) throw new ConfigError('needs at least one time', 'times');
  let sq = 0;
  let drift = 0;
  let failed = 0;
  const model: Float64Array[] = [];
  const reference: Float64Array[] = [];
  starts.forEach((y0, k) => {
    const e0 = invariant.value(y0);
    const ref = opts.reference ? opts.reference(k) : new Float64Array(times.length).fill(e0);
    const e = new Float64Array(times.length);
    let traj: Float64Array[];
    try {
      traj = rollout(y0, t0, times);
    } catch (err) {
      if (!(err instanceof SolverError || err instanceof DivergenceError)) throw err;
      failed++;
      model.push(e.fill(NaN));
      reference.push(ref);
      return;
    }
    const state = new Float64Array(traj.length);
    let worst = 0;
    for (let i = 0; i < times.length; i++) {
      for (let d = 0; d < traj.length; d++) state[d] = traj[d][i];
      e[i] = invariant.value(state);
      sq += (e[i] - ref[i]) ** 2;
      worst = Math.max(worst, Math.abs(e[i] - e0) / Math.abs(e0));
    }
    drift += worst;
    model.push(e);
    reference.push(ref);
  });
  const done = starts.length - failed;
  return { energyMse: done ? sq / (done * times.length) : NaN, energyDrift: done ? drift / done : NaN, failedStarts: failed, curves: { t: times, model, reference } };
}

/** The audit of a fitted model; a ConfigError when its family cannot roll out from an arbitrary state. */
export function auditFitted(fitted: Fitted, opts: EnergyAuditOptions): EnergyAudit {
  if (!fitted.rollout) throw new ConfigError(`${fitted.family} cannot roll out from a given state, so no conservation audit applies`, 'model');
  return energyAudit(fitted.rollout.bind(fitted), opts);
}
