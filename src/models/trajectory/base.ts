/**
 * Trajectory models: "a term with parameters, an initial state z₀ and an observation map,
 * fitted to data through a solver" — the oscillator bank, a user equation, a neural ODE, a
 * UDE all are one. This layer is written once for them: the loss and its gradient through
 * the discrete adjoint (ode/adjoint.ts), simulation and forecasting, save and load. A family
 * supplies one file with its `TrajectoryModel` (term, observation, parameter layout, initial
 * guess) and may plug in a specialised fast path behind the same `TrajectoryPath` interface
 * (the bank's exact propagator, models/oscillator-bank/trajectory.ts).
 *
 * θ is one flat vector (core/params.ts) holding three blocks — the term's parameters, z₀ and
 * the observation's parameters. Blocks may overlap: a term may read a wider slice of θ than
 * it differentiates (the bank's term reads the whole bank θ and writes cotangents only into
 * its dynamic entries); the gradients of the blocks are added.
 *
 * Multiple shooting (shooting.ts) is one more `TrajectoryPath`, over θ extended by the
 * segments' starting states, with the continuity defects added to the loss.
 */
import type { ObservationMap } from './observation.js';
import type { Term } from '../../ode/term.js';

/** One block of θ: `length` entries from `offset`. */
export interface ThetaBlock {
  offset: number;
  length: number;
}

/** Where the term's parameters, z₀ and the observation's parameters sit in θ, and which are trained. */
export interface TrajectoryLayout {
  /** Length of θ. */
  size: number;
  term: ThetaBlock;
  z0: ThetaBlock;
  observation: ThetaBlock;
  /** Blocks held at their given values: their gradient is zero. Default: all trained. */
  frozen?: ('term' | 'z0' | 'observation')[];
}

/** What a trajectory family supplies. */
export interface TrajectoryModel {
  /** The vector field z′ = f(t, z, θ_term). */
  term: Term;
  /** What is measured of z. */
  observation: ObservationMap;
  layout: TrajectoryLayout;
  /** A starting θ for a fit to `data` (ESPRIT modes, a least-squares estimate, …). */
  initialGuess?(data: TrajectoryData): Float64Array;
  /**
   * A specialised path for this term (the bank's exact propagator): used instead of the
   * generic adjoint path by `trajectoryLoss` and `trajectorySimulator` (paths.ts). It must
   * give the same ℓ, ∇ℓ and simulation up to the generic solver's error.
   */
  fastPath?: TrajectoryFastPath;
}

/** A family's specialised loss and simulation, behind the same interfaces as the generic path. */
export interface TrajectoryFastPath {
  loss(data: TrajectoryData): TrajectoryPath;
  simulator(t0: number): TrajectorySimulator;
}

/** Observations to fit: channel c at times t (increasing, none before t0). */
export interface TrajectoryData {
  t: Float64Array;
  y: Float64Array[];
  /** Time of z₀. Default t[0]. */
  t0?: number;
}

/**
 * The solver of the generic path and its settings (ode/solve.ts's options of the same names).
 * Plain JSON, saved with the model.
 */
export interface SolverSettings {
  /** A registry name (ode/solvers). Default 'dopri5' (adaptive, fits any smooth term). @example 'rk4' */
  solver?: string;
  /** Fixed step of non-adaptive solvers (required for them); initial step of adaptive ones. Unit of t. */
  dt?: number;
  /** Relative tolerance of adaptive solvers. Default 1e-8. */
  rtol?: number;
  /** Absolute tolerance of adaptive solvers. Default 1e-10. */
  atol?: number;
  /** Largest number of solver steps per solve. Default 1e6. */
  maxSteps?: number;
}

/**
 * A loss and its gradient for one data set: the generic adjoint path (adjoint-path.ts) or a
 * family's fast path. ℓ is the mean squared error over the channels, each normalised by its
 * variance in the data:  ℓ(θ) = (1/C) Σ_c mean_n (ŷ_c(t_n) − y_c(t_n))² / var(y_c).
 */
export interface TrajectoryPath {
  /** ℓ(θ), writing ∇ℓ into `grad` (θ's length) when given; +∞ when the trajectory is not finite. */
  lossAndGrad(theta: Float64Array, grad: Float64Array | null): number;
}

/** Free-running simulation of the observed channels from z₀ at t0. */
export interface TrajectorySimulator {
  /** ŷ_c at `times` (sorted ascending). */
  simulate(theta: Float64Array, times: Float64Array): Float64Array[];
}

/** Views of θ's three blocks (no copies). */
export function thetaBlocks(layout: TrajectoryLayout, theta: Float64Array): { term: Float64Array; z0: Float64Array; observation: Float64Array } {
  const view = (b: ThetaBlock) => theta.subarray(b.offset, b.offset + b.length);
  return { term: view(layout.term), z0: view(layout.z0), observation: view(layout.observation) };
}

/** 1 / (C · N · var y_c) per channel (population variance; 1 for a constant channel): ℓ's weights. */
export function channelWeights(y: Float64Array[]): Float64Array {
  const C = y.length;
  const w = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const N = y[c].length;
    let m = 0;
    for (let i = 0; i < N; i++) m += y[c][i];
    m /= N;
    let v = 0;
    for (let i = 0; i < N; i++) v += (y[c][i] - m) ** 2;
    v /= N;
    w[c] = 1 / (C * N * (v > 0 ? v : 1));
  }
  return w;
}
