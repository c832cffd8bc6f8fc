/**
 * The bank as vector-field terms on z = [x, v] (2K): the linear bank as a LinearTerm
 * (A(θ) of params.ts), the pendulum bank x_i'' = −ω_i² sin x_i − γ_i v_i − (L x)_i as a
 * plain Term with its vector–Jacobian product. Both read the full bank θ (observation
 * entries are ignored), so the solvers' parameter cotangents land in the bank's layout.
 */
import type { LinearTerm, Term } from '../../ode/term.js';
import type { BankLayout } from './params.js';
import { sigmoid } from '../../nn/activations.js';

/** y' = A(θ) y for the linear bank. */
export function linearBankTerm(lay: BankLayout): LinearTerm {
  const n = 2 * lay.K;
  const A = new Float64Array(n * n);
  const S = new Float64Array(lay.K * lay.K);
  const Abar = new Float64Array(n * n);
  return {
    kind: 'linear',
    dim: n,
    nParams: lay.size,
    matrix: (theta, out) => lay.matrix(theta, out, S),
    matrixVjp: (theta, bar, dTheta) => lay.matrixVjp(theta, bar, dTheta),
    f(_t, y, theta, dy) {
      lay.matrix(theta, A, S);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i * n + j] * y[j];
        dy[i] = s;
      }
    },
    vjp(_t, y, theta, v, dyOut, dThetaOut) {
      lay.matrix(theta, A, S);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) dyOut[j] += v[i] * A[i * n + j];
      // ∂(vᵀ A y)/∂A = v yᵀ.
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Abar[i * n + j] = v[i] * y[j];
      lay.matrixVjp(theta, Abar, dThetaOut);
    },
  };
}

/** The pendulum bank: x_i' = v_i, v_i' = −ω_i² sin x_i − γ_i v_i − Σ_j L_ij x_j. */
export function pendulumBankTerm(lay: BankLayout): Term {
  const K = lay.K;
  const { pairI, pairJ, nPairs } = lay;
  const w2 = new Float64Array(K);
  const gam = new Float64Array(K);
  const cp = new Float64Array(nPairs);
  const dGam = new Float64Array(K);
  const dCp = new Float64Array(nPairs);
  // ω², γ and couplings cost ~2K + 2·pairs transcendental calls; RK4 calls f four times a
  // step with the same θ, so they are recomputed only when θ's dynamic entries change.
  const nDyn = lay.coupling + nPairs;
  const seen = new Float64Array(nDyn).fill(NaN);
  const load = (theta: Float64Array) => {
    let same = true;
    for (let k = 0; k < nDyn; k++) {
      if (theta[k] !== seen[k]) {
        same = false;
        break;
      }
    }
    if (same) return;
    for (let k = 0; k < nDyn; k++) seen[k] = theta[k];
    for (let i = 0; i < K; i++) {
      const w = lay.omegaOf(theta, i);
      w2[i] = w * w;
      gam[i] = lay.gammaOf(theta, i);
    }
    for (let p = 0; p < nPairs; p++) cp[p] = lay.couplingOf(theta, p);
    for (let i = 0; i < K; i++) dGam[i] = sigmoid(theta[lay.damping + i]);
    for (let p = 0; p < nPairs; p++) dCp[p] = sigmoid(theta[lay.coupling + p]);
  };
  return {
    dim: 2 * K,
    nParams: lay.size,
    f(_t, y, theta, dy) {
      load(theta);
      for (let i = 0; i < K; i++) {
        dy[i] = y[K + i];
        dy[K + i] = -w2[i] * Math.sin(y[i]) - gam[i] * y[K + i];
      }
      for (let p = 0; p < nPairs; p++) {
        const i = pairI[p];
        const j = pairJ[p];
        const d = cp[p] * (y[i] - y[j]);
        dy[K + i] -= d;
        dy[K + j] += d;
      }
    },
    vjp(_t, y, theta, v, dyOut, dThetaOut) {
      load(theta);
      for (let i = 0; i < K; i++) {
        const vv = v[K + i];
        dyOut[i] -= vv * w2[i] * Math.cos(y[i]);
        dyOut[K + i] += v[i] - vv * gam[i];
        // ω = e^u: ∂(−ω² sin x)/∂u = −2ω² sin x.
        dThetaOut[lay.omega + i] -= vv * 2 * w2[i] * Math.sin(y[i]);
        dThetaOut[lay.damping + i] -= vv * y[K + i] * dGam[i];
      }
      for (let p = 0; p < nPairs; p++) {
        const i = pairI[p];
        const j = pairJ[p];
        const dv = v[K + i] - v[K + j];
        dyOut[i] -= cp[p] * dv;
        dyOut[j] += cp[p] * dv;
        dThetaOut[lay.coupling + p] -= dv * (y[i] - y[j]) * dCp[p];
      }
    },
  };
}
