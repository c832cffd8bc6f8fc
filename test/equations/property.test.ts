// Any text either compiles or throws an EquationError (a LawfulError) — never a TypeError,
// never an internal error — and nothing in it is ever evaluated: a global canary that
// generated code would trip stays untouched, and every generated source holds only
// whitelisted tokens.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LawfulError } from '../../src/core/errors.js';
import { isWhitelistedSource } from '../../src/equations/evaluate.js';
import { EquationError, compileSystem } from '../../src/equations/index.js';
import { generateSystem } from './generate.js';
import { LOTKA_VOLTERRA, PENDULUM, sameSyntax } from './examples.js';

let tripped = 0;
const CANARIES = ['canary', 'lawfulCanary'];

beforeAll(() => {
  for (const name of CANARIES) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        tripped++;
        return () => tripped++;
      },
    });
  }
});

afterAll(() => {
  for (const name of CANARIES) delete (globalThis as Record<string, unknown>)[name];
});

const counts = { compiled: 0, refused: 0 };

/** Compiles `text`; a success is exercised (f, jac, vjp, observation, invariants) and its sources checked. */
function outcome(text: string): void {
  let sys;
  try {
    sys = compileSystem(text);
  } catch (e) {
    if (!(e instanceof EquationError)) throw new Error(`not an EquationError for ${JSON.stringify(text)}: ${String(e)}`, { cause: e });
    expect(e).toBeInstanceOf(LawfulError);
    expect(e.message).not.toContain('\n');
    counts.refused++;
    return;
  }
  counts.compiled++;
  const n = sys.dim;
  const input = (_t: number, out: Float64Array) => out.fill(0.5);
  const term = sys.term(input);
  const y = new Float64Array(n).fill(0.3);
  const th = Float64Array.from(sys.params, (p) => p.initial);
  term.f(0.1, y, th, new Float64Array(n));
  term.jac!(0.1, y, th, new Float64Array(n * n));
  term.vjp(0.1, y, th, new Float64Array(n).fill(1), new Float64Array(n), new Float64Array(sys.nParams));
  const obs = sys.observation(undefined, input);
  obs.fn(0.1, y, th, new Float64Array(obs.names.length));
  const inv = sys.invariants(input);
  inv.vjp(0.1, y, th, new Float64Array(inv.names.length).fill(1), new Float64Array(n), new Float64Array(sys.nParams));
  for (const src of sys.sources()) if (!isWhitelistedSource(src.text)) throw new Error(`generated source outside the whitelist:\n${src.text}`);
  // The printout reads back to the same system.
  if (!sameSyntax(compileSystem(sys.toString()).syntax, sys.syntax)) throw new Error(`round trip changed the system:\n${text}\n---\n${sys.toString()}`);
}

// Pieces a mutation inserts: the language's own tokens, and things an attacker would try.
const PIECES = [
  "x'", "x''", "v'", 'x', 'k', 'prey', 't', 'pi', 'e', 'inf', '-inf', '1', '0', '-2.5', '1e999', '.5', '5.', '1e-3', '0x1F',
  '+', '-', '*', '/', '^', '(', ')', '[', ']', ',', '=', '==', "'", '"', '`', '${', '\\', '.', ';', ':', '?', '!', '%', '&', '|', '@', '~', '\n', '#', ' ', '\t', '\r',
  'param', 'const', 'input', 'observe', 'invariant', 'init', 'in', 'mod', 'to', 'not', 'and', 'true', 'NaN', 'Infinity', 'end', 'undefined',
  'sin(', 'max(', 'pow(', 'atan2(', 'foo(', 'log', 'sqrt(x)', 'canary', 'canary()', 'lawfulCanary', 'globalThis', 'constructor', '__proto__',
  'toString', 'valueOf', 'hasOwnProperty', 'process', 'eval("canary")', 'Function("return canary")()', 'import("x")', 'this', 'α', 'ω2', '$', '_', 'x$',
  'f(x) = 2', 'a.b', '{}', '[1, 2]', 'x = 3', 'x\' = canary', "init x' = 2", 'observe y = x', 'param q = 1 in [0, 1]', 'ƒ', '\u2028', '\uD83D',
];

const BASES = [LOTKA_VOLTERRA, PENDULUM, ...Array.from({ length: 8 }, (_, i) => generateSystem(500 + i).text)];

type Mutation = {
  kind: 'insert' | 'delete' | 'replace' | 'dupLine' | 'swapLines' | 'number';
  at: number;
  len: number;
  piece: string;
  other: number;
  value: number;
};

function mutate(text: string, muts: Mutation[]): string {
  let s = text;
  for (const m of muts) {
    const at = s.length ? m.at % (s.length + 1) : 0;
    const lines = s.split('\n');
    switch (m.kind) {
      case 'insert':
        s = s.slice(0, at) + m.piece + s.slice(at);
        break;
      case 'delete':
        s = s.slice(0, at) + s.slice(at + m.len);
        break;
      case 'replace':
        s = s.slice(0, at) + m.piece + s.slice(at + m.len);
        break;
      case 'dupLine': {
        const i = m.at % lines.length;
        lines.splice(i, 0, lines[i]);
        s = lines.join('\n');
        break;
      }
      case 'number': {
        // Another double in place of one literal: exercises number printing in code and text.
        let k = 0;
        const target = m.other % Math.max(1, (s.match(/\d+(?:\.\d*)?(?:e[+-]?\d+)?/g) ?? []).length);
        s = s.replace(/\d+(?:\.\d*)?(?:e[+-]?\d+)?/g, (x) => (k++ === target ? String(m.value) : x));
        break;
      }
      case 'swapLines': {
        const i = m.at % lines.length;
        const j = m.other % lines.length;
        [lines[i], lines[j]] = [lines[j], lines[i]];
        s = lines.join('\n');
        break;
      }
    }
  }
  return s;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'replace', 'dupLine', 'swapLines', 'number', 'number'),
  at: fc.nat(10_000),
  len: fc.integer({ min: 1, max: 6 }),
  piece: fc.constantFrom(...PIECES),
  other: fc.nat(100),
  value: fc.double({ noNaN: true }),
});

describe('equation language: any input compiles or throws an EquationError, and nothing is evaluated', () => {
  it('random strings (4,000: arbitrary Unicode and a soup of the language’s characters)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), outcome), { numRuns: 1500, seed: 1 });
    const chars = fc.constantFrom(..."xvk'=+-*/^()[],.0123456789e #\n\tparmoinst\"$;".split(''));
    fc.assert(fc.property(fc.string({ unit: chars, maxLength: 120 }), outcome), { numRuns: 2500, seed: 2 });
  });

  it('token soups (2,000 lines built from the language’s pieces)', () => {
    const soup = fc.array(fc.constantFrom(...PIECES), { maxLength: 25 }).map((xs) => xs.join(' '));
    fc.assert(fc.property(fc.array(soup, { minLength: 1, maxLength: 4 }), (ls) => outcome(ls.join('\n'))), { numRuns: 2000, seed: 3 });
  });

  it('mutated valid systems (4,500: insertions, deletions, replacements, other numbers, duplicated and swapped lines)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BASES), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, muts) => outcome(mutate(base, muts))),
      { numRuns: 4500, seed: 4 },
    );
  });

  it('deep nestings (100: parentheses, signs, calls and powers up to the token limit) compile or are refused, never a RangeError', () => {
    const wrap = fc.constantFrom<[string, string]>(['(', ')'], ['-', ''], ['(-', ')'], ['sin(', ')'], ['max(x, ', ')'], ['x^', ''], ['x^-', ''], ['-x*(', ')'], ['+', '']);
    const deep = fc.array(wrap, { minLength: 50, maxLength: 600 }).map((ws) => "x' = " + ws.map((w) => w[0]).join('') + 'x' + ws.map((w) => w[1]).reverse().join(''));
    fc.assert(fc.property(deep, outcome), { numRuns: 100, seed: 5 });
  });

  it('over all 10,600 inputs: both outcomes occur, and the canary was never touched', () => {
    expect(counts.compiled + counts.refused).toBeGreaterThanOrEqual(10_600);
    expect(counts.compiled).toBeGreaterThan(500);
    expect(counts.refused).toBeGreaterThan(5_000);
    expect(tripped).toBe(0);
  });

  it('the canary can trip: reading it counts', () => {
    const before = tripped;
    void (globalThis as Record<string, unknown>).canary;
    expect(tripped).toBe(before + 1);
    tripped = before;
  });
});
