/**
 * Splits one line of equation text into tokens with their columns. The statement parser
 * (parse.ts) reads the structure (`param k = 0.1 in [0, 1]`, `x'' = …`) from them, and the
 * expression reader (expr.ts) checks a right-hand side's tokens against the whitelist
 * before it is parsed. Everything else — quotes, dots, `%`, `;`, `!`, `?`, `:` — stops here
 * with its line and column.
 */
import { EquationError } from './errors.js';

export type TokenKind = 'name' | 'number' | 'op' | '=' | '[' | ']' | ',' | '(' | ')';

export interface Token {
  kind: TokenKind;
  /** The characters as written (a name keeps its primes: `x'`). */
  text: string;
  /** 1-based column of the first character. */
  column: number;
}

// ASCII letters and the Greek block (α, ω, Ω, …).
const NAME_START = /[A-Za-z_\u0391-\u03A9\u03B1-\u03C9]/;
const NAME_PART = /[A-Za-z0-9_\u0391-\u03A9\u03B1-\u03C9]/;
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const SINGLE: Record<string, TokenKind> = {
  '+': 'op', '-': 'op', '*': 'op', '/': 'op', '^': 'op',
  '=': '=', '[': '[', ']': ']', ',': ',', '(': '(', ')': ')',
};

/** Tokens of `text` (one line, without its newline), stopping at a `#` comment. */
export function tokenize(text: string, line: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '#') break;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const column = i + 1;
    if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < text.length && NAME_PART.test(text[j])) j++;
      while (j < text.length && text[j] === "'") j++;
      tokens.push({ kind: 'name', text: text.slice(i, j), column });
      i = j;
      continue;
    }
    const m = /[0-9.]/.test(c) ? NUMBER.exec(text.slice(i)) : null;
    if (m) {
      tokens.push({ kind: 'number', text: m[0], column });
      i += m[0].length;
      continue;
    }
    const kind = SINGLE[c];
    if (kind === undefined) {
      const shown = c === "'" ? "' (a prime must follow a name)" : c;
      throw new EquationError(`unexpected "${shown}" at ${line}:${column}`, { line, column }, c);
    }
    tokens.push({ kind, text: c, column });
    i++;
  }
  return tokens;
}
