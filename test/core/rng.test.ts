import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';

const N = 100_000;

function draws(rng: Rng, n: number, f: (r: Rng) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(rng);
  return out;
}

/** Sample mean, variance, and kurtosis (4th standardised moment; 3 for a normal). */
function moments(x: Float64Array): { mean: number; variance: number; kurtosis: number } {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let m2 = 0;
  let m4 = 0;
  for (const v of x) {
    const d = (v - mean) ** 2;
    m2 += d;
    m4 += d * d;
  }
  m2 /= x.length;
  m4 /= x.length;
  return { mean, variance: m2, kurtosis: m4 / (m2 * m2) };
}

function correlation(x: Float64Array, y: Float64Array): number {
  const a = moments(x);
  const b = moments(y);
  let c = 0;
  for (let i = 0; i < x.length; i++) c += (x[i] - a.mean) * (y[i] - b.mean);
  return c / x.length / Math.sqrt(a.variance * b.variance);
}

describe('Rng (xoshiro128** seeded by SplitMix32)', () => {
  it('repeats its stream for the same seed and differs between seeds', () => {
    const a = draws(new Rng(42), 1000, (r) => r.uniform());
    const b = draws(new Rng(42), 1000, (r) => r.uniform());
    expect(Array.from(a)).toEqual(Array.from(b));
    for (const other of [0, 1, 43, 2 ** 32 - 1]) {
      const c = draws(new Rng(other), 1000, (r) => r.uniform());
      let same = 0;
      for (let i = 0; i < 1000; i++) if (a[i] === c[i]) same++;
      expect(same, `seed ${other}`).toBe(0);
      // Neighbouring seeds give unrelated streams, not shifted copies.
      expect(Math.abs(correlation(a, c))).toBeLessThan(0.15);
    }
    expect(new Rng(7).nextUint32()).toBe(new Rng(7).nextUint32());
  });

  // Bounds are 5 standard errors of each statistic for N = 1e5 draws (fixed seed, so the
  // test is deterministic; a biased generator or transform would miss them).
  it('draws uniforms on [0, 1) with mean 1/2, variance 1/12 and flat histogram', () => {
    const u = draws(new Rng(1), N, (r) => r.uniform());
    const { mean, variance } = moments(u);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N)); // 4.6e-3
    // Var of the sample variance: (μ₄ − σ⁴)/N with μ₄ = 1/80.
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / N));
    expect(u.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(0);
    expect(u.reduce((a, b) => Math.max(a, b))).toBeLessThan(1);
    // χ² over 20 bins has 19 degrees of freedom: mean 19, sd √38 ≈ 6.2.
    const bins = new Float64Array(20);
    for (const v of u) bins[Math.floor(v * 20)]++;
    let chi2 = 0;
    for (const c of bins) chi2 += (c - N / 20) ** 2 / (N / 20);
    expect(chi2).toBeLessThan(19 + 5 * Math.sqrt(38));
  });

  it('draws normals with mean 0, variance 1 and kurtosis 3, and honours mean and sd', () => {
    const z = draws(new Rng(2), N, (r) => r.normal());
    const { mean, variance, kurtosis } = moments(z);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N)); // 0.016
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N)); // 0.022
    expect(Math.abs(kurtosis - 3)).toBeLessThan(5 * Math.sqrt(24 / N)); // 0.077
    // Tail mass beyond 2σ is 4.55 %.
    let tail = 0;
    for (const v of z) if (Math.abs(v) > 2) tail++;
    expect(Math.abs(tail / N - 0.0455)).toBeLessThan(5 * Math.sqrt((0.0455 * 0.9545) / N));

    const w = new Rng(3).fillNormal(new Float64Array(N), 10, 0.5);
    const mw = moments(w);
    expect(Math.abs(mw.mean - 10)).toBeLessThan((5 * 0.5) / Math.sqrt(N));
    expect(Math.abs(mw.variance - 0.25)).toBeLessThan(5 * 0.25 * Math.sqrt(2 / N));
  });

  it('draws integers uniformly on [0, n) and uniformIn on [a, b)', () => {
    const rng = new Rng(4);
    const counts = new Float64Array(7);
    for (let i = 0; i < 70_000; i++) counts[rng.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(5 * Math.sqrt(10_000 * (6 / 7)));
    const v = draws(rng, 10_000, (r) => r.uniformIn(-3, 5));
    expect(v.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(-3);
    expect(v.reduce((a, b) => Math.max(a, b))).toBeLessThan(5);
    expect(Math.abs(moments(v).mean - 1)).toBeLessThan(5 * Math.sqrt(64 / 12 / 10_000));
  });

  it('forks independent, reproducible generators', () => {
    const parent = new Rng(9);
    const child = parent.fork();
    const again = new Rng(9).fork();
    const c = draws(child, N, (r) => r.normal());
    const p = draws(parent, N, (r) => r.normal());
    expect(Array.from(draws(again, 100, (r) => r.normal()))).toEqual(Array.from(c.subarray(0, 100)));
    expect(Math.abs(correlation(c, p))).toBeLessThan(5 / Math.sqrt(N));
    // Siblings are independent too (restarts each take a fork).
    const s1 = draws(parent.fork(), N, (r) => r.uniform());
    const s2 = draws(parent.fork(), N, (r) => r.uniform());
    expect(Math.abs(correlation(s1, s2))).toBeLessThan(5 / Math.sqrt(N));
    // Lag-1 autocorrelation of a stream is nil.
    expect(Math.abs(correlation(s1.subarray(1), s1.subarray(0, N - 1)))).toBeLessThan(5 / Math.sqrt(N));
  });
});
