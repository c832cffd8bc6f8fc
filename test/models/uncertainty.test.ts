import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { normalQuantile } from '../../src/core/normal.js';
import type { Series } from '../../src/data/series.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { fourierFamily } from '../../src/models/fourier.js';
import { oscillatorBankFamily } from '../../src/models/oscillator-bank.js';
import { persistenceFamily } from '../../src/models/persistence.js';
import { pseudoInverseCovariance } from '../../src/models/uncertainty.js';

/** Binomial tolerance: 4 standard deviations of a fraction of n trials at probability p. */
const tol = (p: number, n: number) => 4 * Math.sqrt((p * (1 - p)) / n);
const z80 = normalQuantile(0.9);

describe('pseudoInverseCovariance', () => {
  it('inverts a full-rank information matrix exactly', () => {
    const A = Float64Array.of(4, 1, 0, 1, 3, 0.5, 0, 0.5, 2);
    const { covariance, unidentified, undetermined } = pseudoInverseCovariance(A, 3, ['a', 'b', 'c']);
    expect(unidentified).toEqual([]);
    expect(undetermined).toEqual([]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += A[i * 3 + k] * covariance[k * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('names the combination the data cannot tell apart and leaves it out: y = (a + b)·x + c·z', () => {
    // Columns ∂y/∂a = ∂y/∂b = x: only a + b is determined, a − b is not.
    const rng = new Rng(1);
    const n = 200;
    const x = Array.from({ length: n }, () => rng.normal());
    const z = Array.from({ length: n }, () => rng.normal());
    const J = x.map((xi, i) => [xi, xi, z[i]]);
    const A = new Float64Array(9);
    for (const row of J) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) A[a * 3 + b] += row[a] * row[b];
    const r = pseudoInverseCovariance(A, 3, ['a', 'b', 'c']);
    expect(r.unidentified).toHaveLength(1);
    expect(r.unidentified[0].combination).toBe('0.71·a − 0.71·b');
    expect(r.undetermined).toEqual([0, 1]);
    // Var(a + b) is still finite and equals 1/Σx², the determined direction's.
    const g = [1, 1, 0];
    let v = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) v += g[i] * r.covariance[i * 3 + j] * g[j];
    expect(v * x.reduce((s, xi) => s + xi * xi, 0)).toBeCloseTo(1, 1);
  });
});

/** A sum of sinusoids (the Fourier family's own model class) with Gaussian noise σ, on [0, until]. */
function sinusoids(seed: number, sigma: number, until = 60, dt = 0.05): { noisy: Series; clean: Series } {
  const rng = new Rng(seed);
  const t = Float64Array.from({ length: Math.round(until / dt) + 1 }, (_, i) => i * dt);
  const clean = t.map((s) => 0.3 + Math.cos(1.3 * s) + 0.5 * Math.sin(2.9 * s + 0.4));
  const noisy = clean.map((v) => v + sigma * rng.normal());
  return { noisy: { t, y: [noisy], names: ['y'] }, clean: { t, y: [clean], names: ['y'] } };
}

describe('classical intervals on data from their own model class', () => {
  it('fourier: the intervals of the noisy observations beyond the window cover ≈ nominal; CRPS in closed form', async () => {
    const { noisy } = sinusoids(5, 0.2);
    const split = { trainFrom: 0, trainUntil: 30, until: 60 };
    const train: Series = { t: noisy.t.slice(0, 601), y: [noisy.y[0].slice(0, 601)], names: ['y'] };
    const f = await fourierFamily.fit({ family: 'fourier', config: { terms: 2 } }, train, { seed: 0 });
    const ev = evaluate(f, { observed: noisy, truth: noisy, split });
    const m = ev.metrics;
    const n = 600;
    expect(m.noiseIncluded).toBe(true);
    for (const [key, p] of [['50', 0.5], ['80', 0.8], ['95', 0.95]] as const) expect(Math.abs(m.coverage![key] - p)).toBeLessThan(tol(p, n));
    expect(m.crpsMethod).toBe('gaussian-closed-form');
    // σ/√π ≈ 0.113 for a calibrated N(·, 0.2²) at its own draws
    expect(m.crps! / (0.2 / Math.sqrt(Math.PI))).toBeGreaterThan(0.85);
    expect(m.crps! / (0.2 / Math.sqrt(Math.PI))).toBeLessThan(1.2);
    const d = f.describe() as unknown as { estimates: { name: string; value: number; stderr: number | null; interval: [number, number] | null }[] };
    const amp = d.estimates.filter((e) => e.name.startsWith('y amplitude')).sort((a, b) => a.value - b.value);
    // The amplitudes 0.5 and 1 lie inside their 95% intervals, with the textbook stderr σ·√(2/n) = 0.0115.
    expect(amp[0].interval![0]).toBeLessThan(0.5);
    expect(amp[0].interval![1]).toBeGreaterThan(0.5);
    expect(amp[1].interval![0]).toBeLessThan(1);
    expect(amp[1].interval![1]).toBeGreaterThan(1);
    expect(amp[1].stderr! / (0.2 * Math.sqrt(2 / 601))).toBeCloseTo(1, 1);
  });

  it('fourier: over 150 noise draws, the clean signal at t = 35 lies in the 80% signal interval ≈ 80% of the time', async () => {
    let inside = 0;
    const draws = 150;
    for (let seed = 0; seed < draws; seed++) {
      const { noisy, clean } = sinusoids(100 + seed, 0.3, 40);
      const train: Series = { t: noisy.t.slice(0, 601), y: [noisy.y[0].slice(0, 601)], names: ['y'] };
      const f = await fourierFamily.fit({ family: 'fourier', config: { terms: 2 } }, train, { seed: 0 });
      const fc = f.forecast(Float64Array.of(35), train);
      const sd = fc.gaussian!.signalSd[0][0];
      if (Math.abs(clean.y[0][700] - fc.mean[0][0]) <= z80 * sd) inside++;
    }
    expect(Math.abs(inside / draws - 0.8)).toBeLessThan(tol(0.8, draws));
  });

  it('persistence: on random walks, the observation k steps ahead lies in the 80% interval ≈ 80% of the time (σ√k growth)', async () => {
    const draws = 400;
    const k = 50;
    let inside = 0;
    for (let seed = 0; seed < draws; seed++) {
      const rng = new Rng(seed);
      const n = 300 + k;
      const y = new Float64Array(n);
      for (let i = 1; i < n; i++) y[i] = y[i - 1] + 0.1 * rng.normal();
      const t = Float64Array.from({ length: n }, (_, i) => i * 0.1);
      const context: Series = { t: t.slice(0, 300), y: [y.slice(0, 300)], names: ['y'] };
      const f = await persistenceFamily.fit({ family: 'persistence', config: {} }, context, { seed: 0 });
      const fc = f.forecast(Float64Array.of(t[299 + k]), context);
      const q10 = fc.quantiles!.find((q) => q.level === 0.1)!.values[0][0];
      const q90 = fc.quantiles!.find((q) => q.level === 0.9)!.values[0][0];
      if (y[299 + k] >= q10 && y[299 + k] <= q90) inside++;
      // the spread is σ√k with σ estimated from the context
      expect(fc.gaussian!.signalSd[0][0] / (0.1 * Math.sqrt(k))).toBeGreaterThan(0.8);
      expect(fc.gaussian!.signalSd[0][0] / (0.1 * Math.sqrt(k))).toBeLessThan(1.2);
    }
    expect(Math.abs(inside / draws - 0.8)).toBeLessThan(tol(0.8, draws));
  });
});

describe('the bank’s Gauss–Newton uncertainty', () => {
  it('on a noisy two-mode signal (K = 2): the true modes lie in their 95% intervals, σ is recovered, undetermined per-oscillator parameters are flagged', async () => {
    const rng = new Rng(11);
    const dt = 0.02;
    const t = Float64Array.from({ length: 1001 }, (_, i) => i * dt);
    const modes = [
      { frequency: 1.3, decay: 0.05 },
      { frequency: 2.1, decay: 0.1 },
    ];
    const y = t.map((s) => Math.exp(-0.05 * s) * Math.cos(1.3 * s) + 0.6 * Math.exp(-0.1 * s) * Math.cos(2.1 * s + 1) + 0.05 * rng.normal());
    const train: Series = { t, y: [y], names: ['y'] };
    const f = await oscillatorBankFamily.fit({ family: 'oscillator-bank', config: { ...oscillatorBankFamily.defaults, oscillators: 2 } }, train, { seed: 0 });
    const d = f.describe() as unknown as { estimates: { name: string; value: number; stderr: number | null; interval: [number, number] | null }[]; unidentified: { combination: string }[] };
    modes.forEach((m, k) => {
      for (const [what, truth] of [['frequency', m.frequency], ['decay', m.decay]] as const) {
        const e = d.estimates.find((x) => x.name === `mode ${k + 1} ${what}`)!;
        expect(e.stderr).toBeGreaterThan(0);
        expect(e.interval![0]).toBeLessThan(truth);
        expect(e.interval![1]).toBeGreaterThan(truth);
      }
    });
    // One channel cannot tell W's scale from z0's: that combination is named.
    expect(d.unidentified.length).toBeGreaterThan(0);
    expect(d.unidentified.some((u) => /W y·x\d/.test(u.combination) && /z0 x\d/.test(u.combination))).toBe(true);
    const u = (f.toJSON().extra as { uncertainty: { noiseSd: number[] } }).uncertainty;
    expect(u.noiseSd[0] / 0.05).toBeCloseTo(1, 1);
    // Inside the window the fitted signal is known far better than one noisy sample (≈ σ·√(P/N)).
    const fc = f.forecast(Float64Array.of(10, 20, 40), train);
    expect(fc.gaussian!.signalSd[0][0]).toBeGreaterThan(0);
    expect(fc.gaussian!.signalSd[0][0]).toBeLessThan(0.05 / 3);
  }, 60_000);
});
