import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { AbortError, ConfigError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { oscillatorBankFamily } from '../../src/models/oscillator-bank.js';
import type { OscillatorBankConfig } from '../../src/models/oscillator-bank.js';
import { BankLoss } from '../../src/models/oscillator-bank/loss.js';
import { BankLayout, softplusInv } from '../../src/models/oscillator-bank/params.js';
import { simulateBank } from '../../src/models/oscillator-bank/simulate.js';
import { getFamily } from '../../src/models/index.js';
import { linearBankTerm } from '../../src/models/oscillator-bank/term.js';
import { solveWithAdjoint } from '../../src/ode/solve.js';
import { bankGradientError, DOMINANT_AMPS, EQUAL_AMPS, nrmse, REF_DECAY, REF_FREQ, referenceSignal, std, trainSeries } from './signals.js';

const cfg = (over: Partial<OscillatorBankConfig>) => ({ family: 'oscillator-bank', config: { ...oscillatorBankFamily.defaults, ...over } });

function randomTheta(lay: BankLayout, rng: Rng, sd = 0.5): Float64Array {
  const th = new Float64Array(lay.size);
  for (let i = 0; i < th.length; i++) th[i] = rng.normal(0, sd);
  return th;
}

describe('oscillator bank: gradients', () => {
  const K = 3;
  const C = 2;
  const lay = new BankLayout(K, C);
  const N = 151;
  const dt = 0.05;
  const y = [0, 1].map((c) => Float64Array.from({ length: N }, (_, i) => Math.sin((1 + c) * i * dt) + 0.3 * Math.cos(2.3 * i * dt) + 0.2 * c));
  for (const nonlinear of [false, true]) {
    for (const project of [false, true]) {
      it(`matches central differences (${nonlinear ? 'pendulum bank, RK4 adjoint' : 'linear bank, exact propagator'}, W ${project ? 'projected' : 'learned'})`, () => {
        const loss = new BankLoss(lay, y, dt, { nonlinear, substeps: 2 });
        const rng = new Rng(nonlinear ? 11 : 5);
        const th = randomTheta(lay, rng);
        const x = project ? th.slice(0, lay.nDynamic) : th;
        expect(bankGradientError(loss, x, project)).toBeLessThan(1e-6);
      });
    }
  }
});

describe('oscillator bank: the allocation-free propagator agrees with the core adjoint', () => {
  it('gives the gradient of solveWithAdjoint with the exact-linear solver (same maths, one expm and one Fréchet per evaluation)', () => {
    const K = 3;
    const lay = new BankLayout(K, 1);
    const N = 200; // even: the adjoint sweep's alternating buffers end in the other one
    const dt = 0.02;
    const y = [Float64Array.from({ length: N }, (_, i) => Math.sin(1.3 * i * dt) + 0.5 * Math.cos(2.2 * i * dt))];
    const th = randomTheta(lay, new Rng(9), 0.4);
    const loss = new BankLoss(lay, y, dt, { nonlinear: false, substeps: 1 });
    const own = new Float64Array(lay.size);
    const f = loss.evaluate(th, own, false);
    const n = 2 * K;
    const sol = solveWithAdjoint({
      term: linearBankTerm(lay),
      solver: 'exact-linear',
      t0: 0,
      t1: (N - 1) * dt,
      y0: th.slice(lay.z0, lay.z0 + n),
      theta: th,
      saveAt: Float64Array.from({ length: N }, (_, i) => i * dt),
      dt,
    });
    const w = 1 / (N * std(y[0]) ** 2);
    const gY = new Float64Array(sol.y.length);
    let fc = 0;
    for (let s = 0; s < N; s++) {
      let yh = th[lay.offset];
      for (let i = 0; i < K; i++) yh += th[lay.W + i] * sol.y[s * n + i];
      const r = yh - y[0][s];
      fc += w * r * r;
      for (let i = 0; i < K; i++) gY[s * n + i] = 2 * w * r * th[lay.W + i];
    }
    const b = sol.backward(gY);
    expect(Math.abs(fc - f) / f).toBeLessThan(1e-12);
    for (let i = 0; i < lay.nDynamic; i++) {
      const core = i >= lay.z0 && i < lay.z0 + n ? b.dY0[i - lay.z0] : b.dTheta[i];
      expect(Math.abs(core - own[i])).toBeLessThan(1e-10 * Math.max(1, Math.abs(own[i])));
    }
  });
});

describe('oscillator bank: stability by construction', () => {
  it('every random parameter vector gives eigenvalues of A with Re ≤ 0', () => {
    const rng = new Rng(3);
    let worst = -Infinity;
    for (let trial = 0; trial < 300; trial++) {
      const K = 1 + rng.int(6);
      const lay = new BankLayout(K, 1);
      const th = randomTheta(lay, rng, 3);
      const n = 2 * K;
      const A = new Float64Array(n * n);
      lay.matrix(th, A, new Float64Array(K * K));
      const evd = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, (i + 1) * n)))));
      for (const re of evd.realEigenvalues) worst = Math.max(worst, re);
    }
    expect(worst).toBeLessThanOrEqual(1e-10);
  });
});

describe('oscillator bank: the pendulum bank', () => {
  it('reduces to the linear bank at small amplitude (sin x ≈ x: difference O(x³))', () => {
    const lay = new BankLayout(2, 1);
    const rng = new Rng(2);
    const th = randomTheta(lay, rng, 0.3);
    const tau = Float64Array.from({ length: 200 }, (_, i) => 0.05 * (i + 1));
    const gap = (scale: number) => {
      const t2 = th.slice();
      for (let i = 0; i < 4; i++) t2[lay.z0 + i] *= scale;
      const a = simulateBank(lay, t2, tau, false, 0.01)[0];
      const b = simulateBank(lay, t2, tau, true, 0.01)[0];
      let m = 0;
      for (let i = 0; i < tau.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
      return m;
    };
    const r = gap(0.02) / gap(0.01);
    expect(r).toBeGreaterThan(7); // cubic: doubling the amplitude multiplies the gap by ~8
    expect(r).toBeLessThan(9);
  });
});

describe('oscillator bank: fitting pendulums', () => {
  it(
    'the pendulum bank fits swinging pendulums (amplitude ~1 rad) better than the linear bank',
    async () => {
      const lay = new BankLayout(2, 1);
      const th = new Float64Array(lay.size);
      th.set([Math.log(1.3), Math.log(2.1), softplusInv(0.04), softplusInv(0.03), softplusInv(0.1)]);
      th.set([1.0, -0.7, 0.3, 0.5], lay.z0);
      th.set([1, 1], lay.W);
      const t = Float64Array.from({ length: 801 }, (_, i) => i * 0.01);
      const y = simulateBank(lay, th, t, true, 0.01)[0];
      const train = { t, y: [y], names: ['y'] };
      const sdy = std(y);
      const fitIn = async (nonlinear: boolean) => {
        const f = await oscillatorBankFamily.fit(cfg({ oscillators: 2, restarts: 1, nonlinear }), train, { seed: 0 });
        return nrmse(f.forecast(t, train).mean[0], y, 0, t.length, sdy);
      };
      const pendulum = await fitIn(true);
      const linear = await fitIn(false);
      expect(pendulum).toBeLessThan(0.01);
      expect(pendulum).toBeLessThan(linear / 2);
    },
    20_000,
  );
});

describe('oscillator bank: the reference experiment (short form)', () => {
  const truth = referenceSignal(EQUAL_AMPS, 30);
  const train = trainSeries(truth, 10);
  const nTrain = train.t.length;
  const sd = std(truth.clean, nTrain);

  it(
    'K = 4 recovers the 4 modes within 1% and forecasts (10, 30] with NRMSE ≤ 0.05',
    async () => {
      const f = await oscillatorBankFamily.fit(cfg({ oscillators: 4 }), train, { seed: 0 });
      const modes = (f.describe() as unknown as { modes: { frequency: number; decay: number }[] }).modes;
      expect(modes).toHaveLength(4);
      modes.forEach((m, k) => {
        expect(Math.abs(m.frequency - REF_FREQ[k]) / REF_FREQ[k]).toBeLessThan(0.01);
        expect(Math.abs(m.decay - REF_DECAY[k]) / REF_DECAY[k]).toBeLessThan(0.01);
      });
      const fc = f.forecast(truth.t, train).mean[0];
      expect(nrmse(fc, truth.clean, 0, nTrain, sd)).toBeLessThan(1e-4);
      expect(nrmse(fc, truth.clean, nTrain, truth.t.length, sd)).toBeLessThan(0.05);
    },
    20_000,
  );

  it(
    'K = 2 on a two-mode-dominated signal follows the window approximately and drifts beyond it, unlike K = 4',
    async () => {
      const s = referenceSignal(DOMINANT_AMPS, 30);
      const tr = trainSeries(s, 10);
      const sdd = std(s.clean, nTrain);
      const f2 = await oscillatorBankFamily.fit(cfg({ oscillators: 2, restarts: 1 }), tr, { seed: 0 });
      const f4 = await oscillatorBankFamily.fit(cfg({ oscillators: 4, restarts: 1 }), tr, { seed: 0 });
      const p2 = f2.forecast(s.t, tr).mean[0];
      const p4 = f4.forecast(s.t, tr).mean[0];
      expect(nrmse(p2, s.clean, 0, nTrain, sdd)).toBeLessThan(0.3);
      const out2 = nrmse(p2, s.clean, nTrain, s.t.length, sdd);
      const out4 = nrmse(p4, s.clean, nTrain, s.t.length, sdd);
      expect(out4).toBeLessThan(0.05);
      expect(out2).toBeGreaterThan(4 * out4);
      expect(out2).toBeGreaterThan(nrmse(p2, s.clean, 0, nTrain, sdd));
    },
    20_000,
  );

  it(
    'K = 4 still forecasts well at 5% noise when the window identifies the modes (train t ≤ 20)',
    async () => {
      // With t ≤ 10 the Cramér–Rao bound of these modes at σ = 0.05 allows forecast errors of
      // order 1 for ANY estimator (see the report); t ≤ 20 brings it to ~0.01.
      const s = referenceSignal(DOMINANT_AMPS, 40, 0.05, 7);
      const tr = trainSeries(s, 20);
      const n = tr.t.length;
      const f = await oscillatorBankFamily.fit(cfg({ oscillators: 4, restarts: 1 }), tr, { seed: 0 });
      const fc = f.forecast(s.t, tr).mean[0];
      expect(nrmse(fc, s.clean, n, s.t.length, std(s.clean, n))).toBeLessThan(0.05);
    },
    20_000,
  );
});

describe('oscillator bank: contract', () => {
  const truth = referenceSignal(EQUAL_AMPS, 12);
  const train = trainSeries(truth, 6);

  it('saved models reload and forecast bitwise identically (linear and pendulum banks)', async () => {
    for (const nonlinear of [false, true]) {
      const f = await oscillatorBankFamily.fit(cfg({ oscillators: 2, restarts: 1, nonlinear, maxIterations: 30 }), train, { seed: 0 });
      const g = getFamily('oscillator-bank').load(JSON.parse(JSON.stringify(f.toJSON())));
      const times = Float64Array.from({ length: 300 }, (_, i) => 0.04 * i);
      expect(Array.from(g.forecast(times, train).mean[0])).toEqual(Array.from(f.forecast(times, train).mean[0]));
      expect(g.describe()).toEqual(f.describe());
    }
  });

  it('describe() reports modes, per-oscillator parameters with the identifiability caveat, and equations', async () => {
    const f = await oscillatorBankFamily.fit(cfg({ oscillators: 2, restarts: 1, maxIterations: 30 }), train, { seed: 0 });
    const d = f.describe() as unknown as { caveat: string; oscillators: unknown[]; couplings: unknown[]; equations: string[]; parameters: number };
    expect(d.caveat).toMatch(/identifies the normal modes/);
    expect(d.oscillators).toHaveLength(2);
    expect(d.couplings).toHaveLength(1);
    expect(d.equations).toHaveLength(3);
    expect(d.equations[0]).toMatch(/^x1'' = /);
    expect(d.parameters).toBe(f.nParams);
  });

  it('uses held-out restarts, reports progress, and stops on abort', async () => {
    const seen: number[] = [];
    await oscillatorBankFamily.fit(cfg({ oscillators: 2, restarts: 2, maxIterations: 20 }), train, { seed: 1, onProgress: (p) => seen.push(p.fraction) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen[seen.length - 1]).toBe(1);
    const ac = new AbortController();
    ac.abort();
    await expect(oscillatorBankFamily.fit(cfg({ oscillators: 2 }), train, { seed: 0, signal: ac.signal })).rejects.toThrow(AbortError);
  });

  it('rejects impossible configurations and unknown families by name', async () => {
    await expect(oscillatorBankFamily.fit(cfg({ oscillators: 0 }), train, { seed: 0 })).rejects.toThrow(/oscillators/);
    const holed = { ...train, y: [train.y[0].map((v, i) => (i === 17 ? NaN : v))] };
    await expect(oscillatorBankFamily.fit(cfg({}), holed, { seed: 0 })).rejects.toThrow(/sample 17/);
    expect(() => getFamily('nope')).toThrow(ConfigError);
    expect(() => getFamily('nope')).toThrow(/oscillator-bank/);
  });
});
