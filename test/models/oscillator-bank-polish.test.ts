/**
 * The Levenberg–Marquardt polish of the bank (levenberg-marquardt.ts) and the decimated
 * residual its Jacobian uses (BankLoss.residualEvery).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { BankLevenbergMarquardt } from '../../src/models/oscillator-bank/levenberg-marquardt.js';
import { BankLoss } from '../../src/models/oscillator-bank/loss.js';
import { BankLayout, softplusInv } from '../../src/models/oscillator-bank/params.js';
import { simulateBank } from '../../src/models/oscillator-bank/simulate.js';

/** A coupled K = 3 bank observed in two channels, and its exact output on N samples of dt. */
function exactBank(N: number, dt: number) {
  const lay = new BankLayout(3, 2);
  const th = new Float64Array(lay.size);
  th.set([Math.log(1.1), Math.log(1.7), Math.log(2.4)], lay.omega);
  th.set([softplusInv(0.04), softplusInv(0.03), softplusInv(0.05)], lay.damping);
  th.set([softplusInv(0.2), softplusInv(0.05), softplusInv(0.1)], lay.coupling);
  th.set([0.8, -0.4, 0.3, 0.1, 0.5, -0.2], lay.z0);
  th.set([1, 0.6, -0.3, 0.2, 1, 0.7], lay.W);
  th.set([0.1, -0.2], lay.offset);
  const t = Float64Array.from({ length: N }, (_, i) => i * dt);
  return { lay, th, y: simulateBank(lay, th, t, false, dt) };
}

describe('oscillator bank: the decimated residual', () => {
  it('equals the full residual at every q-th sample (e^{A q dt} = (e^{A dt})^q)', () => {
    const N = 400;
    const { lay, th } = exactBank(N, 0.02);
    const rng = new Rng(3);
    const y = [0, 1].map(() => Float64Array.from({ length: N }, () => rng.normal(0, 1)));
    const loss = new BankLoss(lay, y, 0.02, { nonlinear: false, substeps: 1 });
    const full = new Float64Array(2 * N);
    expect(loss.residual(th, full)).toBe(true);
    for (const q of [1, 3, 7]) {
      const m = Math.ceil(N / q);
      const dec = new Float64Array(2 * m);
      expect(loss.residualEvery(q, th, dec)).toBe(true);
      let worst = 0;
      for (let c = 0; c < 2; c++) for (let k = 0; k < m; k++) worst = Math.max(worst, Math.abs(dec[c * m + k] - full[c * N + k * q]));
      expect(worst).toBeLessThan(1e-12);
    }
    // ℓ = ‖r‖² (no penalty) agrees with evaluate().
    let ss = 0;
    for (const v of full) ss += v * v;
    expect(Math.abs(ss - loss.evaluate(th, null, false)) / ss).toBeLessThan(1e-12);
  });
});

describe('oscillator bank: Levenberg–Marquardt polish', () => {
  it('converges from a perturbed coupled bank to the exact fit in a few Jacobians (Gauss–Newton, zero residual)', () => {
    const N = 601;
    const { lay, th, y } = exactBank(N, 0.02);
    const loss = new BankLoss(lay, y, 0.02, { nonlinear: false, substeps: 1 });
    const start = th.slice();
    const rng = new Rng(8);
    for (let j = 0; j < lay.size; j++) start[j] += rng.normal(0, 1e-3) * Math.max(1, Math.abs(start[j]));
    const l0 = loss.evaluate(start, null, false);
    expect(Math.sqrt(l0)).toBeGreaterThan(1e-3);
    const lm = new BankLevenbergMarquardt(loss, BankLevenbergMarquardt.fastest(lay, start));
    const r = lm.polish(start, 10, 1e-3);
    // Zero-residual least squares: Gauss–Newton converges (super)linearly to NRMSE ~1e-10 and below.
    expect(Math.sqrt(r.loss)).toBeLessThan(1e-9);
    expect(r.iterations).toBeLessThanOrEqual(8);
    expect(Math.abs(r.loss - loss.evaluate(start, null, false))).toBeLessThan(1e-20);
    // The modes are recovered: the polished bank's output matches beyond the window too.
    const t = Float64Array.from({ length: 2 * N }, (_, i) => i * 0.02);
    const a = simulateBank(lay, start, t, false, 0.02)[0];
    const b = simulateBank(lay, th, t, false, 0.02)[0];
    let worst = 0;
    for (let i = 0; i < t.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-6);
  });

  it('never accepts a step that raises the loss (every step is checked on the exact ℓ)', () => {
    const N = 301;
    const { lay, th, y } = exactBank(N, 0.02);
    const rng = new Rng(1);
    const noisy = y.map((c) => c.map((v) => v + rng.normal(0, 0.05)));
    const loss = new BankLoss(lay, noisy, 0.02, { nonlinear: false, substeps: 1 });
    const start = th.slice();
    const before = loss.evaluate(start, null, false);
    const r = new BankLevenbergMarquardt(loss, BankLevenbergMarquardt.fastest(lay, start)).polish(start, 5);
    expect(r.loss).toBeLessThanOrEqual(before);
    expect(Math.abs(r.loss - loss.evaluate(start, null, false))).toBeLessThan(1e-15);
  });
});
