/**
 * Reads the statements of an equation text, one a line (docs/equations.md):
 *
 *   param NAME = NUMBER [in [BOUND, BOUND]]     const NAME = NUMBER      input NAME[, NAME…]
 *   NAME' = EXPR      NAME'' = EXPR             init NAME['] = NUMBER
 *   observe NAME = EXPR                         invariant NAME = EXPR    # comment
 *
 * Checks that need the whole text (names declared, defined twice, never used) are in check.ts.
 */
import { EquationError, at } from './errors.js';
import type { NamePositions } from './expr.js';
import { RESERVED_WORDS, parseExpression } from './expr.js';
import { isFunctionName } from './functions.js';
import type { Token } from './lex.js';
import { tokenize } from './lex.js';
import type { SystemSyntax } from './syntax.js';
import { BUILTIN_NAMES, KEYWORDS } from './syntax.js';

class Line {
  i = 0;
  constructor(
    readonly text: string,
    readonly line: number,
    readonly tokens: Token[],
  ) {}

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  /** Throws at `tok` (default: the next token); `found` adds what stands there instead. */
  fail(message: string, tok = this.peek(), found = true): never {
    const column = tok?.column ?? this.text.replace(/#.*$/, '').trimEnd().length + 1;
    const shown = !found ? '' : tok ? `, found "${tok.text}"` : ', found the end of the line';
    throw new EquationError(`${message}${shown} at ${this.line}:${column}`, { line: this.line, column }, tok?.text);
  }

  expect(kind: Token['kind'], what: string): Token {
    const tok = this.peek();
    if (tok?.kind !== kind) this.fail(`expected ${what}`);
    this.i++;
    return tok;
  }

  /** A name declared by this statement: no primes, not reserved. */
  declaredName(what: string): Token {
    const tok = this.expect('name', what);
    const bad = reservedReason(tok.text);
    if (bad) throw new EquationError(`"${tok.text}" ${bad} at ${this.line}:${tok.column}`, { line: this.line, column: tok.column }, tok.text);
    return tok;
  }

  /** [+|-] NUMBER, or ±inf where `inf` is allowed. */
  signedNumber(what: string, allowInf = false): number {
    let sign = 1;
    const s = this.peek();
    if (s?.kind === 'op' && (s.text === '-' || s.text === '+')) {
      sign = s.text === '-' ? -1 : 1;
      this.i++;
    }
    const tok = this.peek();
    if (allowInf && tok?.kind === 'name' && tok.text === 'inf') {
      this.i++;
      return sign * Infinity;
    }
    if (tok?.kind !== 'number') this.fail(`expected ${what}`);
    const v = Number(tok.text);
    if (!Number.isFinite(v)) this.fail('expected a finite number', tok);
    this.i++;
    return sign * v;
  }

  end(): void {
    if (this.peek()) this.fail('expected the end of the statement');
  }
}

/** Why a name cannot be declared, or undefined when it can. */
export function reservedReason(name: string): string | undefined {
  if (name.includes("'")) return 'cannot be declared with a prime';
  if (isFunctionName(name)) return 'is a function name';
  if (BUILTIN_NAMES.has(name)) return name === 't' ? 'is the time' : 'is the constant π';
  if (KEYWORDS.includes(name) || RESERVED_WORDS.has(name) || name === 'inf') return 'is a reserved word';
  return undefined;
}

/** Parses `text` statement by statement. Positions of names in expressions go into `positions`. */
export function parseStatements(text: string, positions: NamePositions): SystemSyntax {
  const sys: SystemSyntax = { equations: [], params: [], consts: [], inputs: [], observe: [], invariants: [], inits: [] };
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const lineText = lines[n];
    const line = n + 1;
    const tokens = tokenize(lineText, line);
    if (tokens.length === 0) continue;
    const L = new Line(lineText, line, tokens);
    const head = tokens[0];
    const pos = (tok: Token) => ({ line, column: tok.column });
    const keyword = head.kind === 'name' && KEYWORDS.includes(head.text) && tokens[1]?.kind !== '=' ? head.text : undefined;
    L.i = keyword ? 1 : 0;
    switch (keyword) {
      case 'param': {
        const nm = L.declaredName('a parameter name after "param"');
        L.expect('=', `"=" after "param ${nm.text}"`);
        const initial = L.signedNumber('the initial value (a number)');
        let lower = -Infinity;
        let upper = Infinity;
        const kw = L.peek();
        if (kw) {
          if (!(kw.kind === 'name' && kw.text === 'in')) L.fail('expected "in [lower, upper]" or the end of the statement');
          L.i++;
          L.expect('[', '"[" after "in"');
          lower = L.signedNumber('a lower bound (a number or -inf)', true);
          L.expect(',', '"," between the bounds');
          upper = L.signedNumber('an upper bound (a number or inf)', true);
          L.expect(']', '"]" after the upper bound');
          if (!(lower < upper)) throw new EquationError(`bounds of ${nm.text} must have lower < upper; got [${lower}, ${upper}] at ${at(pos(kw))}`, pos(kw), nm.text);
          if (!(initial >= lower && initial <= upper)) {
            throw new EquationError(`initial value ${initial} of ${nm.text} lies outside its bounds [${lower}, ${upper}] at ${at(pos(nm))}`, pos(nm), nm.text);
          }
        }
        L.end();
        sys.params.push({ name: nm.text, initial, lower, upper, at: pos(nm) });
        break;
      }
      case 'const': {
        const nm = L.declaredName('a constant name after "const"');
        L.expect('=', `"=" after "const ${nm.text}"`);
        const value = L.signedNumber('a number (a constant is a known number)');
        L.end();
        sys.consts.push({ name: nm.text, value, at: pos(nm) });
        break;
      }
      case 'input': {
        for (;;) {
          const nm = L.declaredName('an input name (a data column)');
          sys.inputs.push({ name: nm.text, at: pos(nm) });
          if (!L.peek()) break;
          L.expect(',', '"," or the end of the statement');
        }
        break;
      }
      case 'observe':
      case 'invariant': {
        const nm = L.declaredName(`a name after "${keyword}"`);
        const eq = L.expect('=', `"=" after "${keyword} ${nm.text}"`);
        const expr = parseExpression(line, eq, tokens.slice(L.i), positions);
        (keyword === 'observe' ? sys.observe : sys.invariants).push({ name: nm.text, expr, at: pos(nm) });
        break;
      }
      case 'init': {
        const nm = L.expect('name', 'a state after "init"');
        const primes = nm.text.length - nm.text.replace(/'+$/, '').length;
        if (primes > 1) L.fail(`init ${nm.text}: expected a state (x) or a velocity (x')`, nm, false);
        L.expect('=', `"=" after "init ${nm.text}"`);
        const value = L.signedNumber('the initial value (a number)');
        L.end();
        sys.inits.push({ state: nm.text, value, at: pos(nm) });
        break;
      }
      default: {
        const nm = L.expect('name', "an equation (x' = …) or a declaration (param, const, input, observe, invariant, init)");
        const base = nm.text.replace(/'+$/, '');
        const order = nm.text.length - base.length;
        if (order === 0) {
          L.fail(`"${nm.text}" is not a statement: write ${nm.text}' = … for an equation, or declare it with param, const, input, observe or init`, nm, false);
        }
        if (order > 2) L.fail(`${nm.text}: an equation defines x' or x'' (at most two primes)`, nm, false);
        const bad = reservedReason(base);
        if (bad) throw new EquationError(`"${base}" ${bad} at ${line}:${nm.column}`, pos(nm), nm.text);
        const eq = L.expect('=', `"=" after "${nm.text}"`);
        const rhs = parseExpression(line, eq, tokens.slice(L.i), positions);
        sys.equations.push({ state: base, order: order as 1 | 2, rhs, at: pos(nm) });
      }
    }
  }
  return sys;
}
