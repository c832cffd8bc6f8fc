/**
 * The Lagrangian neural field (Cranmer et al. 2020) on the state y = [q, q̇]: a scalar MLP
 * L(q, q̇) whose Euler–Lagrange equations give the accelerations, f = (q̇, q̈(q, q̇)), so the
 * exact flow conserves the learned energy q̇·∂L/∂q̇ − L. The kernel (accelerations and their
 * backward pass) is nn/lagrangian.ts; this wraps it as a VectorFieldNet: the derivative loss
 * and an ode/ term with its vjp.
 */
import type { Rng } from '../../core/rng.js';
import type { Term } from '../../ode/term.js';
import { LagrangianWorkspace, lagrangianBackward, lagrangianForward } from '../../nn/lagrangian.js';
import { initMlp, mlpLayout, type MlpShape } from '../../nn/mlp.js';
import type { VectorFieldNet } from './nets.js';

export function lagrangianNet(n: number, hidden: readonly number[], activation: MlpShape['activation']): VectorFieldNet {
  const D = 2 * n;
  const shape: MlpShape = { input: D, hidden, output: 1, activation };
  const { layout, size } = mlpLayout(shape);
  let gAcc = new Float64Array(0);
  return {
    layout,
    size,
    split: false,
    outputs: 1,
    init(theta: Float64Array, rng: Rng) {
      initMlp(shape, theta, rng);
      // Positive readout weights make the initial L = Σ wₖ softplus(·) convex, so ∂²L/∂q̇² ≻ 0 at
      // every state and no row starts near a singular Hessian (on the double pendulum: a first loss
      // of 30 instead of 7.6e4, and the structure found in 400 Adam steps instead of none in 3,000).
      const readout = layout[layout.length - 2];
      for (let k = readout.offset; k < readout.offset + hidden[hidden.length - 1]; k++) theta[k] = Math.abs(theta[k]);
    },
    workspace: (rows: number) => new LagrangianWorkspace(n, hidden, activation, rows),
    lossAndGrad(theta, x, target, wsAny, grad) {
      const ws = wsAny as LagrangianWorkspace;
      const rows = x.length / D;
      if (gAcc.length < rows * n) gAcc = new Float64Array(rows * n);
      const acc = lagrangianForward(theta, x, ws);
      // f = (q̇, q̈): the q̇ half is the input itself, so only q̈'s error reaches θ.
      const scale = 2 / (rows * D);
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < n; i++) {
          const ev = x[r * D + n + i] - target[r * D + i];
          const ea = acc[r * n + i] - target[r * D + n + i];
          loss += ev * ev + ea * ea;
          gAcc[r * n + i] = scale * ea;
        }
      }
      grad.fill(0);
      lagrangianBackward(theta, x, ws, gAcc, grad, null);
      return loss / (rows * D);
    },
    term(sign = 1): Term {
      const ws = new LagrangianWorkspace(n, hidden, activation, 1);
      const g = new Float64Array(n);
      const dx = new Float64Array(D);
      return {
        dim: D,
        nParams: size,
        f(_t, y, theta, dy) {
          const acc = lagrangianForward(theta, y, ws);
          for (let i = 0; i < n; i++) {
            dy[i] = sign * y[n + i];
            dy[n + i] = sign * acc[i];
          }
        },
        vjp(_t, y, theta, v, dyOut, dThetaOut) {
          lagrangianForward(theta, y, ws);
          for (let i = 0; i < n; i++) g[i] = sign * v[n + i];
          lagrangianBackward(theta, y, ws, g, dThetaOut, dx);
          for (let k = 0; k < D; k++) dyOut[k] += dx[k];
          for (let i = 0; i < n; i++) dyOut[n + i] += sign * v[i];
        },
      };
    },
  };
}
