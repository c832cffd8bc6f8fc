/**
 * The syntax of a system: what each statement of the text declares, before any check
 * across statements. Every declaration keeps the position of its name for messages.
 */
import type { Expr } from './ast.js';
import type { SourcePos } from './errors.js';

/** `param k = 0.1 in [0, 1]`: an unknown, fitted from `initial` within [lower, upper]. */
export interface ParamDecl {
  name: string;
  initial: number;
  /** −Infinity when not given. */
  lower: number;
  /** +Infinity when not given. */
  upper: number;
  at: SourcePos;
}

/** `const g = 9.81`: a known number. */
export interface ConstDecl {
  name: string;
  value: number;
  at: SourcePos;
}

/** `input u`: a known signal of time, taken from the data column named `u`. */
export interface InputDecl {
  name: string;
  at: SourcePos;
}

/** `x' = …` (order 1) or `x'' = …` (order 2). */
export interface StateEquation {
  state: string;
  order: 1 | 2;
  rhs: Expr;
  at: SourcePos;
}

/** `observe y = …` (a measured channel) or `invariant E = …` (a conserved quantity). */
export interface NamedExpr {
  name: string;
  expr: Expr;
  at: SourcePos;
}

/** `init x = 1` or `init x' = 0`: a fixed initial state (others are fitted). */
export interface InitDecl {
  /** The state as written: `x` or `x'`. */
  state: string;
  value: number;
  at: SourcePos;
}

export interface SystemSyntax {
  equations: StateEquation[];
  params: ParamDecl[];
  consts: ConstDecl[];
  inputs: InputDecl[];
  observe: NamedExpr[];
  invariants: NamedExpr[];
  inits: InitDecl[];
}

/** Words that start a statement. */
export const KEYWORDS: readonly string[] = ['param', 'const', 'input', 'observe', 'invariant', 'init'];
/** Names with a fixed meaning: the time and π. A Map, so `toString` or `__proto__` are never found in it. */
export const BUILTIN_NAMES: ReadonlyMap<string, number | 'time'> = new Map<string, number | 'time'>([
  ['t', 'time'],
  ['pi', Math.PI],
]);
