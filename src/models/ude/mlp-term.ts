/**
 * A multilayer perceptron as a term of an ODE: n(z) = MLP((z − μ)/σ), its k outputs added to
 * the rates of k chosen states. This is the learned part of a universal differential equation
 * (Rackauckas et al. 2020) and, with every state chosen and no known part, a neural ODE
 * (Chen et al. 2018). The standardisation (μ, σ from the training data) is fixed, not fitted:
 * it puts every input of the tanh layers on the same O(1) scale whatever the data's units.
 * The vjp is mlpBackward's (nn/mlp.ts) with the seed scattered from the chosen states and
 * ∂/∂z divided by σ, so the discrete adjoint differentiates a solve through the network.
 */
import { MlpWorkspace, mlpBackward, mlpForward, mlpLayout, type MlpShape } from '../../nn/mlp.js';
import type { Term } from '../../ode/term.js';

export interface MlpTermOptions {
  /** Length of the state z (every entry is an input of the network). */
  dim: number;
  /** The states whose rates get one network output each, in output order. */
  targets: readonly number[];
  hidden: readonly number[];
  activation: MlpShape['activation'];
  /** Centre and scale of each state entry. */
  mean: Float64Array;
  scale: Float64Array;
}

export interface MlpTerm extends Term {
  readonly shape: MlpShape;
  /** The fixed standardisation of the inputs. */
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  /** Network outputs at many states (rows [rows][dim] → [rows][targets]), for the SINDy step. */
  outputs(theta: Float64Array, states: Float64Array): Float64Array;
}

export function mlpTerm(o: MlpTermOptions): MlpTerm {
  const { dim, targets, mean, scale } = o;
  const k = targets.length;
  const shape: MlpShape = { input: dim, hidden: [...o.hidden], output: k, activation: o.activation };
  const ws = new MlpWorkspace(shape, 1);
  const x = new Float64Array(dim);
  const seed = new Float64Array(k);
  const dx = new Float64Array(dim);
  const standardise = (z: Float64Array, out: Float64Array, at = 0) => {
    for (let i = 0; i < dim; i++) out[at + i] = (z[at + i] - mean[i]) / scale[i];
  };
  return {
    dim,
    nParams: mlpLayout(shape).size,
    shape,
    mean,
    scale,
    f(_t, z, theta, dz) {
      standardise(z, x);
      const y = mlpForward(theta, x, ws);
      dz.fill(0);
      for (let j = 0; j < k; j++) dz[targets[j]] = y[j];
    },
    vjp(_t, z, theta, v, dzOut, dThetaOut) {
      standardise(z, x);
      mlpForward(theta, x, ws);
      for (let j = 0; j < k; j++) seed[j] = v[targets[j]];
      mlpBackward(theta, ws, seed, dThetaOut, dx);
      for (let i = 0; i < dim; i++) dzOut[i] += dx[i] / scale[i];
    },
    outputs(theta, states) {
      const rows = states.length / dim;
      const big = new MlpWorkspace(shape, rows);
      const xs = new Float64Array(states.length);
      for (let r = 0; r < rows; r++) standardise(states, xs, r * dim);
      return mlpForward(theta, xs, big).slice(0, rows * k);
    },
  };
}
