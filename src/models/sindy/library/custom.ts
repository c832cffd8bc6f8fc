/**
 * Custom terms written in the equation language (docs/equations.md), e.g. `sin(x)`,
 * `x*y^2`, `x*y/(1 + x^2)`, `exp(-x)`: any right-hand-side expression of the variables
 * (their identifiers, equations.ts) and π, with every whitelisted function. They are parsed,
 * checked and compiled by src/equations (`compileFunctions`), never evaluated from text;
 * the gradient is the symbolic derivative compiled the same way. A mistake is a ConfigError
 * on `library.terms` naming the term and the column.
 */
import { ConfigError } from '../../../core/errors.js';
import { compileFunctions, EquationError, type CompiledFunctions } from '../../../equations/index.js';
import type { FeatureLibrary } from './base.js';

/** Compiles `terms` over `vars`; a mistake names the term and its column. */
function compileTerms(terms: readonly string[], vars: readonly string[]): CompiledFunctions {
  try {
    return compileFunctions(terms, vars);
  } catch (e) {
    if (!(e instanceof EquationError) || !e.pos) throw e;
    // The expression's index is its line; within one term only the column means anything.
    const message = e.message.replace(/ at (\d+):(\d+)/, ' at column $2');
    throw new ConfigError(`custom term "${terms[e.pos.line - 1]}": ${message}`, 'library.terms');
  }
}

/** Custom terms over the variables `vars` (the expressions name them). */
export function customLibrary(terms: readonly string[], vars: readonly string[]): FeatureLibrary {
  if (terms.length < 1) throw new ConfigError('a custom library needs at least one term', 'library.terms');
  const f = compileTerms(terms, vars);
  const T = terms.length;
  // A sum or a negation keeps parentheses, so `0.5*(x + y)` prints as it means.
  const names = f.names.map((n) => (/[+-]/.test(topLevel(n)) ? `(${n})` : n));
  return {
    spec: { kind: 'custom', terms: [...terms] },
    size: () => T,
    names: () => [...names],
    columns(x) {
      const n = x[0]?.length ?? 0;
      const row = new Float64Array(x.length);
      const out = new Float64Array(T);
      const cols = Array.from({ length: T }, () => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < x.length; j++) row[j] = x[j][i];
        f.value(row, out);
        for (let k = 0; k < T; k++) cols[k][i] = out[k];
      }
      return cols;
    },
    point: (x, out) => f.value(x, out),
    gradient: (x, J) => f.jacobian(x, J),
  };
}

/** `text` with everything inside parentheses removed: what an operator outside them binds. */
function topLevel(text: string): string {
  let depth = 0;
  let s = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (depth === 0) s += c;
    if (c === ')') depth--;
  }
  return s;
}
