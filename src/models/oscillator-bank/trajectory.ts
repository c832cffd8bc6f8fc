/**
 * The oscillator bank as a trajectory model (models/trajectory): its term (term.ts), its
 * observation y = W x + b of the K positions of z = [x, x′], its layout (params.ts: the term
 * reads the whole bank θ, z₀ and [W, b] are blocks of it) and its initial guess (the
 * ESPRIT start). Its fast path is the exact propagator (loss.ts: BankLoss) for the loss and
 * simulate.ts for simulation: the same ℓ, ∇ℓ and trajectories as the generic adjoint path up
 * to that path's solver error (test/models/trajectory.test.ts measures it).
 */
import { ConfigError } from '../../core/errors.js';
import type { TrajectoryData, TrajectoryFastPath, TrajectoryModel } from '../trajectory/base.js';
import { linearObservation } from '../trajectory/observation.js';
import { esprit } from '../spectral/esprit.js';
import { BankLoss } from './loss.js';
import type { BankLossOptions } from './loss.js';
import { startFromModes } from './params.js';
import type { BankLayout } from './params.js';
import { simulateBank } from './simulate.js';
import { linearBankTerm, pendulumBankTerm } from './term.js';

/** How the bank's fast path samples: `dt` the data step, and the pendulum bank's RK4 substeps. */
export interface BankPathOptions extends BankLossOptions {
  /** Sampling step of the data (uniform), unit of t. */
  dt: number;
}

/** The bank's fast path: BankLoss on uniformly sampled data, simulateBank for forecasts. */
export interface BankFastPath extends TrajectoryFastPath {
  /** The exact-propagator loss (with the bank's extras: projection, residuals, penalty) on `data`. */
  loss(data: TrajectoryData): BankLoss;
}

/** The bank's fast path for data sampled every `opts.dt`. */
export function bankFastPath(lay: BankLayout, opts: BankPathOptions): BankFastPath {
  const h = opts.dt / opts.substeps;
  return {
    loss(data: TrajectoryData) {
      const { t } = data;
      // The propagator steps τ_n = n·dt from the first sample: the data must lie on that grid
      // (to the tolerance data/series.ts's uniformStep accepts).
      if (data.t0 !== undefined && data.t0 !== t[0]) throw new ConfigError(`the bank's fast path starts at the first sample (${t[0]}); got t0 = ${data.t0}`, 'data');
      for (let i = 1; i < t.length; i++) {
        if (!(Math.abs(t[i] - t[i - 1] - opts.dt) <= 1e-6 * opts.dt)) {
          throw new ConfigError(`the bank's fast path needs samples at t0 + n·dt (dt = ${opts.dt}); t[${i}] − t[${i - 1}] = ${t[i] - t[i - 1]}`, 'data');
        }
      }
      return new BankLoss(lay, data.y, opts.dt, opts);
    },
    simulator(t0: number) {
      return {
        simulate(theta, times) {
          const tau = Float64Array.from(times, (v) => v - t0);
          return simulateBank(lay, theta, tau, opts.nonlinear, h);
        },
      };
    },
  };
}

/** The bank of `lay` as a trajectory model, with its fast path for data sampled every `dt`. */
export function bankTrajectoryModel(lay: BankLayout, opts: BankPathOptions): TrajectoryModel {
  const K = lay.K;
  return {
    term: opts.nonlinear ? pendulumBankTerm(lay) : linearBankTerm(lay),
    observation: linearObservation({ stateDim: 2 * K, channels: lay.C, observed: K }),
    layout: {
      size: lay.size,
      term: { offset: 0, length: lay.size },
      z0: { offset: lay.z0, length: 2 * K },
      observation: { offset: lay.W, length: lay.C * K + lay.C },
    },
    initialGuess(data) {
      const est = esprit(data.t, data.y, { order: K, offset: true });
      return startFromModes(lay, est.modes, est.offset, undefined, opts.nonlinear);
    },
    fastPath: bankFastPath(lay, opts),
  };
}
