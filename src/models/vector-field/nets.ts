/**
 * The two neural vector fields on the state y = [q, p] (n positions, n momenta):
 * - `hamiltonian` (Greydanus, Dzamba & Yosinski 2019): a scalar MLP H(q, p) whose symplectic
 *   gradient is the field, f = (∂H/∂p, −∂H/∂q), so H is conserved by the exact flow;
 * - `direct`, the papers' baseline: the same MLP with 2n outputs predicting f itself.
 * Each gives its training loss (mean squared error of f against derivative targets, with
 * its gradient in θ) and an ode/ `Term` for rollouts, vjp included, so the adjoint can
 * differentiate a rollout too.
 */
import type { Term } from '../../ode/term.js';
import { MlpWorkspace, mlpBackward, mlpBackwardSecond, mlpForward, mlpLayout, type MlpShape } from '../../nn/mlp.js';

export interface VectorFieldNet {
  readonly shape: MlpShape;
  /**
   * Mean over rows and state entries of (f(x) − target)², rows of x and target [rows][2n];
   * overwrites `grad` with its gradient in θ. `ws` must hold `rows` rows.
   */
  lossAndGrad(theta: Float64Array, x: Float64Array, target: Float64Array, ws: MlpWorkspace, grad: Float64Array): number;
  /** The field y' = sign·f(y) as a term (sign −1 runs time backwards). */
  term(sign?: 1 | -1): Term;
}

/** Writes the symplectic gradient J∇H = (∂H/∂p, −∂H/∂q) of each row's ∇H `g` into `f`. */
function symplectic(g: Float64Array, f: Float64Array, rows: number, n: number, sign = 1): void {
  for (let r = 0, o = 0; r < rows; r++, o += 2 * n) {
    for (let i = 0; i < n; i++) {
      f[o + i] = sign * g[o + n + i];
      f[o + n + i] = -sign * g[o + i];
    }
  }
}

export function hamiltonianNet(n: number, hidden: readonly number[], activation: MlpShape['activation']): VectorFieldNet {
  const D = 2 * n;
  const shape: MlpShape = { input: D, hidden, output: 1, activation };
  let ones = new Float64Array(0);
  let g = new Float64Array(0);
  return {
    shape,
    lossAndGrad(theta, x, target, ws, grad) {
      const rows = x.length / D;
      if (ones.length < rows) {
        ones = new Float64Array(rows).fill(1);
        g = new Float64Array(rows * D);
      }
      mlpForward(theta, x, ws);
      mlpBackward(theta, ws, ones, null, g);
      // f = J∇H; the loss's adjoint of ∇H is Jᵀ applied to 2(f − target)/(rows·D).
      const scale = 2 / (rows * D);
      let loss = 0;
      for (let r = 0, o = 0; r < rows; r++, o += D) {
        for (let i = 0; i < n; i++) {
          const eq = g[o + n + i] - target[o + i];
          const ep = -g[o + i] - target[o + n + i];
          loss += eq * eq + ep * ep;
          g[o + i] = -scale * ep;
          g[o + n + i] = scale * eq;
        }
      }
      grad.fill(0);
      mlpBackwardSecond(theta, ws, g, grad, null);
      return loss / (rows * D);
    },
    term(sign = 1) {
      const ws = new MlpWorkspace(shape, 1);
      const one = Float64Array.of(1);
      const gy = new Float64Array(D);
      const gBar = new Float64Array(D);
      const hv = new Float64Array(D);
      return {
        dim: D,
        nParams: mlpLayout(shape).size,
        f(_t, y, theta, dy) {
          mlpForward(theta, y, ws);
          mlpBackward(theta, ws, one, null, gy);
          symplectic(gy, dy, 1, n, sign);
        },
        vjp(_t, y, theta, v, dyOut, dThetaOut) {
          // vᵀ(sign·J∇H) = sign·(v_q·∂H/∂p − v_p·∂H/∂q): the adjoint of ∇H is ḡ = sign·(−v_p, v_q).
          mlpForward(theta, y, ws);
          mlpBackward(theta, ws, one, null, gy);
          for (let i = 0; i < n; i++) {
            gBar[i] = -sign * v[n + i];
            gBar[n + i] = sign * v[i];
          }
          mlpBackwardSecond(theta, ws, gBar, dThetaOut, hv);
          for (let k = 0; k < D; k++) dyOut[k] += hv[k];
        },
      };
    },
  };
}

export function directNet(n: number, hidden: readonly number[], activation: MlpShape['activation']): VectorFieldNet {
  const D = 2 * n;
  const shape: MlpShape = { input: D, hidden, output: D, activation };
  let seed = new Float64Array(0);
  return {
    shape,
    lossAndGrad(theta, x, target, ws, grad) {
      const rows = x.length / D;
      if (seed.length < rows * D) seed = new Float64Array(rows * D);
      const y = mlpForward(theta, x, ws);
      const scale = 2 / (rows * D);
      let loss = 0;
      for (let k = 0; k < rows * D; k++) {
        const e = y[k] - target[k];
        loss += e * e;
        seed[k] = scale * e;
      }
      grad.fill(0);
      mlpBackward(theta, ws, seed, grad, null);
      return loss / (rows * D);
    },
    term(sign = 1) {
      const ws = new MlpWorkspace(shape, 1);
      const seed1 = new Float64Array(D);
      const dx = new Float64Array(D);
      return {
        dim: D,
        nParams: mlpLayout(shape).size,
        f(_t, y, theta, dy) {
          const out = mlpForward(theta, y, ws);
          for (let k = 0; k < D; k++) dy[k] = sign * out[k];
        },
        vjp(_t, y, theta, v, dyOut, dThetaOut) {
          mlpForward(theta, y, ws);
          for (let k = 0; k < D; k++) seed1[k] = sign * v[k];
          mlpBackward(theta, ws, seed1, dThetaOut, dx);
          for (let k = 0; k < D; k++) dyOut[k] += dx[k];
        },
      };
    },
  };
}
