/**
 * The bank's latent trajectory at the sample times and its discrete adjoint: the linear
 * bank advanced by the exact propagator M = e^{A h} (z_{n+1} = M z_n; gradient: the
 * discrete adjoint a_n = Mᵀ a_{n+1} + g_n gives M̄ = Σ a_{n+1} z_nᵀ, then
 * Ā = h·L(h Aᵀ, M̄) by the Fréchet derivative of expm (Van Loan 1978 block form, core/expm),
 * mapped to θ by the bank's matrixVjp), or the pendulum bank stepped by the core's RK4 with
 * its discrete adjoint (stepVjp). All buffers are allocated once per propagator.
 */
import { createExpm, createExpmFrechet } from '../../core/expm.js';
import { rk4 } from '../../ode/solvers/rk4.js';
import type { Stepper } from '../../ode/solvers/base.js';
import type { BankLayout } from './params.js';
import { linearBankTerm, pendulumBankTerm } from './term.js';

/** Latent trajectory at the sample times τ_n = n·dt from z(0) = θ.z0, with its adjoint. */
export interface Propagator {
  /** Writes the states (N × 2K, row-major) into Z; false if it left the finite numbers. */
  forward(theta: Float64Array, Z: Float64Array): boolean;
  /** Given ∂ℓ/∂Z (consumed), accumulates ∂ℓ/∂θ (dynamics and z0) into dTheta. */
  backward(theta: Float64Array, Z: Float64Array, gZ: Float64Array, dTheta: Float64Array): void;
}

/**
 * Discrete adjoint of z_{s+1} = M z_s over the whole window: a_{N−1} = g_{N−1},
 * a_s = g_s + Mᵀ a_{s+1}, M̄ = Σ a_{s+1} z_sᵀ (written to Mbar). a_0 ends in `a` when N is
 * odd, in `b` when even (the two buffers alternate). A plain function with its arrays as
 * arguments, so the hot loop touches locals only.
 */
function backwardSweep(N: number, n: number, M: Float64Array, Z: Float64Array, gZ: Float64Array, Mbar: Float64Array, a: Float64Array, b: Float64Array): void {
  Mbar.fill(0);
  let cur = a;
  let next = b;
  for (let i = 0; i < n; i++) cur[i] = gZ[(N - 1) * n + i];
  for (let s = N - 2; s >= 0; s--) {
    const p = s * n;
    for (let j = 0; j < n; j++) next[j] = gZ[p + j];
    // One pass over the rows of M: M̄ += a zₛᵀ and a' = gₛ + Mᵀa, both contiguous.
    for (let i = 0; i < n; i++) {
      const ai = cur[i];
      const row = i * n;
      for (let j = 0; j < n; j++) {
        Mbar[row + j] += ai * Z[p + j];
        next[j] += ai * M[row + j];
      }
    }
    const t = cur;
    cur = next;
    next = t;
  }
}

/**
 * z_s = M z_{s−1} for s = 1 … N−1 from z_0 = Z[0 : n]; false if z_{N−1} is not finite. A
 * plain function (like backwardSweep), so its optimised code is shared by every propagator
 * instead of warming up again in each new closure.
 */
function forwardSweep(N: number, n: number, M: Float64Array, Z: Float64Array): boolean {
  for (let s = 1; s < N; s++) {
    const p = (s - 1) * n;
    const q = s * n;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += M[i * n + j] * Z[p + j];
      Z[q + i] = acc;
    }
  }
  for (let k = (N - 1) * n; k < N * n; k++) if (!Number.isFinite(Z[k])) return false;
  return true;
}

export function linearPropagator(lay: BankLayout, N: number, h: number): Propagator {
  const n = 2 * lay.K;
  const term = linearBankTerm(lay);
  const exp = createExpm(n);
  const frechet = createExpmFrechet(n);
  const A = new Float64Array(n * n);
  const M = new Float64Array(n * n);
  const Mbar = new Float64Array(n * n);
  const AhT = new Float64Array(n * n);
  const Abar = new Float64Array(n * n);
  const scratch = new Float64Array(n * n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  return {
    forward(theta, Z) {
      term.matrix(theta, A);
      for (let k = 0; k < n * n; k++) A[k] *= h;
      exp(A, M);
      for (let i = 0; i < n; i++) Z[i] = theta[lay.z0 + i];
      return forwardSweep(N, n, M, Z);
    },
    backward(theta, Z, gZ, dTheta) {
      backwardSweep(N, n, M, Z, gZ, Mbar, a, b);
      const cur = N % 2 === 1 ? a : b;
      for (let i = 0; i < n; i++) dTheta[lay.z0 + i] += cur[i];
      // A holds h·A from forward(); ∂ℓ/∂A = h·L((hA)ᵀ, M̄).
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) AhT[i * n + j] = A[j * n + i];
      frechet(AhT, Mbar, scratch, Abar);
      for (let k = 0; k < n * n; k++) Abar[k] *= h;
      term.matrixVjp(theta, Abar, dTheta);
    },
  };
}

export function pendulumPropagator(lay: BankLayout, N: number, h: number, substeps: number, thetaBuf: Float64Array): Propagator {
  const n = 2 * lay.K;
  const term = pendulumBankTerm(lay);
  const stepper: Stepper = rk4.init(term, thetaBuf);
  const steps = (N - 1) * substeps;
  const hs = h / substeps;
  const Y = new Float64Array((steps + 1) * n);
  const g = new Float64Array(n);
  const g0 = new Float64Array(n);
  return {
    forward(theta, Z) {
      if (theta !== thetaBuf) thetaBuf.set(theta);
      stepper.reset();
      for (let i = 0; i < n; i++) Y[i] = theta[lay.z0 + i];
      for (let m = 0; m < steps; m++) {
        stepper.step(m * hs, hs, Y.subarray(m * n, (m + 1) * n), Y.subarray((m + 1) * n, (m + 2) * n), null);
        stepper.accept();
      }
      for (let s = 0; s < N; s++) for (let i = 0; i < n; i++) Z[s * n + i] = Y[s * substeps * n + i];
      for (let k = steps * n; k < (steps + 1) * n; k++) if (!Number.isFinite(Y[k])) return false;
      return true;
    },
    backward(theta, _Z, gZ, dTheta) {
      if (theta !== thetaBuf) thetaBuf.set(theta);
      stepper.beginVjp?.();
      for (let i = 0; i < n; i++) g[i] = gZ[(N - 1) * n + i];
      for (let m = steps - 1; m >= 0; m--) {
        stepper.stepVjp(m * hs, hs, Y.subarray(m * n, (m + 1) * n), g, g0, dTheta, null);
        g.set(g0);
        if (m % substeps === 0) {
          const s = m / substeps;
          for (let i = 0; i < n; i++) g[i] += gZ[s * n + i];
        }
      }
      stepper.endVjp?.(dTheta);
      for (let i = 0; i < n; i++) dTheta[lay.z0 + i] += g[i];
    },
  };
}

