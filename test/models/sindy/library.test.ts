// Candidate libraries: names in the equation language in PySINDy's order, sizes, composition
// (concat a + b, tensor a * b), values at a point equal to the columns, and analytic
// gradients against central finite differences.
import { describe, expect, it } from 'vitest';
import { buildLibrary, concat, fourierLibrary, polynomialLibrary, tensor, type FeatureLibrary, type LibrarySpec } from '../../../src/models/sindy/library/index.js';

const libraries: [string, FeatureLibrary][] = [
  ['polynomial 3', polynomialLibrary(3)],
  ['fourier 2', fourierLibrary(2)],
  ['poly 1 + fourier 1', concat([polynomialLibrary(1), fourierLibrary(1)])],
  ['poly 1 * fourier 1', tensor([polynomialLibrary(1, false), fourierLibrary(1)])],
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
