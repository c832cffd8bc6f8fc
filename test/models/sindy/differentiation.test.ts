// Derivative estimation: finite differences exact on polynomials of their order (endpoints
// included) with the measured convergence order, Savitzky–Golay against plain differences
// on noisy data, and total-variation regularisation on noisy data.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { Rng } from '../../../src/core/rng.js';
import { finiteDifference, savitzkyGolay, totalVariation } from '../../../src/models/sindy/differentiation/index.js';

const grid = (n: number, dt: number, t0 = 0) => Float64Array.from({ length: n }, (_, i) => t0 + i * dt);
const maxErr = (a: Float64Array, b: (i: number) => number) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b(i))), 0);
const rms = (a: Float64Array, b: (i: number) => number) => Math.sqrt(a.reduce((m, v, i) => m + (v - b(i)) ** 2, 0) / a.length);

describe('finite differences', () => {
  it('are exact on a linear ramp at every order, endpoints included', () => {
    const t = grid(12, 0.3, -1);
    for (let order = 1; order <= 8; order++) {
      const d = finiteDifference(order).differentiate(t.map((s) => 2.5 * s - 7), 0.3);
      expect(maxErr(d, () => 2.5)).toBeLessThan(1e-11);
    }
  });

  it('are exact on a polynomial of degree p for order p ≥ 2, endpoints included', () => {
    const t = grid(15, 0.1, 0.5);
    for (let order = 2; order <= 6; order++) {
      const x = t.map((s) => (s - 0.3) ** order + s);
      const d = finiteDifference(order).differentiate(x, 0.1);
      expect(maxErr(d, (i) => order * (t[i] - 0.3) ** (order - 1) + 1)).toBeLessThan(1e-9);
    }
    // One order too low is not exact: the test can tell.
    const cubic = t.map((s) => s ** 3);
    expect(maxErr(finiteDifference(2).differentiate(cubic, 0.1), (i) => 3 * t[i] ** 2)).toBeGreaterThan(1e-4);
  });

  it('converge at their order on sin (measured over the whole grid, endpoints included)', () => {
    for (const order of [1, 2, 3, 4, 6]) {
      const err = [0.1, 0.05].map((dt) => {
        const t = grid(Math.round(4 / dt) + 1, dt);
        return maxErr(finiteDifference(order).differentiate(t.map(Math.sin), dt), (i) => Math.cos(t[i]));
      });
      const measured = Math.log2(err[0] / err[1]);
      expect(measured).toBeGreaterThan(order - 0.3);
      expect(measured).toBeLessThan(order + 0.6);
    }
  });

  it('refuse an order outside 1…8 with a ConfigError naming the option', () => {
    expect(() => finiteDifference(0)).toThrow(ConfigError);
    expect(() => finiteDifference(2.5)).toThrow(/differentiation\.order/);
  });
});

describe('smoothed and regularised differences on noisy data', () => {
  const dt = 0.01;
  const t = grid(1001, dt);
  const rng = new Rng(3);
  const noisy = t.map((s) => Math.sin(s) + 0.01 * rng.normal());
  const truth = (i: number) => Math.cos(t[i]);
  const plain = rms(finiteDifference(2).differentiate(noisy, dt), truth);

  it('Savitzky–Golay cuts the noise error of plain differences tenfold (1% noise)', () => {
    const sg = rms(savitzkyGolay(41, 3).differentiate(noisy, dt), truth);
    expect(plain).toBeGreaterThan(0.5); // σ/(√2 dt) ≈ 0.7
    expect(sg).toBeLessThan(plain / 10);
  });

  it('Savitzky–Golay of degree d is exact on polynomials of degree d, endpoints included', () => {
    const x = t.slice(0, 50).map((s) => 1 - 2 * s + 3 * s ** 2 - s ** 3);
    expect(maxErr(savitzkyGolay(9, 3).differentiate(x, dt), (i) => -2 + 6 * t[i] - 3 * t[i] ** 2)).toBeLessThan(1e-9);
  });

  it('total-variation regularisation cuts it twentyfold, and integrates back to the data', () => {
    const u = totalVariation({ alpha: 1e-2 }).differentiate(noisy, dt);
    expect(rms(u, truth)).toBeLessThan(plain / 20);
    // ∫u stays within the noise of the data.
    let s = 0;
    let worst = 0;
    for (let i = 1; i < t.length; i++) {
      s += 0.5 * dt * (u[i - 1] + u[i]);
      worst = Math.max(worst, Math.abs(noisy[0] + s - Math.sin(t[i])));
    }
    expect(worst).toBeLessThan(0.02);
  });

  it('a range of samples, as the fit streams it, is the whole series\' derivative bit for bit (ends and interior)', () => {
    const rng = new Rng(3);
    const x = Float64Array.from({ length: 57 }, () => rng.normal());
    for (const d of [finiteDifference(2), finiteDifference(5), savitzkyGolay(9, 3)]) {
      const whole = d.differentiate(x, 0.05);
      const pieced = new Float64Array(57);
      // Cuts that fall inside both end regions, the interior, and a one-sample range.
      for (const [lo, hi] of [[0, 2], [2, 3], [3, 30], [30, 54], [54, 57]]) {
        const out = new Float64Array(hi - lo);
        d.differentiateRange!(x, 0.05, lo, hi, out);
        pieced.set(out, lo);
      }
      expect(Array.from(pieced), d.name).toEqual(Array.from(whole));
    }
  });

  it('refuse an even window and a degree ≥ window', () => {
    expect(() => savitzkyGolay(10, 3)).toThrow(/differentiation\.window/);
    expect(() => savitzkyGolay(5, 5)).toThrow(/differentiation\.degree/);
  });
});
