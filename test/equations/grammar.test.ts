// The statement forms of the equation language, each exactly as the issue writes it, and
// the round trip parse(print(sys)) = sys.
import { describe, expect, it } from 'vitest';
import { compileSystem } from '../../src/equations/index.js';
import { LOTKA_VOLTERRA, PENDULUM, sameSyntax } from './examples.js';

function f(text: string, y: number[], theta: number[], inputs?: (t: number, out: Float64Array) => void, t = 0): number[] {
  const sys = compileSystem(text);
  const dy = new Float64Array(sys.dim);
  sys.term(inputs).f(t, Float64Array.from(y), Float64Array.from(theta), dy);
  return [...dy];
}

describe('equation language: the statement forms', () => {
  it("first-order x' = … with a parameter: the rate is the right-hand side", () => {
    expect(f("param k = 0.1\nx' = -k*x", [2], [0.5])).toEqual([-1]);
  });

  it("second-order x'' = … becomes the states x, x' with x' available on the right", () => {
    const sys = compileSystem("param g = 0.3\nx'' = -x - g*x'");
    expect(sys.states).toEqual(['x', "x'"]);
    expect(f("param g = 0.3\nx'' = -x - g*x'", [2, 5], [0.3])).toEqual([5, -2 - 0.3 * 5]);
  });

  it('several states keep the order of their lines', () => {
    const sys = compileSystem("param k = 1\nb' = a\na'' = -k*b\nc' = a'");
    expect(sys.states).toEqual(['b', 'a', "a'", 'c']);
  });

  it('param k = 0.1 in [0, 1]: initial guess and bounds', () => {
    const sys = compileSystem("param k = 0.1 in [0, 1]\nparam m = -2\nparam r = 3 in [0, inf]\nx' = -k*x + m + r");
    expect(sys.params).toEqual([
      { name: 'k', initial: 0.1, lower: 0, upper: 1 },
      { name: 'm', initial: -2, lower: -Infinity, upper: Infinity },
      { name: 'r', initial: 3, lower: 0, upper: Infinity },
    ]);
  });

  it('const g = 9.81: a known number, not in θ', () => {
    const sys = compileSystem("const g = 9.81\nparam L = 1\nth'' = -g/L*sin(th)");
    expect(sys.nParams).toBe(1);
    expect(sys.constants).toEqual([{ name: 'g', value: 9.81 }]);
    expect(f("const g = 9.81\nparam L = 1\nth'' = -g/L*sin(th)", [0.5, 0], [2])).toEqual([0, (-9.81 / 2) * Math.sin(0.5)]);
  });

  it('input u: a known signal of t supplied by the caller', () => {
    const text = "input u\nparam k = 1\nx' = -k*x + u";
    expect(compileSystem(text).inputs).toEqual(['u']);
    expect(f(text, [1], [2], (t, out) => (out[0] = 10 * t), 0.5)).toEqual([-2 + 5]);
    expect(() => compileSystem(text).term()).toThrow(/reads the input u/);
  });

  it('observe y = x1 + x2: the observation and its gradient', () => {
    const sys = compileSystem("param k = 1\nx1' = -k*x1\nx2' = k*x1\nobserve y = x1 + x2");
    const obs = sys.observation(['y']);
    expect(obs.names).toEqual(['y']);
    const out = new Float64Array(1);
    obs.fn(0, Float64Array.of(2, 3), Float64Array.of(1), out);
    expect(out[0]).toBe(5);
    const gy = new Float64Array(2);
    obs.vjp(0, Float64Array.of(2, 3), Float64Array.of(1), Float64Array.of(2), gy, new Float64Array(1));
    expect([...gy]).toEqual([2, 2]);
    expect(() => sys.observation(['z'])).toThrow(/observe y \(line 4\): the data have no channel "y"/);
  });

  it('without observe, the states named like the data channels are observed (inputs skipped)', () => {
    const sys = compileSystem("input u\nparam k = 1\nb' = -k*b + u\na' = b");
    const obs = sys.observation(['a', 'u', 'b']);
    expect(obs.names).toEqual(['a', 'b']);
    const out = new Float64Array(2);
    obs.fn(0, Float64Array.of(7, 9), Float64Array.of(1), out);
    expect([...out]).toEqual([9, 7]);
    expect(() => sys.observation(['a', 'q'])).toThrow(/channel "q" is neither a state nor an input/);
  });

  it('init x = 1 fixes one initial state; the others are fitted', () => {
    const sys = compileSystem("param k = 1\nx'' = -k*x\ninit x' = 0\ny' = x\ninit y = -1.5");
    expect(sys.fixedInitial).toEqual([undefined, 0, -1.5]);
    expect(() => compileSystem("param k = 1\nx' = -k*x\ninit x' = 0")).toThrow(/init x': no such state at 3:6 — x is first-order/);
  });

  it('# comments, whole-line and trailing, and blank lines are ignored', () => {
    expect(f("# header\n\nparam k = 2 # rate\nx' = -k*x   # decay\n   # end", [1], [2])).toEqual([-2]);
  });

  it('invariant E = …: compiled like an observation, with its gradient', () => {
    const sys = compileSystem("param w = 2\nx'' = -w^2*x\ninvariant E = 0.5*x'^2 + 0.5*w^2*x^2");
    const inv = sys.invariants();
    expect(inv.names).toEqual(['E']);
    const out = new Float64Array(1);
    inv.fn(0, Float64Array.of(1, 3), Float64Array.of(2), out);
    expect(out[0]).toBe(0.5 * 9 + 0.5 * 4);
    const gy = new Float64Array(2);
    const gth = new Float64Array(1);
    inv.vjp(0, Float64Array.of(1, 3), Float64Array.of(2), Float64Array.of(1), gy, gth);
    expect([...gy]).toEqual([4, 3]);
    expect([...gth]).toEqual([2]);
  });

  it('t is the time and pi is π', () => {
    expect(f("param a = 1\nx' = a*cos(pi*t)", [0], [2], undefined, 1 / 3)).toEqual([2 * Math.cos(Math.PI / 3)]);
  });

  it('the Lotka–Volterra example of the issue compiles to the textbook field', () => {
    const sys = compileSystem(LOTKA_VOLTERRA);
    expect(sys.states).toEqual(['prey', 'predator']);
    expect(sys.params.map((p) => p.name)).toEqual(['a', 'b', 'c', 'd']);
    const [x, y] = [30, 4];
    const th = [0.5, 0.02, 1, 0.02];
    expect(f(LOTKA_VOLTERRA, [x, y], th)).toEqual([0.5 * x - 0.02 * x * y, 0.02 * x * y - 1 * y]);
  });

  it("the pendulum x'' = -w^2*sin(x) - g*x' + k*(y - x) with input y", () => {
    const [x, v, w, g, k, y] = [0.4, -0.3, 1.2, 0.1, 0.5, 0.25];
    expect(f(PENDULUM, [x, v], [w, g, k], (_t, out) => (out[0] = y))).toEqual([v, -(w ** 2) * Math.sin(x) - g * v + k * (y - x)]);
  });
});

describe('equation language: precedence and associativity', () => {
  // Each right-hand side against the same arithmetic written in JavaScript (a = 2, b = 3, c = 0.5):
  // a wrong binding power or associativity changes the value.
  const a = 2, b = 3, c = 0.5;
  const cases: [string, number][] = [
    ['-a^2', -(a ** 2)],
    ['a^-b', a ** -b],
    ['a^b^c', a ** (b ** c)],
    ['-a^-b^c', -(a ** -(b ** c))],
    ['a - b - c', a - b - c],
    ['a / b / c', a / b / c],
    ['a - b * c', a - b * c],
    ['a * -b + c', a * -b + c],
    ['-a * b', -a * b],
    ['a - -b', a - -b],
    ['+a - +b', a - b],
    ['(a + b) * c ^ 2', (a + b) * c ** 2],
    ['max(a, b - c, -c) / (a)', Math.max(a, b - c, -c) / a],
    ['pow(a, b) - a^b', 0],
  ];
  it.each(cases)('%s', (rhs, want) => {
    expect(f(`param a = 2\nparam b = 3\nparam c = 0.5\nx' = ${rhs} + 0*x*a*b*c`, [1], [a, b, c])[0]).toBeCloseTo(want, 14);
  });
});

describe('equation language: printing back', () => {
  const systems = [
    LOTKA_VOLTERRA,
    PENDULUM,
    "param k = 0.1 in [0, 1]\nparam r = 3 in [-inf, 5]\nconst g = -9.81\nx'' = -(k*x) - -g + r^-x^2 - (x - x') / (r*k)\ninit x' = -0\nobserve s = -x*k + 2e-12\ninvariant E = 0.5*x'^2",
    "param a = 1e-7\nx' = a - (x - (x - 1)) - (-a)^2 + -a^2 + max(x, a, 1) + atan2(x, 1) + pow(x, 2)^3^2",
  ];
  for (const [i, text] of systems.entries()) {
    it(`parse(print(sys)) equals sys (system ${i + 1})`, () => {
      const sys = compileSystem(text);
      const again = compileSystem(sys.toString());
      expect(sameSyntax(sys.syntax, again.syntax)).toBe(true);
      expect(again.toString()).toBe(sys.toString());
    });
  }

  it('equations() prints the equations, with fitted values in place of the parameters when given', () => {
    const sys = compileSystem(LOTKA_VOLTERRA);
    expect(sys.equations()).toEqual(["prey' = a*prey - b*prey*predator", "predator' = d*prey*predator - c*predator"]);
    expect(sys.equations(Float64Array.of(1.4999999312, 1, -3, 1e-7))).toEqual(["prey' = 1.5*prey - 1*prey*predator", "predator' = 1e-7*prey*predator - (-3)*predator"]);
  });

  it('systems at the size limits compile, and their printout parses back to them', () => {
    for (const rhs of [
      '(-'.repeat(150) + 'x' + ')'.repeat(150),
      'sin(-'.repeat(100) + 'x' + ')'.repeat(100),
      '-+'.repeat(400) + 'x',
      Array(500).fill('x').join(' - '),
      Array(334).fill('x').join('^-'),
      Array(500).fill('x').join(' * '),
    ]) {
      const sys = compileSystem(`x' = ${rhs}`);
      expect(sameSyntax(compileSystem(sys.toString()).syntax, sys.syntax)).toBe(true);
    }
  });

  it('the printout of the pendulum reads like the input', () => {
    expect(compileSystem(PENDULUM).toString()).toBe(PENDULUM);
  });

  it('sameSyntax can fail: a changed number is seen', () => {
    expect(sameSyntax(compileSystem(PENDULUM).syntax, compileSystem(PENDULUM.replace('0.5', '0.25')).syntax)).toBe(false);
    expect(sameSyntax(compileSystem(PENDULUM).syntax, compileSystem(PENDULUM.replace('k*(y - x)', 'k*y - x')).syntax)).toBe(false);
  });
});

describe('equation language: the documented examples', () => {
  it('the three complete examples of docs/equations.md compile', async () => {
    const { readFileSync } = await import('node:fs');
    const md = readFileSync(new URL('../../docs/equations.md', import.meta.url), 'utf8');
    const blocks = [...md.matchAll(/### \d\.[^\n]*\n\n```\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(3);
    const systems = blocks.map((b) => compileSystem(b));
    expect(systems.map((s) => s.states)).toEqual([['prey', 'predator'], ['x', "x'"], ['S', 'I', 'R']]);
    expect(systems[2].observation(['cases']).names).toEqual(['cases']);
  });
});
