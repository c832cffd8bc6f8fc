// Known answers of SINDy (issue 10), each exactly as stated: Lorenz-63 recovers its seven
// terms to 0.2%, the logistic map at μ = 3.6 exactly, Lotka–Volterra from 1% noise with the
// right terms; and `lawful simulate lorenz`'s defaults give the Lorenz equations with no option.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { sliceSeries, type Series } from '../../../src/data/series.js';
import { sindyFamily } from '../../../src/models/sindy.js';
import { fitSindy } from '../../../src/models/sindy/fit.js';
import { buildLibrary } from '../../../src/models/sindy/library/index.js';
import { simulate } from '../../../src/systems/simulate.js';

/** Ξ as { channel: { term: coefficient } } over its nonzero entries. */
function support(coef: Float64Array[], channels: string[], library = buildLibrary({ kind: 'polynomial', degree: 2 })): Record<string, Record<string, number>> {
  const names = library.names(channels);
  return Object.fromEntries(channels.map((ch, c) => [ch, Object.fromEntries(names.map((n, k) => [n, coef[c][k]]).filter(([, v]) => v !== 0))]));
}

const lorenzTruth = { x: { x: -10, y: 10 }, y: { x: 28, y: -1, 'x*z': -1 }, z: { 'x*y': 1, z: -8 / 3 } };

function expectLorenz(found: Record<string, Record<string, number>>, relTol: number): void {
  for (const [ch, terms] of Object.entries(lorenzTruth)) {
    expect(Object.keys(found[ch]).sort()).toEqual(Object.keys(terms).sort());
    for (const [term, truth] of Object.entries(terms)) expect(Math.abs(found[ch][term] / truth - 1)).toBeLessThan(relTol);
  }
}

describe('SINDy known answers', () => {
  it('Lorenz-63 (x0 = (−8, 8, 27), dt = 0.002, t ∈ [0, 10], degree 2, STLSQ 0.1): exactly the seven true terms, each within 0.2%', () => {
    const { series } = simulate('lorenz', { params: { x0: [-8, 8, 27] }, until: 10, dt: 0.002 });
    const s = fitSindy([series], { library: { kind: 'polynomial', degree: 2 }, optimizer: { method: 'stlsq', threshold: 0.1 } });
    expectLorenz(support(s.coef, series.names), 0.002);
  });

  it('the equations read in the equation language, products with *, signs folded', async () => {
    const { series } = simulate('lorenz', { params: { x0: [-8, 8, 27] }, until: 10, dt: 0.002 });
    const eq = (await sindyFamily.fit({ family: 'sindy', config: sindyFamily.defaults }, series, { seed: 0 })).describe().equations!;
    // A coefficient (a bare term when it rounds to 1 at 5 significant digits).
    const N = String.raw`(\d+(?:\.\d+)?)\*`;
    const shapes = [`^x' = -${N}x \\+ ${N}y$`, `^y' = ${N}x - ${N}y - (?:${N})?x\\*z$`, `^z' = -${N}z \\+ (?:${N})?x\\*y$`];
    const truth = [[10, 10], [28, 1, 1], [8 / 3, 1]];
    eq.forEach((e, i) => {
      const m = e.match(new RegExp(shapes[i]));
      expect(m, e).not.toBeNull();
      m!.slice(1).forEach((v, j) => expect(Math.abs(Number(v ?? 1) / truth[i][j] - 1)).toBeLessThan(0.002));
    });
    for (const e of eq) expect(e).not.toMatch(/\+ -/);
  });

  it("`lawful simulate lorenz`'s data (x0 = (1, 1, 1), dt = 0.01) on `lawful fit`'s default window (70% of [0, 25]) with the default config gives the seven terms", async () => {
    const { series: all } = simulate('lorenz');
    const series = sliceSeries(all, 0, 17.5);
    const f = await sindyFamily.fit({ family: 'sindy', config: sindyFamily.defaults }, series, { seed: 0 });
    const s = fitSindy([series], {});
    expectLorenz(support(s.coef, series.names), 0.002);
    expect(f.describe().activeTerms).toBe(7);
  });

  it('the logistic map x_{k+1} = 3.6 x_k (1 − x_k) exactly, as a discrete map', () => {
    const n = 200;
    const x = new Float64Array(n);
    x[0] = 0.2;
    for (let k = 1; k < n; k++) x[k] = 3.6 * x[k - 1] * (1 - x[k - 1]);
    const series: Series = { t: Float64Array.from({ length: n }, (_, k) => k), y: [x], names: ['x'] };
    const s = fitSindy([series], { discrete: true, library: { kind: 'polynomial', degree: 3 }, optimizer: { method: 'stlsq', threshold: 0.1, ridge: 0 } });
    const found = support(s.coef, ['x'], buildLibrary({ kind: 'polynomial', degree: 3 })).x;
    expect(Object.keys(found).sort()).toEqual(['x', 'x^2']);
    expect(found.x).toBeCloseTo(3.6, 10);
    expect(found['x^2']).toBeCloseTo(-3.6, 10);
  });

  it('Lotka–Volterra from 1% noise: the right four terms (Savitzky–Golay derivatives)', () => {
    // prey' = α prey − β prey·predators, predators' = δ prey·predators − γ predators (α = 2/3, β = 4/3, γ = δ = 1).
    const { clean } = simulate('lotka-volterra', { until: 40, dt: 0.01 });
    const rng = new Rng(1);
    const noisy: Series = { ...clean, y: clean.y.map((c) => c.map((v) => v * (1 + 0.01 * rng.normal()))) };
    const s = fitSindy([noisy], { differentiation: { method: 'savitzky-golay', window: 41, degree: 3 }, optimizer: { method: 'stlsq', threshold: 0.05 } });
    const found = support(s.coef, noisy.names);
    const [a, b] = noisy.names;
    expect(Object.keys(found[a]).sort()).toEqual([a, `${a}*${b}`].sort());
    expect(Object.keys(found[b]).sort()).toEqual([b, `${a}*${b}`].sort());
  });
});
