/**
 * The generic path of a trajectory model: z from `solveWithAdjoint` with any solver of the
 * registry, the loss of base.ts on the observations, and its gradient with respect to all of
 * θ (term parameters, z₀, observation parameters) from one backward pass of the discrete
 * adjoint. Every buffer but the solver's tape is allocated once, here.
 */
import { ConfigError, SolverError } from '../../core/errors.js';
import { solveWithAdjoint } from '../../ode/adjoint.js';
import type { AdjointSolution } from '../../ode/adjoint.js';
import { solve } from '../../ode/solve.js';
import type { Solution, SolveOptions } from '../../ode/types.js';
import { thetaBlocks, channelWeights } from './base.js';
import type { SolverSettings, TrajectoryData, TrajectoryLayout, TrajectoryModel, TrajectoryPath, TrajectorySimulator } from './base.js';
import { checkTrajectoryModel } from './layout.js';

/** The solve options of `settings` (defaults filled in) for the model's term from t0 to t1. */
export function solveOptions(model: TrajectoryModel, settings: SolverSettings, t0: number, t1: number, theta: Float64Array, saveAt: Float64Array): SolveOptions {
  const b = thetaBlocks(model.layout, theta);
  return {
    term: model.term,
    solver: settings.solver ?? 'dopri5',
    t0,
    t1,
    y0: b.z0,
    theta: b.term,
    saveAt,
    dt: settings.dt,
    rtol: settings.rtol ?? 1e-8,
    atol: settings.atol ?? 1e-10,
    maxSteps: settings.maxSteps,
  };
}

/** ℓ and ∇ℓ of base.ts through `solveWithAdjoint`. */
export class AdjointPath implements TrajectoryPath {
  private readonly t0: number;
  private readonly t1: number;
  private readonly weight: Float64Array;
  private readonly yHat: Float64Array;
  private readonly gyHat: Float64Array;
  private readonly gZ: Float64Array;
  private readonly gPhi: Float64Array;

  constructor(
    readonly model: TrajectoryModel,
    readonly data: TrajectoryData,
    readonly settings: SolverSettings = {},
  ) {
    checkTrajectoryModel(model);
    const { t, y } = data;
    const C = model.observation.channels;
    if (y.length !== C) throw new ConfigError(`has ${y.length} channels; the observation gives ${C}`, 'data');
    if (t.length < 1) throw new ConfigError('has no samples', 'data');
    y.forEach((ch, c) => {
      if (ch.length !== t.length) throw new ConfigError(`channel ${c} has ${ch.length} values for ${t.length} times`, 'data');
    });
    this.t0 = data.t0 ?? t[0];
    this.t1 = t[t.length - 1];
    if (!(t[0] >= this.t0)) throw new ConfigError(`the first time ${t[0]} lies before t0 = ${this.t0}`, 'data');
    this.weight = channelWeights(y);
    this.yHat = new Float64Array(C);
    this.gyHat = new Float64Array(C);
    this.gZ = new Float64Array(t.length * model.term.dim);
    this.gPhi = new Float64Array(model.observation.nParams);
  }

  lossAndGrad(theta: Float64Array, grad: Float64Array | null): number {
    const { model, data, weight, yHat, gyHat, gZ, gPhi } = this;
    const { layout, observation } = model;
    const n = model.term.dim;
    const N = data.t.length;
    const C = observation.channels;
    const opts = solveOptions(model, this.settings, this.t0, this.t1, theta, data.t);
    let sol: Solution;
    let adjoint: AdjointSolution | null = null;
    try {
      sol = grad ? (adjoint = solveWithAdjoint(opts)) : solve(opts);
    } catch (e) {
      // A trajectory that blows up is a point the optimiser must back away from, not a crash.
      if (e instanceof SolverError) {
        grad?.fill(0);
        return Infinity;
      }
      throw e;
    }
    const phi = thetaBlocks(layout, theta).observation;
    if (grad) {
      gZ.fill(0);
      gPhi.fill(0);
    }
    let loss = 0;
    for (let s = 0; s < N; s++) {
      const z = sol.y.subarray(s * n, (s + 1) * n);
      observation.observe(z, phi, yHat);
      for (let c = 0; c < C; c++) {
        const r = yHat[c] - data.y[c][s];
        loss += weight[c] * r * r;
        gyHat[c] = 2 * weight[c] * r;
      }
      if (grad) observation.vjp(z, phi, gyHat, gZ.subarray(s * n, (s + 1) * n), gPhi);
    }
    if (!Number.isFinite(loss)) {
      grad?.fill(0);
      return Infinity;
    }
    if (grad && adjoint) {
      const { dTheta, dY0 } = adjoint.backward(gZ);
      blockGradient(layout, grad, dTheta, dY0, gPhi);
    }
    return loss;
  }
}

/** ∇ℓ in θ from the gradients of its three blocks (added where blocks overlap; zero for frozen ones). */
export function blockGradient(layout: TrajectoryLayout, grad: Float64Array, term: Float64Array, z0: Float64Array, observation: Float64Array): void {
  grad.fill(0);
  const frozen = layout.frozen ?? [];
  const add = (name: 'term' | 'z0' | 'observation', g: Float64Array) => {
    if (frozen.includes(name)) return;
    const at = layout[name].offset;
    for (let i = 0; i < g.length; i++) grad[at + i] += g[i];
  };
  add('term', term);
  add('z0', z0);
  add('observation', observation);
}

/** Free-running simulation through `solve` (forwards from t0 only). */
export function adjointSimulator(model: TrajectoryModel, t0: number, settings: SolverSettings = {}): TrajectorySimulator {
  checkTrajectoryModel(model);
  return {
    simulate(theta, times) {
      const C = model.observation.channels;
      const n = model.term.dim;
      const out = Array.from({ length: C }, () => new Float64Array(times.length));
      if (times.length === 0) return out;
      if (!(times[0] >= t0)) throw new ConfigError(`time ${times[0]} lies before t0 = ${t0}; the solver integrates forwards only`, 'times');
      const sol = solve(solveOptions(model, settings, t0, times[times.length - 1], theta, times));
      const phi = thetaBlocks(model.layout, theta).observation;
      const y = new Float64Array(C);
      for (let k = 0; k < times.length; k++) {
        model.observation.observe(sol.y.subarray(k * n, (k + 1) * n), phi, y);
        for (let c = 0; c < C; c++) out[c][k] = y[c];
      }
      return out;
    },
  };
}
