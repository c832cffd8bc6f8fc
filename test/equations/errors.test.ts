// Every mistake is one EquationError whose message names line, column and token.
import { describe, expect, it } from 'vitest';
import { LawfulError } from '../../src/core/errors.js';
import { EquationError, FUNCTION_NAMES, compileSystem } from '../../src/equations/index.js';

function error(text: string, file?: string): EquationError {
  try {
    compileSystem(text, { file });
  } catch (e) {
    expect(e).toBeInstanceOf(EquationError);
    expect(e).toBeInstanceOf(LawfulError);
    return e as EquationError;
  }
  throw new Error(`no error for:\n${text}`);
}

const OSC = "x' = v\nv' = -w*x - (q + g*v)*k\nparam w = 1\nparam g = 0.1\nparam k = 2";

describe('equation language: messages', () => {
  it('an unknown name: line:col, the name, and the lists of states and parameters', () => {
    const e = error(OSC);
    expect(e.message).toBe('unknown name "q" at 2:14 — states are x, v; parameters are w, g, k');
    expect(e.pos).toEqual({ line: 2, column: 14 });
    expect(e.token).toBe('q');
  });

  it('the lists name constants and inputs where there are some', () => {
    expect(error("const c = 1\ninput u\nx' = c*u*z").message).toBe('unknown name "z" at 3:10 — states are x; constants are c; inputs are u');
  });

  it("x'' defined twice (lines 1 and 3)", () => {
    expect(error("x'' = -x\ny' = x\nx'' = -2*x").message).toBe("x'' defined twice (lines 1 and 3)");
    expect(error("x' = 1\nx'' = -x").message).toBe("x defined twice (x' at line 1 and x'' at line 2)");
  });

  it('parameter g is never used', () => {
    const e = error("param w = 1\nparam g = 0.1\nx'' = -w*x");
    expect(e.message).toBe('parameter g is never used (declared at 2:7)');
    expect(e.pos).toEqual({ line: 2, column: 7 });
    expect(error("const g = 9.81\nx' = -x").message).toBe('constant g is never used (declared at 1:7)');
    expect(error("input u\nx' = -x").message).toBe('input u is never used (declared at 1:7)');
    // A parameter seen only by an invariant cannot be fitted from data.
    expect(error("param m = 1\nx'' = -x\ninvariant E = m*x'^2").message).toBe('parameter m is never used (declared at 1:7)');
  });

  it('a name declared twice, or as two kinds', () => {
    expect(error("param k = 1\nparam k = 2\nx' = -k*x").message).toBe('k declared twice (lines 1 and 2) at 2:7');
    expect(error("param x = 1\nx' = -x").message).toBe('x is declared as a parameter (line 1) and as a state (line 2) at 2:1');
    expect(error("param k = 1\nx' = -k*x\nobserve y = x\nobserve y = 2*x").message).toBe('y defined twice (lines 3 and 4)');
    expect(error("x' = -x\ninit x = 1\ninit x = 2").message).toBe('init x defined twice (lines 2 and 3)');
  });

  it('an unknown function names the function and lists the whitelist', () => {
    const e = error("x' = -foo(x)");
    expect(e.message).toBe(`unknown function "foo" at 1:7 — functions are ${FUNCTION_NAMES.join(', ')}`);
    expect(e.token).toBe('foo');
    expect(error("param k = 1\nx' = k(x)").message).toMatch(/^unknown function "k" at 2:6/);
    expect(error("x' = sin").message).toBe('sin is a function at 1:6: write sin(…)');
  });

  it('wrong numbers of arguments', () => {
    expect(error("x' = sin(x, 1)").message).toBe('sin takes 1 argument, got 2 at 1:6');
    expect(error("x' = atan2(x)").message).toBe('atan2 takes 2 arguments, got 1 at 1:6');
    expect(error("x' = max(x)").message).toBe('max takes at least 2 arguments, got 1 at 1:6');
  });

  it('characters and constructs outside the whitelist stop at their column', () => {
    expect(error("x' = x % 2").message).toBe('unexpected "%" at 1:8');
    expect(error("x' = x.re").message).toBe('unexpected "." at 1:7');
    expect(error("x' = \"x\"").message).toBe('unexpected """ at 1:6');
    expect(error("x' = [1, 2]").message).toBe('unexpected "[" at 1:6');
    expect(error("x' = x; y = 2").message).toBe('unexpected ";" at 1:7');
    expect(error("x' = x == 1").message).toBe('unexpected "=" at 1:8');
    expect(error("x' = x ? 1 : 2").message).toBe('unexpected "?" at 1:8');
    expect(error("x' = 2x").message).toBe('missing operator between "2" and "x" at 1:7');
    expect(error("x' = x mod 2").message).toBe('missing operator between "x" and "mod" at 1:8');
    expect(error("x' = (1, x)").message).toBe('unexpected "," at 1:8');
    expect(error("x' = (x").message).toBe('unclosed "(" at 1:6');
    expect(error("x' = x)").message).toBe('unexpected ")" at 1:7');
    expect(error("x' = true").message).toBe('"true" is a reserved word at 1:6');
    expect(error("x' = x''").message).toMatch(/^x'' cannot appear on a right-hand side at 1:6/);
    expect(error("x' = 1e999*x").message).toBe('number 1e999 is too large at 1:6');
    expect(error("x' = x +").message).toBe('cannot read the expression at 1:8 near "+": unexpected end of expression');
    expect(error("x' = * x").message).toMatch(/^cannot read the expression at 1:6 near "\*"/);
    expect(error("x' =").message).toBe('missing right-hand side after "=" at 1:4');
  });

  it('statement structure: the column of what was expected', () => {
    expect(error("param k 0.1\nx' = k").message).toBe('expected "=" after "param k", found "0.1" at 1:9');
    expect(error("param k =\nx' = k").message).toBe('expected the initial value (a number), found the end of the line at 1:10');
    expect(error("param k = 0.1 in (0, 1)\nx' = k").message).toBe('expected "[" after "in", found "(" at 1:18');
    expect(error("param k = 0.1 in [1, 0]\nx' = k").message).toBe('bounds of k must have lower < upper; got [1, 0] at 1:15');
    expect(error("param k = 2 in [0, 1]\nx' = k").message).toBe('initial value 2 of k lies outside its bounds [0, 1] at 1:7');
    expect(error("param sin = 1\nx' = 1").message).toBe('"sin" is a function name at 1:7');
    expect(error("param t = 1\nx' = 1").message).toBe('"t" is the time at 1:7');
    expect(error("const g = x\nx' = g").message).toBe('expected a number (a constant is a known number), found "x" at 1:11');
    expect(error("x = 3").message).toMatch(/^"x" is not a statement: write x' = … for an equation/);
    expect(error("x''' = 3").message).toBe("x''': an equation defines x' or x'' (at most two primes) at 1:1");
    expect(error("input u v\nx' = u").message).toBe('expected "," or the end of the statement, found "v" at 1:9');
    expect(error("x' = 1 # fine\n'y = 2").message).toBe('unexpected "\' (a prime must follow a name)" at 2:1');
    expect(error('# nothing here').message).toBe("no equations: write at least one line such as x' = -k*x");
  });

  it("x' of a first-order state is refused with the reason", () => {
    expect(error("x' = -x\ny' = x'").message).toBe("x' is not a state at 2:6 — x is first-order (line 1); only a second-order state's velocity can appear");
  });

  it('the file name, when given, starts the message', () => {
    expect(error(OSC, 'osc.eq').message).toBe('osc.eq: unknown name "q" at 2:14 — states are x, v; parameters are w, g, k');
  });

  it('size limits keep parsing and differentiation inside the stack, with a message', () => {
    expect(error("x' = " + Array(501).fill('x').join(' + ')).message).toBe('right-hand side too long (1001 tokens; at most 1000) at 1:6: split it with an observe line or a const');
    expect(error("x' = " + '('.repeat(450) + 'x' + ')'.repeat(450)).message).toBe('expression nested too deeply for the parser at 1:6');
    expect(error("x' = " + 'sin('.repeat(330) + 'x' + ')'.repeat(330)).message).toBe('expression nested too deeply for the parser at 1:6');
  });
});
