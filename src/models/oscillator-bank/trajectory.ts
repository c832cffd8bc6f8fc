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
export function bankFastPath(lay: BankLayout, opts: BankPathOptions): TrajectoryFastPath {
  const h = opts.dt / opts.substeps;
  return {
    loss(data: TrajectoryData) {
      const { t } = data;
      // The propagator steps τ_n = n·dt from the first sample: the data must be that grid.
      const t0 = data.t0 ?? t[0];
      for (let i = 0; i < t.length; i++) {
        if (Math.abs(t[i] - t0 - i * opts.dt) > 1e-9 * Math.max(1, Math.abs(t[i]))) {
          throw new ConfigError(`the bank's fast path needs samples at t0 + n·dt (dt = ${opts.dt}); t[${i}] = ${t[i]}`, 'data');
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
