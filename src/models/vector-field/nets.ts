/**
 * The two neural vector fields on the state y = [q, p] (n positions, n momenta):
 * - `hamiltonian` (Greydanus, Dzamba & Yosinski 2019): a scalar MLP H(q, p) whose symplectic
 *   gradient is the field, f = (∂H/∂p, −∂H/∂q), so H is conserved by the exact flow;
 * - `separable`: H(q, p) = T(p) + V(q), two scalar MLPs; the field splits into q' = ∇T(p),
 *   p' = −∇V(q), so the symplectic splittings (leapfrog, Yoshida) integrate it and conserve a
 *   nearby energy over long horizons;
 * - `direct`, the papers' baseline: the same MLP with 2n outputs predicting f itself.
 * Each gives its training loss (mean squared error of f against derivative targets, with
 * its gradient in θ) and an ode/ `Term` for rollouts, vjp included, so the adjoint can
 * differentiate a rollout too.
 */
import { makeLayout, type ParamLayout } from '../../core/params.js';
import type { Rng } from '../../core/rng.js';
import type { SplitTerm, Term } from '../../ode/term.js';
import { initMlp, MlpWorkspace, mlpBackward, mlpBackwardSecond, mlpForward, mlpLayout, type MlpShape } from '../../nn/mlp.js';

export interface VectorFieldNet {
  /** Layout of θ (one MLP's blocks, or T.* then V.* for the separable H). */
  readonly layout: ParamLayout;
  readonly size: number;
  /** Whether `term` is a split term (q' = a(p), p' = b(q)) that the symplectic solvers take. */
  readonly split: boolean;
  /** Output width of the (first) MLP: 1 for a Hamiltonian, 2n for the direct field. */
  readonly outputs: number;
  /** Initialises θ in place (Glorot-uniform weights, zero biases). */
  init(theta: Float64Array, rng: Rng): void;
  /**
   * Mean over rows and state entries of (f(x) − target)², rows of x and target [rows][2n];
   * overwrites `grad` with its gradient in θ. `ws` is `workspace(rows)`'s.
   */
  lossAndGrad(theta: Float64Array, x: Float64Array, target: Float64Array, ws: unknown, grad: Float64Array): number;
  /** The buffers `lossAndGrad` needs for up to `rows` rows. */
  workspace(rows: number): unknown;
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

/** The parts of a VectorFieldNet that are one MLP's. */
function single(shape: MlpShape) {
  const { layout, size } = mlpLayout(shape);
  return {
    layout,
    size,
    split: false,
    outputs: shape.output,
    init: (theta: Float64Array, rng: Rng) => initMlp(shape, theta, rng),
    workspace: (rows: number) => new MlpWorkspace(shape, rows),
  };
}

export function hamiltonianNet(n: number, hidden: readonly number[], activation: MlpShape['activation']): VectorFieldNet {
  const D = 2 * n;
  const shape: MlpShape = { input: D, hidden, output: 1, activation };
  let ones = new Float64Array(0);
  let g = new Float64Array(0);
  return {
    ...single(shape),
    lossAndGrad(theta, x, target, wsAny, grad) {
      const ws = wsAny as MlpWorkspace;
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
    ...single(shape),
    lossAndGrad(theta, x, target, wsAny, grad) {
      const ws = wsAny as MlpWorkspace;
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

/** The scalar potential's input gradients ∇φ at rows of one half of the state, with their second-order pass. */
class Potential {
  readonly ws: MlpWorkspace;
  readonly ones: Float64Array;
  constructor(readonly shape: MlpShape, rows: number) {
    this.ws = new MlpWorkspace(shape, rows);
    this.ones = new Float64Array(rows).fill(1);
  }
  /** ∇φ at the rows of `z` into `g`. */
  gradient(theta: Float64Array, z: Float64Array, g: Float64Array): void {
    mlpForward(theta, z, this.ws);
    mlpBackward(theta, this.ws, this.ones, null, g);
  }
}

/**
 * H(q, p) = T(p) + V(q) with T and V scalar MLPs of n inputs; θ = [T's blocks, V's blocks]
 * (named T.W1 … and V.W1 …). q' = ∇T(p), p' = −∇V(q).
 */
export function separableHamiltonianNet(n: number, hidden: readonly number[], activation: MlpShape['activation']): VectorFieldNet {
  const D = 2 * n;
  const shape: MlpShape = { input: n, hidden, output: 1, activation };
  const one = mlpLayout(shape);
  const { layout, size } = makeLayout(Object.fromEntries(['T', 'V'].flatMap((h) => one.layout.map((b) => [`${h}.${b.name}`, b.shape]))));
  const T = (theta: Float64Array) => theta.subarray(0, one.size);
  const V = (theta: Float64Array) => theta.subarray(one.size, 2 * one.size);
  interface Work { t: Potential; v: Potential; q: Float64Array; p: Float64Array; gq: Float64Array; gp: Float64Array }
  return {
    layout,
    size,
    split: true,
    outputs: 1,
    init(theta, rng) {
      initMlp(shape, T(theta), rng);
      initMlp(shape, V(theta), rng);
    },
    workspace: (rows): Work => ({ t: new Potential(shape, rows), v: new Potential(shape, rows), q: new Float64Array(rows * n), p: new Float64Array(rows * n), gq: new Float64Array(rows * n), gp: new Float64Array(rows * n) }),
    lossAndGrad(theta, x, target, wsAny, grad) {
      const w = wsAny as Work;
      const rows = x.length / D;
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < n; i++) {
          w.q[r * n + i] = x[r * D + i];
          w.p[r * n + i] = x[r * D + n + i];
        }
      }
      const q = w.q.subarray(0, rows * n), p = w.p.subarray(0, rows * n);
      w.t.gradient(T(theta), p, w.gp);
      w.v.gradient(V(theta), q, w.gq);
      // f = (∇T(p), −∇V(q)); the adjoints of ∇T and ∇V are 2(f − target)/(rows·D) and its negative.
      const scale = 2 / (rows * D);
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < n; i++) {
          const eq = w.gp[r * n + i] - target[r * D + i];
          const ep = -w.gq[r * n + i] - target[r * D + n + i];
          loss += eq * eq + ep * ep;
          w.gp[r * n + i] = scale * eq;
          w.gq[r * n + i] = -scale * ep;
        }
      }
      grad.fill(0);
      mlpBackwardSecond(T(theta), w.t.ws, w.gp, T(grad), null);
      mlpBackwardSecond(V(theta), w.v.ws, w.gq, V(grad), null);
      return loss / (rows * D);
    },
    term(sign = 1): SplitTerm {
      const t = new Potential(shape, 1), v = new Potential(shape, 1);
      const g = new Float64Array(n), gBar = new Float64Array(n), hv = new Float64Array(n);
      const dq = (theta: Float64Array, p: Float64Array, out: Float64Array) => {
        t.gradient(T(theta), p, g);
        for (let i = 0; i < n; i++) out[i] = sign * g[i];
      };
      const dp = (theta: Float64Array, q: Float64Array, out: Float64Array) => {
        v.gradient(V(theta), q, g);
        for (let i = 0; i < n; i++) out[i] = -sign * g[i];
      };
      /** vᵀ(s·∇φ(z)) in z and θ: the Hessian–vector product and the second-order pass, s = ±sign. */
      const vjpOf = (pot: Potential, theta: Float64Array, z: Float64Array, vv: Float64Array, s: number, zOut: Float64Array, thOut: Float64Array) => {
        pot.gradient(theta, z, g);
        for (let i = 0; i < n; i++) gBar[i] = s * vv[i];
        mlpBackwardSecond(theta, pot.ws, gBar, thOut, hv);
        for (let i = 0; i < n; i++) zOut[i] += hv[i];
      };
      const qa = new Float64Array(n), pa = new Float64Array(n);
      return {
        kind: 'split',
        dim: D,
        nParams: size,
        dq: (_t, p, theta, out) => dq(theta, p, out),
        dp: (_t, q, theta, out) => dp(theta, q, out),
        dqVjp: (_t, p, theta, vv, pOut, thOut) => vjpOf(t, T(theta), p, vv, sign, pOut, T(thOut)),
        dpVjp: (_t, q, theta, vv, qOut, thOut) => vjpOf(v, V(theta), q, vv, -sign, qOut, V(thOut)),
        f(_t, y, theta, dy) {
          dq(theta, y.subarray(n, D), qa);
          dp(theta, y.subarray(0, n), pa);
          dy.set(qa, 0);
          dy.set(pa, n);
        },
        vjp(_t, y, theta, vv, yOut, thOut) {
          vjpOf(t, T(theta), y.subarray(n, D), vv.subarray(0, n), sign, yOut.subarray(n, D), T(thOut));
          vjpOf(v, V(theta), y.subarray(0, n), vv.subarray(n, D), -sign, yOut.subarray(0, n), V(thOut));
        },
      };
    },
  };
}
