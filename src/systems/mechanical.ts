/**
 * Second-order mechanical systems q'' = F(t, q, θ) − γ q' in first-order form y = [q, p],
 * p = q'. Undamped, this is a separable Hamiltonian (q' = p, p' = F(t, q)), returned as a
 * `SplitTerm` for the symplectic solvers; with damping, a plain `Term`. A system writes
 * only the force and its vector–Jacobian product.
 */
import type { SplitTerm, Term } from '../ode/term.js';
import { jacobianFromVjp } from './jacobian.js';

export interface MechanicalSpec {
  /** Number of coordinates (state size is 2n). */
  n: number;
  nParams: number;
  /** Writes F(t, q, θ) into out[at … at+n). Reads q[0 … n) only. */
  force(t: number, q: Float64Array, theta: Float64Array, out: Float64Array, at: number): void;
  /** Accumulates qOut[0 … n) += bᵀ ∂F/∂q and dTheta += bᵀ ∂F/∂θ, with b = v[at … at+n). */
  forceVjp(t: number, q: Float64Array, theta: Float64Array, v: Float64Array, at: number, qOut: Float64Array, dTheta: Float64Array): void;
  /**
   * Offset in θ of a single damping rate γ ≥ 0 (p' = F − γ p). When set, the term is a
   * plain `Term` (damping depends on p, so the split form does not apply).
   */
  dampingAt?: number;
}

/** The term of q'' = F(t, q) (SplitTerm) or q'' = F(t, q) − γ q' (Term); jac from the vjp. */
export function mechanicalTerm(spec: MechanicalSpec): Term | SplitTerm {
  const { n, nParams, force, forceVjp, dampingAt } = spec;
  const base: Term = {
    dim: 2 * n,
    nParams,
    f(t, y, theta, dy) {
      force(t, y, theta, dy, n);
      for (let i = 0; i < n; i++) {
        dy[i] = y[n + i];
        if (dampingAt !== undefined) dy[n + i] -= theta[dampingAt] * y[n + i];
      }
    },
    vjp(t, y, theta, v, dyOut, dThetaOut) {
      forceVjp(t, y, theta, v, n, dyOut, dThetaOut);
      for (let i = 0; i < n; i++) {
        dyOut[n + i] += v[i];
        if (dampingAt !== undefined) {
          dyOut[n + i] -= theta[dampingAt] * v[n + i];
          dThetaOut[dampingAt] -= y[n + i] * v[n + i];
        }
      }
    },
  };
  base.jac = jacobianFromVjp(base);
  if (dampingAt !== undefined) return base;
  const split: SplitTerm = {
    ...base,
    kind: 'split',
    dq(_t, p, _theta, dq) {
      for (let i = 0; i < n; i++) dq[i] = p[i];
    },
    dp(t, q, theta, dp) {
      force(t, q, theta, dp, 0);
    },
    dqVjp(_t, _p, _theta, v, pOut) {
      for (let i = 0; i < n; i++) pOut[i] += v[i];
    },
    dpVjp(t, q, theta, v, qOut, dThetaOut) {
      forceVjp(t, q, theta, v, 0, qOut, dThetaOut);
    },
  };
  return split;
}
