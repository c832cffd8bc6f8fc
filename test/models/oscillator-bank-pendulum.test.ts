/**
 * The pendulum bank's global strategy (oscillator-bank/pendulum-fit.ts, coupled-start.ts) on
 * the talk's nonlinear system, and the reference experiment's `observe: 'all'`.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { referenceData } from '../../src/eval/reference-experiment.js';
import { oscillatorBankFamily } from '../../src/models/oscillator-bank.js';
import { coupledStart } from '../../src/models/oscillator-bank/coupled-start.js';
import { BankLayout } from '../../src/models/oscillator-bank/params.js';
import { simulateBank } from '../../src/models/oscillator-bank/simulate.js';
import { esprit } from '../../src/models/spectral/esprit.js';
import type { Series } from '../../src/data/series.js';

const modes = [
  { frequency: 1.2, decay: 0.02, channels: [{ amplitude: 1, phase: 0.3 }] },
  { frequency: 1.7, decay: 0.03, channels: [{ amplitude: 0.6, phase: -1 }] },
  { frequency: 2.9, decay: 0.01, channels: [{ amplitude: 0.2, phase: 2 }] },
];

function eigenvalues(lay: BankLayout, theta: Float64Array): number[] {
  const S = new Float64Array(lay.K * lay.K);
  lay.stiffness(theta, S);
  const rows = Array.from({ length: lay.K }, (_, i) => Array.from(S.subarray(i * lay.K, (i + 1) * lay.K)));
  return new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues.sort((a, b) => a - b);
}

describe('coupledStart: a coupled bank whose linearisation carries the given modes', () => {
  it('its stiffness has eigenvalues f² + σ² for every coupling pattern, with the couplings asked for', () => {
    const lay = new BankLayout(3, 1);
    for (const c of [0.03, 0.1, 0.3]) {
      const theta = coupledStart(lay, modes, [0.5], new Float64Array(lay.nPairs).fill(c), false)!;
      const lambda = eigenvalues(lay, theta);
      modes.forEach((m, j) => expect(Math.abs(lambda[j] - (m.frequency ** 2 + m.decay ** 2))).toBeLessThan(1e-9));
      for (let p = 0; p < lay.nPairs; p++) expect(lay.couplingOf(theta, p)).toBeCloseTo(c, 12);
      // The oscillators are not the modes: coupling lowers each natural frequency below its mode's.
      expect(lay.omegaOf(theta, 0)).toBeLessThan(modes[0].frequency - 0.5 * c);
      expect(theta[lay.offset]).toBe(0.5);
    }
  });

  it('the linear bank from it reproduces the modes in y = Σ x (W = 1) to first order in the damping', () => {
    const lay = new BankLayout(3, 1);
    const theta = coupledStart(lay, modes, [0], new Float64Array(lay.nPairs).fill(0.1), false)!;
    const tau = Float64Array.from({ length: 501 }, (_, i) => 0.02 * i);
    const y = simulateBank(lay, theta, tau, false, 0.02)[0];
    const want = tau.map((t) => modes.reduce((s, m) => s + m.channels[0].amplitude * Math.exp(-m.decay * t) * Math.cos(m.frequency * t + m.channels[0].phase), 0));
    let err = 0;
    let ss = 0;
    for (let i = 0; i < tau.length; i++) {
      err += (y[i] - want[i]) ** 2;
      ss += want[i] ** 2;
    }
    expect(Math.sqrt(err / ss)).toBeLessThan(0.03);
    expect(Array.from(theta.subarray(lay.W, lay.W + 3))).toEqual([1, 1, 1]);
  });

  it('with pendulum, one pendulum of amplitude a gets the ω whose exact period is the mode’s (elliptic integral, to the describing function’s O(a⁴))', () => {
    // The exact frequency of x'' = −ω² sin x at amplitude a: ω·AGM(1, cos(a/2)) (π / 2K(sin(a/2)) by Gauss's AGM).
    const agm = (a: number, b: number) => {
      for (let i = 0; i < 40; i++) [a, b] = [(a + b) / 2, Math.sqrt(a * b)];
      return a;
    };
    const lay = new BankLayout(1, 1);
    for (const a of [0.5, 1, 1.4]) {
      const f = 1.3 * agm(1, Math.cos(a / 2));
      const theta = coupledStart(lay, [{ frequency: f, decay: 0, channels: [{ amplitude: a, phase: 0 }] }], [0], new Float64Array(0), true)!;
      expect(Math.abs(lay.omegaOf(theta, 0) / 1.3 - 1)).toBeLessThan(2e-3 * a ** 4);
      // Without the correction the start would be the linear one, a·²/16 slow.
      expect(Math.abs(f / 1.3 - 1)).toBeGreaterThan(0.05 * a * a);
    }
  });

  it('with pendulum, the swinging bank simulated from the start carries the modes asked for (harmonic balance with the cross terms); the linear start does not', () => {
    const lay = new BankLayout(2, 1);
    const want = [
      { frequency: 1.2, decay: 0, channels: [{ amplitude: 1, phase: 0.3 }] },
      { frequency: 1.7, decay: 0, channels: [{ amplitude: 0.3, phase: -1 }] },
    ];
    const tau = Float64Array.from({ length: 4001 }, (_, i) => 0.01 * i);
    const modesOf = (pendulum: boolean) => {
      const theta = coupledStart(lay, want, [0], Float64Array.of(0.1), pendulum)!;
      const y = simulateBank(lay, theta, tau, true, 0.01);
      return esprit(tau, y, { order: 2, offset: true, extra: 8 }).modes.slice(0, 2).sort((a, b) => a.frequency - b.frequency);
    };
    const got = modesOf(true);
    want.forEach((m, j) => {
      expect(Math.abs(got[j].frequency / m.frequency - 1)).toBeLessThan(2e-3);
      expect(Math.abs(got[j].channels[0].amplitude / m.channels[0].amplitude - 1)).toBeLessThan(0.05);
    });
    const linear = modesOf(false);
    expect(Math.max(...want.map((m, j) => Math.abs(linear[j].frequency / m.frequency - 1)))).toBeGreaterThan(0.03);
  });

  it('returns null with fewer modes than oscillators', () => {
    expect(coupledStart(new BankLayout(4, 1), modes, [0], new Float64Array(6).fill(0.1), true)).toBeNull();
  });
});

describe('referenceData: observe', () => {
  it("'all' gives one channel per pendulum; they sum to the 'sum' signal; noise is per channel", () => {
    const sum = referenceData({ oscillators: 3, until: 5, trainUntil: 2 });
    const all = referenceData({ oscillators: 3, until: 5, trainUntil: 2, observe: 'all' });
    expect(all.observed.names).toEqual(['x1', 'x2', 'x3']);
    let worst = 0;
    for (let i = 0; i < sum.truth.t.length; i++) worst = Math.max(worst, Math.abs(all.truth.y[0][i] + all.truth.y[1][i] + all.truth.y[2][i] - sum.truth.y[0][i]));
    expect(worst).toBeLessThan(1e-9);
    const noisy = referenceData({ oscillators: 3, until: 5, trainUntil: 2, observe: 'all', noise: 0.05, seed: 3 });
    const r0 = noisy.observed.y[0].map((v, i) => v - noisy.truth.y[0][i]);
    const r1 = noisy.observed.y[1].map((v, i) => v - noisy.truth.y[1][i]);
    const sd = (r: Float64Array) => Math.sqrt(r.reduce((s, v) => s + v * v, 0) / r.length);
    expect(sd(r0)).toBeGreaterThan(0.04);
    expect(sd(r0)).toBeLessThan(0.06);
    expect(r0[10]).not.toBe(r1[10]);
    expect(() => referenceData({ observe: 'some' as never })).toThrow(ConfigError);
  });
});

/** Fits the bank of K pendulums on the window and scores it beyond (evaluate's metrics). */
async function fitAndScore(K: number, observe: 'sum' | 'all' = 'sum') {
  const data = referenceData({ nonlinear: true, observe });
  const b = data.observed.t.findIndex((x) => x > data.split.trainUntil + 1e-9);
  const train: Series = { t: data.observed.t.slice(0, b), y: data.observed.y.map((c) => c.slice(0, b)), names: data.observed.names };
  const fitted = await oscillatorBankFamily.fit({ family: 'oscillator-bank', config: { ...oscillatorBankFamily.defaults, oscillators: K, nonlinear: true } }, train, { seed: 0 });
  return evaluate(fitted, { observed: data.observed, truth: data.truth, split: data.split }).metrics;
}

describe('the talk’s nonlinear system (lawful demo --nonlinear), from data alone', () => {
  // Only the observed series reaches the fit: the true ω, couplings and initial state never do.
  it(
    'the pendulum bank with K = N = 4 follows the truth to the end and meets the issue’s beyond-window NRMSE ≤ 0.05 (0.020; was 0.095, first 1.47); K = 2 mimics it only partly',
    async () => {
      const four = await fitAndScore(4);
      expect(four.nrmseIn).toBeLessThan(1e-4);
      expect(four.nrmseOut).toBeLessThan(0.05);
      expect(four.validPredictionTime).toBe(30);
      const two = await fitAndScore(2);
      expect(two.nrmseIn).toBeGreaterThan(10 * four.nrmseIn);
      expect(two.nrmseOut).toBeGreaterThan(3 * four.nrmseOut);
      expect(two.validPredictionTime).toBeLessThan(15);
    },
    120_000,
  );

  it(
    'with every pendulum observed (observe all), K = 4 meets the issue’s beyond-window NRMSE ≤ 0.05 to the end (5e-10 from the bank’s own equations, observed-start.ts; 0.043 from the modal starts)',
    async () => {
      const four = await fitAndScore(4, 'all');
      expect(four.nrmseOut).toBeLessThan(0.05);
      expect(four.validPredictionTime).toBe(30);
    },
    90_000,
  );
});
