// Symbolic derivatives compiled to code, checked against finite differences on random
// systems built from the whole whitelist; and the interpreter against the compiled code.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { compileSystem } from '../../src/equations/index.js';
import { isWhitelistedSource } from '../../src/equations/evaluate.js';
import { generateSystem, testInput } from './generate.js';

const SYSTEMS = 60;

/** Central difference with one Richardson step (error O(h⁴)), of a scalar function of x[i]. */
function fd(fn: (x: Float64Array) => number, x: Float64Array, i: number): number {
  const xi = x[i];
  const h = 1e-3 * Math.max(1, Math.abs(xi));
  const central = (s: number) => {
    x[i] = xi + s;
    const p = fn(x);
    x[i] = xi - s;
    const m = fn(x);
    x[i] = xi;
    return (p - m) / (2 * s);
  };
  return (4 * central(h / 2) - central(h)) / 3;
}

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-4);

describe('equation language: symbolic derivatives against finite differences', () => {
  it(`∂f/∂y (jac), ∂f/∂θ and the vjp agree with central differences to 1e-6 on ${SYSTEMS} generated systems`, () => {
    const rng = new Rng(7);
    let equations = 0;
    let checked = 0;
    let worst = 0;
    for (let s = 0; s < SYSTEMS; s++) {
      const gen = generateSystem(1000 + s);
      const sys = compileSystem(gen.text);
      equations += gen.equations;
      const term = sys.term(testInput);
      const n = sys.dim;
      const y = Float64Array.from({ length: n }, () => rng.uniformIn(-1, 1));
      const th = Float64Array.from({ length: sys.nParams }, () => rng.uniformIn(0.5, 1.5));
      const v = Float64Array.from({ length: n }, () => rng.normal());
      const t = rng.uniform();
      const dy = new Float64Array(n);
      const component = (i: number) => (yy: Float64Array, tt: Float64Array) => {
        term.f(t, yy, tt, dy);
        return dy[i];
      };
      const J = new Float64Array(n * n);
      term.jac!(t, y, th, J);
      const gy = new Float64Array(n);
      const gth = new Float64Array(sys.nParams);
      term.vjp(t, y, th, v, gy, gth);
      const vf = (yy: Float64Array, tt: Float64Array) => {
        term.f(t, yy, tt, dy);
        return dy.reduce((acc, d, i) => acc + v[i] * d, 0);
      };
      const check = (a: number, b: number, what: string) => {
        const e = relErr(a, b);
        worst = Math.max(worst, e);
        checked++;
        if (!(e < 1e-6)) throw new Error(`${what}: analytic ${a}, finite difference ${b} (rel ${e}) in\n${gen.text}`);
      };
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) check(J[i * n + j], fd((yy) => component(i)(yy, th), y, j), `J[${i}][${j}]`);
      for (let j = 0; j < n; j++) check(gy[j], fd((yy) => vf(yy, th), y, j), `vjp y[${j}]`);
      for (let k = 0; k < sys.nParams; k++) check(gth[k], fd((tt) => vf(y, tt), th, k), `vjp θ[${k}]`);
      // Each equation's own ∂f_i/∂θ, through the vjp with a unit cotangent.
      for (let i = 0; i < n; i++) {
        const e = new Float64Array(n);
        e[i] = 1;
        const gi = new Float64Array(sys.nParams);
        term.vjp(t, y, th, e, new Float64Array(n), gi);
        for (let k = 0; k < sys.nParams; k++) check(gi[k], fd((tt) => component(i)(y, tt), th, k), `∂f${i}/∂θ${k}`);
      }
    }
    expect(equations).toBeGreaterThanOrEqual(50);
    expect(checked).toBeGreaterThan(500);
    expect(worst).toBeLessThan(1e-6);
  });

  it('the finite-difference check can fail: a wrong Jacobian entry is caught', () => {
    const sys = compileSystem("param k = 1\nx' = sin(k*x)");
    const term = sys.term();
    const J = new Float64Array(1);
    const y = Float64Array.of(0.3);
    const th = Float64Array.of(1.2);
    term.jac!(0, y, th, J);
    const dy = new Float64Array(1);
    const numeric = fd((yy) => (term.f(0, yy, th, dy), dy[0]), y, 0);
    expect(relErr(J[0], numeric)).toBeLessThan(1e-9);
    expect(relErr(J[0] * (1 + 1e-5), numeric)).toBeGreaterThan(1e-6);
  });
});

describe('equation language: interpreter and generated code', () => {
  it('give the same numbers bit for bit (f, jac, vjp, observation) on the generated systems', () => {
    const rng = new Rng(11);
    for (let s = 0; s < SYSTEMS; s++) {
      const gen = generateSystem(1000 + s);
      const compiled = compileSystem(gen.text);
      const interpreted = compileSystem(gen.text, { evaluator: 'interpreted' });
      expect(compiled.evaluator).toBe('compiled');
      expect(interpreted.evaluator).toBe('interpreted');
      const n = compiled.dim;
      const [a, b] = [compiled.term(testInput), interpreted.term(testInput)];
      for (let trial = 0; trial < 5; trial++) {
        const y = Float64Array.from({ length: n }, () => rng.uniformIn(-2, 2));
        const th = Float64Array.from({ length: compiled.nParams }, () => rng.uniformIn(-1, 2));
        const v = Float64Array.from({ length: n }, () => rng.normal());
        const t = rng.uniformIn(0, 5);
        const run = (term: typeof a) => {
          const dy = new Float64Array(n);
          const J = new Float64Array(n * n);
          const gy = Float64Array.from(v);
          const gth = new Float64Array(compiled.nParams).fill(0.5);
          term.f(t, y, th, dy);
          term.jac!(t, y, th, J);
          term.vjp(t, y, th, v, gy, gth);
          return [dy, J, gy, gth];
        };
        expect(run(b)).toEqual(run(a));
        const [oa, ob] = [compiled.observation(), interpreted.observation()];
        const [xa, xb] = [new Float64Array(oa.names.length), new Float64Array(ob.names.length)];
        oa.fn(t, y, th, xa);
        ob.fn(t, y, th, xb);
        expect(xb).toEqual(xa);
      }
    }
  });

  it('every generated source holds only whitelisted tokens', () => {
    for (let s = 0; s < SYSTEMS; s++) {
      const sys = compileSystem(generateSystem(1000 + s).text);
      sys.observation();
      sys.invariants();
      for (const src of sys.sources()) expect(isWhitelistedSource(src.text), `${src.name}:\n${src.text}`).toBe(true);
    }
  });

  it('the whitelist check can fail: a user word or a property access is refused', () => {
    const src = compileSystem("param k = 1\nx' = -k*x").sources()[0].text;
    expect(isWhitelistedSource(src)).toBe(true);
    expect(isWhitelistedSource(src.replace('p[0]', 'globalThis.canary'))).toBe(false);
    expect(isWhitelistedSource(src.replace('p[0]', 'k'))).toBe(false);
    expect(isWhitelistedSource(src.replace('p[0]', '"x"'))).toBe(false);
  });
});
