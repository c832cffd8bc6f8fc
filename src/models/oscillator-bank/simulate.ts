/**
 * Free-running simulation of a fitted bank at arbitrary times (forecasts), from z(0) = z0
 * at the window's first sample time: the linear bank exactly by e^{A δ} between
 * consecutive times, the pendulum bank by RK4 with the training step (a last shorter step
 * lands on each requested time).
 */
import { createExpm } from '../../core/expm.js';
import { rk4 } from '../../ode/solvers/rk4.js';
import type { BankLayout } from './params.js';
import { pendulumBankTerm } from './term.js';

/**
 * Observed channels ŷ_c at `tau` (times relative to the window start, sorted ascending).
 * The linear bank also runs backwards (τ < 0); the pendulum bank is integrated forwards
 * only, so it reports its initial state for τ < 0.
 */
export function simulateBank(lay: BankLayout, theta: Float64Array, tau: Float64Array, nonlinear: boolean, h: number): Float64Array[] {
  const K = lay.K;
  const n = 2 * K;
  const out = Array.from({ length: lay.C }, () => new Float64Array(tau.length));
  const z = new Float64Array(n);
  const z1 = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = theta[lay.z0 + i];
  const observe = (k: number) => {
    for (let c = 0; c < lay.C; c++) {
      let v = theta[lay.offset + c];
      for (let i = 0; i < K; i++) v += theta[lay.W + c * K + i] * z[i];
      out[c][k] = v;
    }
  };
  if (!nonlinear) {
    const exp = createExpm(n);
    const A = new Float64Array(n * n);
    const Ad = new Float64Array(n * n);
    const M = new Float64Array(n * n);
    lay.matrix(theta, A, new Float64Array(K * K));
    let prev = 0;
    let lastDelta = NaN;
    for (let k = 0; k < tau.length; k++) {
      // Times on a grid (t0 + k·dt, rounded) differ by a few ulps from step to step: the last
      // e^{A δ} is reused while the time it reaches stays within 1e-12 of the one asked for
      // (an expm per sample made the K = 16 bank's covariance, 2P simulations, take minutes).
      const delta = tau[k] - prev;
      if (!(Math.abs(delta - lastDelta) <= 1e-12 * Math.max(1, Math.abs(tau[k])))) {
        for (let j = 0; j < n * n; j++) Ad[j] = A[j] * delta;
        exp(Ad, M);
        lastDelta = delta;
      }
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += M[i * n + j] * z[j];
        z1[i] = s;
      }
      z.set(z1);
      prev += lastDelta;
      observe(k);
    }
    return out;
  }
  const stepper = rk4.init(pendulumBankTerm(lay), theta);
  let now = 0;
  for (let k = 0; k < tau.length; k++) {
    while (now < tau[k]) {
      // Steps of h on the training grid; a shorter last step lands exactly on tau[k].
      const step = tau[k] - now <= h * (1 + 1e-9) ? tau[k] - now : h;
      stepper.step(now, step, z, z1, null);
      stepper.accept();
      z.set(z1);
      now = step === tau[k] - now ? tau[k] : now + step;
    }
    observe(k);
  }
  return out;
}
