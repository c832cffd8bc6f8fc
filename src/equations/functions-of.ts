/**
 * Expressions of a few named variables, each written as a right-hand side of the equation
 * language (`sin(x)`, `x*y^2`, `exp(-x)/(1 + y^2)`), compiled like a system's: checked
 * against the whitelist, differentiated symbolically, lowered into straight-line programs,
 * run by generated code or the interpreter. SINDy's custom library terms are made of them.
 */
import type { Expr } from './ast.js';
import { printExpr } from './ast.js';
import { canGenerateCode } from './compile.js';
import { derivative } from './derive.js';
import { EquationError } from './errors.js';
import { compileKernel, interpretKernel } from './evaluate.js';
import type { NamePositions } from './expr.js';
import { parseExpression } from './expr.js';
import { tokenize } from './lex.js';
import type { Kernel, Leaf, Program } from './program.js';
import { ProgramBuilder } from './program.js';
import { BUILTIN_NAMES } from './syntax.js';

export interface CompiledFunctions {
  /** The checked trees, printed back in the language (`sin(x)`, `x*y^2`). */
  readonly names: readonly string[];
  /** out[k] = f_k(x). */
  value(x: Float64Array, out: Float64Array): void;
  /** J[k·d + j] = ∂f_k/∂x_j, d = the number of variables (overwrites J's first size·d entries). */
  jacobian(x: Float64Array, J: Float64Array): void;
}

const EMPTY = new Float64Array(0);

/**
 * Compiles `texts`, each one expression of `variables` and π (no time, no parameters).
 * A mistake is an `EquationError` whose message names the column within the expression,
 * `unknown name "q" at 1:5 — variables are x, y`, and whose `pos.line` is the expression's
 * index + 1.
 */
export function compileFunctions(texts: readonly string[], variables: readonly string[], evaluator: 'compiled' | 'interpreted' = 'compiled'): CompiledFunctions {
  const exprs: Expr[] = texts.map((text, k) => {
    const line = k + 1;
    const tokens = tokenize(text, line);
    if (tokens.length === 0) throw new EquationError(`an empty expression at ${line}:1`, { line, column: 1 }, '');
    for (const tok of tokens) {
      if (tok.kind !== 'name' || tokens[tokens.indexOf(tok) + 1]?.kind === '(') continue;
      if (!variables.includes(tok.text) && BUILTIN_NAMES.get(tok.text) !== Math.PI) {
        throw new EquationError(`unknown name "${tok.text}" at ${line}:${tok.column} — variables are ${variables.join(', ')}`, { line, column: tok.column }, tok.text);
      }
    }
    const positions: NamePositions = new WeakMap();
    return parseExpression(line, { kind: '=', text: '=', column: 1 }, tokens, positions);
  });
  const resolve = (n: string): Leaf => {
    const i = variables.indexOf(n);
    if (i >= 0) return { op: 'y', i };
    return { op: 'const', value: Math.PI }; // the only other name let through above
  };
  const d = variables.length;
  const value = new ProgramBuilder(resolve);
  exprs.forEach((e, k) => value.output(0, k, e));
  const jac = new ProgramBuilder(resolve);
  exprs.forEach((e, k) => variables.forEach((v, j) => jac.output(0, k * d + j, derivative(e, v))));
  const run = (prog: Program): Kernel => {
    if (evaluator === 'compiled' && canGenerateCode()) {
      try {
        return compileKernel(prog, undefined, 0);
      } catch {
        // A CSP refused generated code after all: the interpreter gives the same numbers.
      }
    }
    return interpretKernel(prog, undefined, 0);
  };
  const kv = run(value.build());
  const kj = run(jac.build());
  return {
    names: exprs.map(printExpr),
    value: (x, out) => kv(0, x, EMPTY, EMPTY, out, EMPTY),
    jacobian: (x, J) => kj(0, x, EMPTY, EMPTY, J, EMPTY),
  };
}
