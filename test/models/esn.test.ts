// The echo-state network (src/models/esn.ts) and its parts: the ridge readout against the
// closed form, the spectral radius against a dense eigendecomposition, the leak-1 update by
// hand, determinism, and the Lorenz-63 sanity gate.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { solveLinear } from '../../src/core/linalg.js';
import { Rng } from '../../src/core/rng.js';
import { esnFamily } from '../../src/models/esn.js';
import { buildReservoir, reservoirStep } from '../../src/models/reservoir/reservoir.js';
import { RidgeAccumulator } from '../../src/models/reservoir/ridge.js';
import { gateVpt, lorenzGate } from './lorenz-gate.js';

const shape = { size: 120, degree: 3, spectralRadius: 0.95, leak: 1, inputScaling: 0.5, bias: 0.2 };

describe('the ridge readout', () => {
  // 203 rows (not a multiple of the 64-row block) and 7 features (not a multiple of 4).
  const m = 203, p = 7, q = 2;
  const rng = new Rng(1);
  const X = new Float64Array(m * p).map(() => rng.normal());
  const Wtrue = new Float64Array(q * p).map(() => rng.normal());
  const Y = new Float64Array(m * q);
  for (let i = 0; i < m; i++) for (let c = 0; c < q; c++) for (let j = 0; j < p; j++) Y[i * q + c] += Wtrue[c * p + j] * X[i * p + j];
  const accumulate = () => {
    const acc = new RidgeAccumulator(p, q);
    for (let i = 0; i < m; i++) acc.add(X.subarray(i * p, (i + 1) * p), Y.subarray(i * q, (i + 1) * q));
    return acc;
  };

  it('recovers the exact coefficients of a noiseless linear map at ridge 0', () => {
    const W = accumulate().solve(0);
    for (let k = 0; k < W.length; k++) expect(W[k]).toBeCloseTo(Wtrue[k], 10);
  });

  it('equals the closed form (XᵀX + λI)⁻¹ XᵀY at ridge λ = 30', () => {
    const lambda = 30;
    const A = new Float64Array(p * p), B = new Float64Array(p * q);
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < p; a++) {
        for (let b = 0; b < p; b++) A[a * p + b] += X[i * p + a] * X[i * p + b];
        for (let c = 0; c < q; c++) B[a * q + c] += X[i * p + a] * Y[i * q + c];
      }
    }
    for (let a = 0; a < p; a++) A[a * p + a] += lambda;
    const ref = solveLinear(A, p, B, q); // p × q
    const W = accumulate().solve(lambda); // q × p
    let shrunk = false;
    for (let c = 0; c < q; c++) {
      for (let j = 0; j < p; j++) {
        expect(W[c * p + j]).toBeCloseTo(ref[j * q + c], 12);
        if (Math.abs(W[c * p + j] - Wtrue[c * p + j]) > 1e-3) shrunk = true;
      }
    }
    expect(shrunk).toBe(true); // the ridge did something
  });

  it('singular normal equations are a ConfigError naming ridge', () => {
    const acc = new RidgeAccumulator(3, 1);
    for (let i = 0; i < 10; i++) acc.add(Float64Array.of(1, i, 2 * i), Float64Array.of(i));
    expect(() => acc.solve(0)).toThrow(ConfigError);
    expect(() => acc.solve(0)).toThrow(/^ridge: /);
  });
});

describe('the reservoir', () => {
  it('is scaled to the asked spectral radius (dense eigenvalues agree within 1 %)', () => {
    for (const target of [0.5, 1.2]) {
      const res = buildReservoir({ ...shape, spectralRadius: target }, 2, 11);
      const W = new Matrix(res.size, res.size);
      for (let i = 0; i < res.size; i++) for (let k = res.rowStart[i]; k < res.rowStart[i + 1]; k++) W.set(i, res.col[k], res.val[k]);
      const e = new EigenvalueDecomposition(W);
      const radius = Math.max(...e.realEigenvalues.map((re, i) => Math.hypot(re, e.imaginaryEigenvalues[i])));
      expect(Math.abs(radius / target - 1)).toBeLessThan(0.01);
      // Every row has `degree` distinct columns.
      for (let i = 0; i < res.size; i++) expect(new Set(res.col.subarray(res.rowStart[i], res.rowStart[i + 1])).size).toBe(3);
    }
  });

  it('with leak 1, no input and no bias, one step is r_{k+1} = tanh(W r_k), computed by hand', () => {
    const res = buildReservoir({ ...shape, inputScaling: 0, bias: 0 }, 1, 5);
    const r = new Float64Array(res.size).map((_, i) => Math.sin(i + 1));
    const scratch = new Float64Array(res.size);
    for (let step = 0; step < 3; step++) {
      const expected = new Float64Array(res.size);
      for (let i = 0; i < res.size; i++) {
        let s = 0;
        for (let k = res.rowStart[i]; k < res.rowStart[i + 1]; k++) s += res.val[k] * r[res.col[k]];
        expected[i] = Math.tanh(s);
      }
      reservoirStep(res, r, Float64Array.of(123.4), scratch);
      expect(Array.from(r)).toEqual(Array.from(expected));
    }
  });

  it('a leak a blends the old state: r_{k+1} = (1 − a) r_k + a tanh(…)', () => {
    const res1 = buildReservoir(shape, 1, 5), resA = buildReservoir({ ...shape, leak: 0.3 }, 1, 5);
    const r0 = new Float64Array(shape.size).map((_, i) => Math.cos(i));
    const [r1, rA] = [r0.slice(), r0.slice()];
    const scratch = new Float64Array(shape.size);
    reservoirStep(res1, r1, Float64Array.of(0.7), scratch);
    reservoirStep(resA, rA, Float64Array.of(0.7), scratch);
    for (let i = 0; i < shape.size; i++) expect(rA[i]).toBeCloseTo(0.7 * r0[i] + 0.3 * r1[i], 14);
  });

  it('is rebuilt bit for bit from its seed; another seed gives another reservoir', () => {
    const [a, b, c] = [buildReservoir(shape, 3, 42), buildReservoir(shape, 3, 42), buildReservoir(shape, 3, 43)];
    expect(Array.from(b.val)).toEqual(Array.from(a.val));
    expect(Array.from(b.col)).toEqual(Array.from(a.col));
    expect(Array.from(b.inputWeight)).toEqual(Array.from(a.inputWeight));
    expect(Array.from(c.val)).not.toEqual(Array.from(a.val));
  });
});

describe('the esn family', () => {
  it('refuses impossible options with a ConfigError naming them', () => {
    const bad: [string, unknown][] = [['size', 0], ['degree', 1000], ['leak', 0], ['spectralRadius', -1], ['ridge', -1], ['warmup', 1.5]];
    for (const [key, value] of bad) expect(() => esnFamily.check!({ ...esnFamily.defaults, [key]: value })).toThrow(new RegExp(`^${key}: `));
  });

  it('saves the readout only (the reservoir comes back from its seed), and forecasts the same bits after loading', async () => {
    const g = lorenzGate(0.02);
    const train = { ...g.train, t: g.train.t.slice(0, 600), y: g.train.y.map((c) => c.slice(0, 600)) };
    const f = await esnFamily.fit({ family: 'esn', config: { ...esnFamily.defaults, size: 60, warmup: 50 } }, train, { seed: 9 });
    const saved = f.toJSON();
    expect(saved.params).toHaveLength(3 * (1 + 3 + 60));
    const times = Float64Array.from({ length: 50 }, (_, i) => train.t[599] + (i + 1) * 0.02);
    const g2 = esnFamily.load(JSON.parse(JSON.stringify(saved)));
    expect(g2.forecast(times, train).mean.map((c) => Array.from(c))).toEqual(f.forecast(times, train).mean.map((c) => Array.from(c)));
    // Teacher-forced one-step predictions are NaN during the warm-up only, and close to the truth after it.
    const one = f.predictOneStep!(train);
    expect(Number.isNaN(one[0][50])).toBe(true);
    expect(Number.isFinite(one[0][51])).toBe(true);
    let err = 0;
    for (let i = 51; i < 600; i++) err = Math.max(err, Math.abs(one[0][i] - train.y[0][i]));
    expect(err).toBeLessThan(0.5); // x spans about ±18
    // A context shorter than the warm-up (the evaluator's in-window free run) still forecasts.
    const short = { t: train.t.slice(0, 10), y: train.y.map((c) => c.slice(0, 10)), names: train.names };
    const early = f.forecast(Float64Array.of(train.t[10], train.t[11]), short).mean;
    expect(early.every((c) => c.every(Number.isFinite))).toBe(true);
    // Another seed draws another reservoir, hence another readout.
    const other = await esnFamily.fit({ family: 'esn', config: { ...esnFamily.defaults, size: 60, warmup: 50 } }, train, { seed: 10 });
    expect(other.toJSON().params).not.toEqual(saved.params);
  });

  it('passes the Lorenz-63 gate: ≥ 5 Lyapunov times beyond t = 50 at running NRMSE 0.2 (dt 0.01, defaults, seeds 0–4)', async () => {
    const g = lorenzGate(0.01);
    for (let seed = 0; seed < 5; seed++) {
      const f = await esnFamily.fit({ family: 'esn', config: esnFamily.defaults }, g.train, { seed });
      const vpt = gateVpt(f, g);
      console.log(`ESN Lorenz gate (N = 500, seed ${seed}): VPT ${vpt.lawful.toFixed(2)} Lyapunov times at running NRMSE 0.2; ${vpt.literature.toFixed(2)} at normalised error 0.4; in-window NRMSE one-step ${vpt.nrmseIn.toExponential(2)}, free-running ${vpt.nrmseInFreeRun.toFixed(3)}`);
      expect(vpt.lawful).toBeGreaterThanOrEqual(5);
    }
  }, 120_000);
});
