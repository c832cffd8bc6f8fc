// Candidate libraries: names in the equation language in PySINDy's order, sizes, composition
// (concat a + b, tensor a * b), values at a point equal to the columns, and analytic
// gradients against central finite differences.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { fitSindy } from '../../../src/models/sindy/fit.js';
import { buildLibrary, concat, customLibrary, fourierLibrary, polynomialLibrary, tensor, type FeatureLibrary, type LibrarySpec } from '../../../src/models/sindy/library/index.js';
import { simulate } from '../../../src/systems/simulate.js';

const libraries: [string, FeatureLibrary][] = [
  ['polynomial 3', polynomialLibrary(3)],
  ['fourier 2', fourierLibrary(2)],
  ['poly 1 + fourier 1', concat([polynomialLibrary(1), fourierLibrary(1)])],
  ['poly 1 * fourier 1', tensor([polynomialLibrary(1, false), fourierLibrary(1)])],
  ['custom', customLibrary(['x*y/(1 + x^2)', 'cos(y)^2', 'tanh(x - y)'], ['x', 'y'])],
];

describe('feature libraries', () => {
  it('polynomials of degree 2 in x, y, z are named in PySINDy order with * and ^', () => {
    expect(polynomialLibrary(2).names(['x', 'y', 'z'])).toEqual(['1', 'x', 'y', 'z', 'x^2', 'x*y', 'x*z', 'y^2', 'y*z', 'z^2']);
    expect(polynomialLibrary(3, false).names(['a', 'b'])).toEqual(['a', 'b', 'a^2', 'a*b', 'b^2', 'a^3', 'a^2*b', 'a*b^2', 'b^3']);
    expect(polynomialLibrary(4).size(3)).toBe(35); // C(3 + 4, 4)
  });

  it('Fourier terms are sin(k*x), cos(k*x) per variable', () => {
    expect(fourierLibrary(2).names(['x', 'y'])).toEqual(['sin(x)', 'cos(x)', 'sin(2*x)', 'cos(2*x)', 'sin(y)', 'cos(y)', 'sin(2*y)', 'cos(2*y)']);
  });

  it('compose: a + b concatenates, a * b multiplies every pair and drops the factor 1', () => {
    const a = polynomialLibrary(1);
    const b = fourierLibrary(1);
    expect(concat([a, b]).names(['x'])).toEqual(['1', 'x', 'sin(x)', 'cos(x)']);
    expect(tensor([a, b]).names(['x'])).toEqual(['sin(x)', 'cos(x)', 'x*sin(x)', 'x*cos(x)']);
    // The JSON spec builds the same library.
    const spec: LibrarySpec = { kind: 'tensor', parts: [{ kind: 'polynomial', degree: 1 }, { kind: 'fourier', frequencies: 1 }] };
    expect(buildLibrary(spec).names(['u', 'v'])).toEqual(tensor([a, b]).names(['u', 'v']));
  });

  for (const [name, lib] of libraries) {
    it(`${name}: point values equal the columns, and the gradient matches central differences`, () => {
      const x = Float64Array.of(0.7, -1.3);
      const P = lib.size(2);
      expect(lib.names(['x', 'y'])).toHaveLength(P);
      const cols = lib.columns([Float64Array.of(9, x[0]), Float64Array.of(9, x[1])]);
      const v = new Float64Array(P);
      lib.point(x, v);
      expect(cols.map((c) => c[1])).toEqual(Array.from(v));
      const J = new Float64Array(P * 2);
      lib.gradient(x, J);
      const h = 1e-6;
      for (let j = 0; j < 2; j++) {
        const [up, down] = [Float64Array.from(x), Float64Array.from(x)];
        up[j] += h;
        down[j] -= h;
        const [vu, vd] = [new Float64Array(P), new Float64Array(P)];
        lib.point(up, vu);
        lib.point(down, vd);
        for (let k = 0; k < P; k++) expect(J[k * 2 + j]).toBeCloseTo((vu[k] - vd[k]) / (2 * h), 6);
      }
    });
  }
});

describe('custom terms (the equation language, compiled by src/equations)', () => {
  const lib = customLibrary(['x*y/(1 + x^2)', 'exp(-y)', 'sin(2*x) - y', 'sqrt(x)^3', 'x^y', 'atan2(y, x)*pi'], ['x', 'y']);

  it('evaluate as written; names are the checked trees printed back, sums in parentheses', () => {
    expect(lib.names(['x', 'y'])).toEqual(['x*y/(1 + x^2)', 'exp(-y)', '(sin(2*x) - y)', 'sqrt(x)^3', 'x^y', 'atan2(y, x)*pi']);
    const v = new Float64Array(6);
    lib.point(Float64Array.of(0.5, -2), v);
    const want = [(0.5 * -2) / (1 + 0.25), Math.exp(2), Math.sin(1) + 2, Math.sqrt(0.5) ** 3, 0.5 ** -2, Math.atan2(-2, 0.5) * Math.PI];
    want.forEach((w, k) => expect(Math.abs(v[k] - w)).toBeLessThan(1e-15 * Math.abs(w)));
  });

  it('gradients (symbolic derivatives, compiled) match central differences', () => {
    const x = Float64Array.of(0.7, 0.4);
    const J = new Float64Array(12);
    lib.gradient(x, J);
    const h = 1e-6;
    for (let j = 0; j < 2; j++) {
      const [up, down] = [Float64Array.from(x), Float64Array.from(x)];
      up[j] += h;
      down[j] -= h;
      const [vu, vd] = [new Float64Array(6), new Float64Array(6)];
      lib.point(up, vu);
      lib.point(down, vd);
      for (let k = 0; k < 6; k++) expect(J[k * 2 + j]).toBeCloseTo((vu[k] - vd[k]) / (2 * h), 6);
    }
  });

  it('refuse anything outside the language, the time and unknown names with a ConfigError naming the term and column', () => {
    const bad = (term: string) => () => customLibrary([term], ['x', 'y']);
    expect(bad('x + z')).toThrow(/custom term "x \+ z": unknown name "z" at column 5 — variables are x, y/);
    expect(bad('process.exit(1)')).toThrow(ConfigError);
    expect(bad('process.exit(1)')).toThrow(/unexpected "\." at column 8/);
    expect(bad('t*x')).toThrow(/unknown name "t"/);
    expect(bad("x'")).toThrow(/unknown name "x'"/);
    expect(bad('foo(x)')).toThrow(/unknown function "foo"/);
    expect(bad('sin(x')).toThrow(/unclosed "\("/);
    expect(bad('x y')).toThrow(/missing operator between "x" and "y" at column 3/);
    expect(bad('x +* y')).toThrow(/^library\.terms: custom term "x \+\* y"/);
  });

  it('the pendulum θ\' = ω, ω\' = −4 sin θ: sin(theta) recovered among polynomials, custom terms and ω × Fourier terms', () => {
    // Three runs at different energies: on one, ½ω² − 4 cos θ is constant and the library degenerate.
    const runs = [[1, 0], [2.5, 0], [0.5, 3]].map(([q0, p0]) => ({ ...simulate('pendulum', { params: { omega: 2, q0, p0 }, until: 5, dt: 0.005, state: true }).series, names: ['theta', 'omega'] }));
    const spec: LibrarySpec = {
      kind: 'concat',
      parts: [
        { kind: 'polynomial', degree: 3 },
        { kind: 'custom', terms: ['sin(theta)', 'exp(-theta^2)', 'theta*sin(omega)'] },
        { kind: 'tensor', parts: [{ kind: 'custom', terms: ['omega'] }, { kind: 'fourier', frequencies: 1 }] },
      ],
    };
    const names = buildLibrary(spec, ['theta', 'omega']).names(['theta', 'omega']);
    expect(names).toContain('omega*cos(theta)');
    const s = fitSindy(runs, { library: spec, optimizer: { method: 'stlsq', threshold: 0.1, ridge: 0 } });
    const found = s.coef.map((row) => Object.fromEntries(names.map((n, k) => [n, row[k]]).filter(([, v]) => v !== 0)));
    expect(Object.keys(found[0])).toEqual(['omega']);
    expect(Object.keys(found[1])).toEqual(['sin(theta)']);
    expect(Math.abs(found[0].omega - 1)).toBeLessThan(1e-6);
    expect(Math.abs(found[1]['sin(theta)'] + 4)).toBeLessThan(1e-5);
  });

  it('fit a model whose true term is custom: x\' = −x/(1 + x²) recovered exactly', () => {
    const n = 2001;
    const dt = 0.005;
    // Solve x' = −x/(1 + x²) by RK4 on a fine grid, then sample.
    const x = new Float64Array(n);
    x[0] = 2;
    const f = (u: number) => -u / (1 + u * u);
    for (let i = 1; i < n; i++) {
      let u = x[i - 1];
      const h = dt / 10;
      for (let s = 0; s < 10; s++) {
        const k1 = f(u), k2 = f(u + (h / 2) * k1), k3 = f(u + (h / 2) * k2), k4 = f(u + h * k3);
        u += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
      }
      x[i] = u;
    }
    const series = { t: Float64Array.from({ length: n }, (_, i) => i * dt), y: [x], names: ['x'] };
    const s = fitSindy([series], { library: { kind: 'concat', parts: [{ kind: 'polynomial', degree: 2 }, { kind: 'custom', terms: ['x/(1 + x^2)'] }] }, optimizer: { method: 'stlsq', threshold: 0.05, ridge: 0 } });
    expect(Array.from(s.coef[0]).map((v) => (v === 0 ? 0 : Math.round(v * 1e4) / 1e4))).toEqual([0, 0, 0, -1]);
  });
});

describe('evaluating a subset of features', () => {
  it('pointAt gives the same bits as point on the listed features and leaves the rest alone', () => {
    const lib = polynomialLibrary(3);
    const x = Float64Array.of(0.3, -1.7, 2.2);
    const all = new Float64Array(lib.size(3));
    lib.point(x, all);
    const which = Int32Array.of(0, 5, 9, 19);
    const some = new Float64Array(lib.size(3)).fill(-42);
    lib.pointAt!(x, which, some);
    for (let k = 0; k < all.length; k++) expect(some[k]).toBe(which.includes(k) ? all[k] : -42);
  });
});

describe('columns into given storage (the fit streams blocks through them)', () => {
  it('columnsTo gives the same bits as columns, over a block shorter than its storage', () => {
    for (const lib of [polynomialLibrary(3), polynomialLibrary(2, false)]) {
      const x = [0, 1, 2].map((j) => Float64Array.from({ length: 7 }, (_, i) => Math.sin(1.3 * i + j) * (j + 1)));
      const store = Array.from({ length: lib.size(3) }, () => new Float64Array(16).fill(NaN));
      const into = lib.columnsTo!(x, store);
      const fresh = lib.columns(x);
      expect(into.map((c) => Array.from(c))).toEqual(fresh.map((c) => Array.from(c)));
    }
  });
});
