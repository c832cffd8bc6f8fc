/**
 * Multiple shooting (Bock & Plitt 1984; in ODE fitting, e.g. van Domselaar & Hemker 1975):
 * the window cut into segments, each simulated from its own initial state, the misfit summed
 * over the segments plus a continuity penalty ρ·Σ_s ‖z_end(s) − z_start(s+1)‖² that ties
 * them together. A trajectory that must only last one segment cannot drift a whole period
 * from the data, so a long oscillatory series no longer pulls a fit to its mean or to an
 * aliased frequency.
 *
 * `shootingLoss` is the part every user shares — the equation family (equation-shooting.ts)
 * and trajectory models (`ShootingPath` below: the neural ODE and the UDE) — given how a
 * segment is solved and how one sample is scored.
 */
import { ConfigError, SolverError } from '../../core/errors.js';
import type { AdjointSolution } from '../../ode/adjoint.js';
import { solve, solveWithAdjoint } from '../../ode/solve.js';
import { channelWeights, thetaBlocks } from './base.js';
import type { SolverSettings, TrajectoryData, TrajectoryModel, TrajectoryPath } from './base.js';
import { blockGradient, solveOptions } from './adjoint-path.js';
import { checkTrajectoryModel } from './layout.js';

/** Sample index where each segment starts, and the last index (n − 1): segments share their boundary sample. */
export function segmentBounds(n: number, segments: number): number[] {
  const S = Math.max(1, Math.min(segments, Math.floor((n - 1) / 2)));
  return Array.from({ length: S + 1 }, (_, s) => Math.round((s * (n - 1)) / S));
}

/** What a shooting loss needs from its user. */
export interface ShootingRun {
  /** Sample times. */
  t: Float64Array;
  /** segmentBounds of the samples. */
  bounds: readonly number[];
  /** State dimension. */
  dim: number;
  /** ρ of the continuity penalty. */
  continuityWeight: number;
  /** The segment from `y0` over [t0, t1], states at `saveAt`, with its adjoint; may throw a SolverError. */
  solve(y0: Float64Array, t0: number, t1: number, saveAt: Float64Array): AdjointSolution;
  /**
   * Sample i's misfit at the state z: returns it, writes its gradient in z into `gz` (zeroed
   * before the call) and adds its direct gradient in the parameters wherever the user keeps it.
   */
  sample(i: number, z: Float64Array, gz: Float64Array): number;
}

/**
 * Σ_s Σ_{i in segment s} misfit_i + ρ Σ_s ‖z_s(t_end) − starts[s+1]‖², segment s starting
 * from starts[s]. Each sample is counted once: segment s scores [b_s, b_{s+1}), the last one
 * also b_S. Writes the solver's parameter cotangent, summed over segments, into `gTheta` and
 * each start's gradient into `gStarts[s]`. +∞ when a segment cannot be solved or the sum is
 * not finite (the gradients are then meaningless).
 */
export function shootingLoss(run: ShootingRun, starts: readonly Float64Array[], gTheta: Float64Array, gStarts: readonly Float64Array[]): number {
  const { t, bounds, dim, continuityWeight: cw } = run;
  const S = bounds.length - 1;
  const gz = new Float64Array(dim);
  gTheta.fill(0);
  for (const g of gStarts) g.fill(0);
  let L = 0;
  for (let s = 0; s < S; s++) {
    const a = bounds[s];
    const b = bounds[s + 1];
    let sol: AdjointSolution;
    try {
      sol = run.solve(Float64Array.from(starts[s]), t[a], t[b], t.subarray(a, b + 1));
    } catch (e) {
      if (e instanceof SolverError) return Infinity;
      throw e;
    }
    const m = b - a + 1;
    const gY = new Float64Array(m * dim);
    const last = s === S - 1;
    for (let i = 0; i < m; i++) {
      const z = sol.y.subarray(i * dim, (i + 1) * dim);
      if (i < m - 1 || last) {
        gz.fill(0);
        L += run.sample(a + i, z, gz);
        gY.set(gz, i * dim);
      }
      if (i === m - 1 && !last) {
        const next = starts[s + 1];
        for (let k = 0; k < dim; k++) {
          const jump = z[k] - next[k];
          L += cw * jump * jump;
          gY[i * dim + k] += 2 * cw * jump;
          gStarts[s + 1][k] -= 2 * cw * jump;
        }
      }
    }
    if (!Number.isFinite(L)) return Infinity;
    const { dTheta, dY0 } = sol.backward(gY);
    for (let k = 0; k < gTheta.length; k++) gTheta[k] += dTheta[k];
    for (let k = 0; k < dim; k++) gStarts[s][k] += dY0[k];
  }
  return L;
}

/** Options of multiple shooting for a trajectory model. */
export interface ShootingOptions {
  /** Number of segments (≥ 2; fewer samples than 2 per segment lower it). */
  segments: number;
  /**
   * Weight of the continuity penalty: a jump of one data standard deviation (the mean over
   * the channels) at every boundary costs `continuity` in the loss's units (where a misfit of
   * one standard deviation at every sample costs 1). Default 10.
   */
  continuity?: number;
  /**
   * Overwrites the states of `z` that the data show at sample i (a state observed as
   * itself, say) in the segments' starting states; the others start on the simulation of
   * the initial θ. Default: all from the simulation.
   */
  stateAt?(i: number, z: Float64Array): void;
}

/**
 * The trajectory layer's loss (base.ts's ℓ) by multiple shooting, over an extended vector
 * [θ, starts of segments 1 … S−1 (dim each)]; segment 0 starts from θ's z₀. With every
 * jump zero it equals ℓ of the plain path.
 */
export class ShootingPath implements TrajectoryPath {
  readonly bounds: number[];
  /** Length of the extended vector. */
  readonly size: number;
  private readonly run: ShootingRun;
  private readonly weight: Float64Array;
  private readonly yHat: Float64Array;
  private readonly gyHat: Float64Array;
  private readonly gPhi: Float64Array;
  private readonly gTerm: Float64Array;
  private readonly gStarts: Float64Array[];
  /** θ and its observation block at the current call (the run's callbacks read them). */
  private theta: Float64Array = new Float64Array(0);
  private phi: Float64Array = new Float64Array(0);

  constructor(
    readonly model: TrajectoryModel,
    readonly data: TrajectoryData,
    readonly settings: SolverSettings,
    opts: ShootingOptions,
  ) {
    checkTrajectoryModel(model);
    const { t, y } = data;
    const C = model.observation.channels;
    const dim = model.term.dim;
    if (y.length !== C) throw new ConfigError(`has ${y.length} channels; the observation gives ${C}`, 'data');
    if (data.t0 !== undefined && data.t0 !== t[0]) throw new ConfigError(`multiple shooting starts at the first sample; t0 = ${data.t0} differs from ${t[0]}`, 'data.t0');
    const continuity = opts.continuity ?? 10;
    if (!(Number.isFinite(continuity) && continuity > 0)) throw new ConfigError(`must be a positive number, got ${continuity}`, 'shooting.continuity');
    this.bounds = segmentBounds(t.length, opts.segments);
    const S = this.bounds.length - 1;
    this.size = model.layout.size + (S - 1) * dim;
    this.weight = channelWeights(y);
    // channelWeights are 1 / (C N var): the mean variance in the data's units is their mean inverse over C N.
    const meanVar = Array.from(this.weight, (w) => 1 / (w * C * t.length)).reduce((s, v) => s + v, 0) / C;
    this.yHat = new Float64Array(C);
    this.gyHat = new Float64Array(C);
    this.gPhi = new Float64Array(model.observation.nParams);
    this.gTerm = new Float64Array(model.term.nParams);
    this.gStarts = Array.from({ length: S }, () => new Float64Array(dim));
    this.run = {
      t,
      bounds: this.bounds,
      dim,
      continuityWeight: continuity / (S * meanVar),
      solve: (y0, t0, t1, saveAt) => solveWithAdjoint({ ...solveOptions(model, settings, t0, t1, this.theta, saveAt), y0 }),
      sample: (i, z, gz) => {
        const { weight, yHat, gyHat } = this;
        model.observation.observe(z, this.phi, yHat);
        let L = 0;
        for (let c = 0; c < C; c++) {
          const r = yHat[c] - y[c][i];
          L += weight[c] * r * r;
          gyHat[c] = 2 * weight[c] * r;
        }
        model.observation.vjp(z, this.phi, gyHat, gz, this.gPhi);
        return L;
      },
    };
  }

  /** The extended vector at θ: segment starts on θ's own simulation, then `stateAt`'s states from the data. */
  extend(theta: Float64Array, stateAt?: ShootingOptions['stateAt']): Float64Array {
    const { layout, term } = this.model;
    const dim = term.dim;
    const S = this.bounds.length - 1;
    const ext = new Float64Array(this.size);
    ext.set(theta.subarray(0, layout.size));
    const times = Float64Array.from(this.bounds, (i) => this.data.t[i]);
    let sim: Float64Array | undefined;
    try {
      sim = solve(solveOptions(this.model, this.settings, times[0], times[S], theta, times)).y;
    } catch (e) {
      if (!(e instanceof SolverError)) throw e;
    }
    const z0 = thetaBlocks(layout, theta).z0;
    for (let s = 1; s < S; s++) {
      const z = ext.subarray(layout.size + (s - 1) * dim, layout.size + s * dim);
      for (let k = 0; k < dim; k++) z[k] = sim && Number.isFinite(sim[s * dim + k]) ? sim[s * dim + k] : z0[k];
      stateAt?.(this.bounds[s], z);
    }
    return ext;
  }

  lossAndGrad(ext: Float64Array, grad: Float64Array | null): number {
    const { layout, term } = this.model;
    const dim = term.dim;
    const S = this.bounds.length - 1;
    const theta = ext.subarray(0, layout.size);
    const b = thetaBlocks(layout, theta);
    this.theta = theta;
    this.phi = b.observation;
    this.gPhi.fill(0);
    const starts = [b.z0, ...Array.from({ length: S - 1 }, (_, s) => ext.subarray(layout.size + s * dim, layout.size + (s + 1) * dim))];
    const L = shootingLoss(this.run, starts, this.gTerm, this.gStarts);
    if (!Number.isFinite(L)) {
      grad?.fill(0);
      return Infinity;
    }
    if (grad) {
      blockGradient(layout, grad.subarray(0, layout.size), this.gTerm, this.gStarts[0], this.gPhi);
      for (let s = 1; s < S; s++) grad.set(this.gStarts[s], layout.size + (s - 1) * dim);
    }
    return L;
  }
}
