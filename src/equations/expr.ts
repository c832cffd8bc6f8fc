/**
 * Reads one right-hand side: checks its tokens against the whitelist, then parses them by
 * recursive descent straight into lawful's small tree (ast.ts). The grammar is the whole
 * language — numbers, declared names, + − * / ^, unary ± and calls of the listed functions —
 * with the usual precedence (+ − < * / < unary ± < ^, ^ right-associative: −x^2 is −(x^2),
 * 2^−1 is 2^(−1), a^b^c is a^(b^c)), so nothing outside the whitelist can be built.
 */
import type { Expr } from './ast.js';
import { name as nameNode, num } from './ast.js';
import type { SourcePos } from './errors.js';
import { EquationError } from './errors.js';
import { FUNCTIONS, FUNCTION_NAMES, isFunctionName } from './functions.js';
import type { Token } from './lex.js';

/**
 * Words kept out of names: operator and constant words of common expression languages
 * (`mod`, `and`, `NaN`, …), so an .eq file means the same to any tool that reads it.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'mod', 'to', 'in', 'and', 'or', 'xor', 'not', 'true', 'false', 'null', 'undefined', 'Infinity', 'NaN', 'end',
]);

/**
 * Tokens per right-hand side: far above any system written by hand or by a script, it keeps
 * differentiation and code generation (recursive over the tree) well inside the stack.
 * Parentheses and calls nested deeper than MAX_DEPTH are refused as "nested too deeply"
 * (the parser and every pass over the tree recurse; chains of signs and powers are bounded
 * by MAX_TOKENS). A printout never nests deeper
 * than the text it came from (printExpr in ast.ts), so what parsed once parses again.
 */
export const MAX_TOKENS = 1000;

/** Deepest nesting of parentheses and calls in one right-hand side. */
export const MAX_DEPTH = 256;

/** Positions of the name nodes of every parsed tree, for messages that point at a use. */
export type NamePositions = WeakMap<Expr, SourcePos>;

/** Throws "<message> at line:col<tail>". */
function fail(message: string, line: number, tok: Token, tail = ''): never {
  throw new EquationError(`${message} at ${line}:${tok.column}${tail}`, { line, column: tok.column }, tok.text);
}

const endsOperand = (t: Token, isCall: boolean) => t.kind === 'number' || t.kind === ')' || (t.kind === 'name' && !isCall);
const startsOperand = (t: Token) => t.kind === 'number' || t.kind === 'name' || t.kind === '(';

/** Token-level checks; returns which name tokens are function calls. */
function checkTokens(tokens: Token[], line: number): boolean[] {
  if (tokens.length > MAX_TOKENS) fail(`right-hand side too long (${tokens.length} tokens; at most ${MAX_TOKENS})`, line, tokens[0], ': split it with an observe line or a const');
  const isCall = tokens.map((t, i) => t.kind === 'name' && tokens[i + 1]?.kind === '(');
  const parens: { call: boolean; tok: Token }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok.kind === '=' || tok.kind === '[' || tok.kind === ']') fail(`unexpected "${tok.text}"`, line, tok);
    if (i > 0 && endsOperand(tokens[i - 1], isCall[i - 1]) && startsOperand(tok)) {
      fail(`missing operator between "${tokens[i - 1].text}" and "${tok.text}"`, line, tok);
    }
    if (tok.kind === 'number' && !Number.isFinite(Number(tok.text))) fail(`number ${tok.text} is too large`, line, tok);
    if (tok.kind === 'name') {
      const base = tok.text.replace(/'+$/, '');
      if (RESERVED_WORDS.has(base)) fail(`"${base}" is a reserved word`, line, tok);
      if (tok.text.endsWith("''")) fail(`${tok.text} cannot appear on a right-hand side`, line, tok, ' (a second derivative is what an equation defines)');
      if (isCall[i] && !isFunctionName(tok.text)) fail(`unknown function "${tok.text}"`, line, tok, ` — functions are ${FUNCTION_NAMES.join(', ')}`);
      if (!isCall[i] && isFunctionName(tok.text)) fail(`${tok.text} is a function`, line, tok, `: write ${tok.text}(…)`);
    }
    if (tok.kind === '(') parens.push({ call: i > 0 && isCall[i - 1], tok });
    if (tok.kind === ')' && !parens.pop()) fail('unexpected ")"', line, tok);
    if (tok.kind === ',' && !parens[parens.length - 1]?.call) fail('unexpected ","', line, tok);
  }
  if (parens.length) fail('unclosed "("', line, parens[parens.length - 1].tok);
  return isCall;
}

/**
 * Parses the right-hand side made of `tokens` (line `line`), after the "=" token `eq`.
 * Records the position of every name node in `positions`.
 */
export function parseExpression(line: number, eq: Token, tokens: Token[], positions: NamePositions): Expr {
  if (tokens.length === 0) fail('missing right-hand side after "="', line, eq);
  const isCall = checkTokens(tokens, line);
  let i = 0;
  let depth = 0;
  const peek = (): Token | undefined => tokens[i];
  const isOp = (t: Token | undefined, ...ops: string[]) => t !== undefined && t.kind === 'op' && ops.includes(t.text);
  /** The next token, or a "cannot read" error naming it (or, at the end, the last one). */
  const unexpected = (): never => {
    const t = peek();
    if (t === undefined) fail('cannot read the expression', line, tokens[tokens.length - 1], ` near "${tokens[tokens.length - 1].text}": unexpected end of expression`);
    return fail('cannot read the expression', line, t, ` near "${t.text}": value expected`);
  };
  const nested = <T>(read: () => T): T => {
    if (++depth > MAX_DEPTH) fail('expression nested too deeply for the parser', line, tokens[0]);
    const e = read();
    depth--;
    return e;
  };

  // sum := product (("+" | "−") product)*
  const sum = (): Expr => {
    let e = product();
    while (isOp(peek(), '+', '-')) {
      const op = tokens[i++].text as '+' | '-';
      e = { k: 'bin', op, a: e, b: product() };
    }
    return e;
  };
  // product := unary (("*" | "/") unary)*
  const product = (): Expr => {
    let e = unary();
    while (isOp(peek(), '*', '/')) {
      const op = tokens[i++].text as '*' | '/';
      e = { k: 'bin', op, a: e, b: unary() };
    }
    return e;
  };
  // unary := ("+" | "−") unary | power
  const unary = (): Expr => {
    const t = peek();
    if (isOp(t, '-')) return i++, { k: 'neg', a: unary() };
    if (isOp(t, '+')) return i++, unary();
    return power();
  };
  // power := primary ("^" unary)?
  const power = (): Expr => {
    const base = primary();
    if (!isOp(peek(), '^')) return base;
    i++;
    return { k: 'bin', op: '^', a: base, b: unary() };
  };
  // primary := number | name | function "(" sum ("," sum)* ")" | "(" sum ")"
  const primary = (): Expr => {
    const t = peek();
    if (t === undefined) return unexpected();
    if (t.kind === 'number') {
      i++;
      return num(Number(t.text));
    }
    if (t.kind === 'name' && !isCall[i]) {
      i++;
      const e = nameNode(t.text);
      positions.set(e, { line, column: t.column });
      return e;
    }
    if (t.kind === 'name') {
      i += 2; // the name and its "(" (checkTokens made sure a call's name is a function)
      const args: Expr[] = [];
      if (peek()?.kind !== ')') {
        args.push(nested(sum));
        while (peek()?.kind === ',') {
          i++;
          args.push(nested(sum));
        }
      }
      if (peek()?.kind !== ')') unexpected();
      i++;
      const spec = FUNCTIONS[t.text];
      if (args.length < spec.minArgs || args.length > spec.maxArgs) {
        const want = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : spec.maxArgs === Infinity ? `at least ${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
        fail(`${t.text} takes ${want} argument${want === '1' ? '' : 's'}, got ${args.length}`, line, t);
      }
      return { k: 'call', fn: t.text, args };
    }
    if (t.kind === '(') {
      i++;
      const e = nested(sum);
      if (peek()?.kind !== ')') unexpected();
      i++;
      return e;
    }
    return unexpected();
  };

  const expr = sum();
  if (i < tokens.length) unexpected();
  return expr;
}
