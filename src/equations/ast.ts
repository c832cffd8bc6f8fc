/**
 * lawful's own small expression tree, built by the parser (expr.ts): all that checking,
 * differentiation, code generation and the interpreter ever see. A name is a state (`x`, or `x'` for the
 * velocity of a second-order state), a parameter, a constant, an input or the time `t`.
 */

export type BinaryOp = '+' | '-' | '*' | '/' | '^';

export type Expr =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'name'; readonly name: string }
  | { readonly k: 'neg'; readonly a: Expr }
  | { readonly k: 'bin'; readonly op: BinaryOp; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly Expr[] };

export const num = (v: number): Expr => ({ k: 'num', v });
export const name = (n: string): Expr => ({ k: 'name', name: n });

export const ZERO = num(0);
export const ONE = num(1);

const isNum = (e: Expr, v?: number): e is { k: 'num'; v: number } => e.k === 'num' && (v === undefined || e.v === v);

/** Folds only to finite values: a literal in generated code is always a finite number. */
function folded(v: number): Expr | undefined {
  return Number.isFinite(v) ? num(v) : undefined;
}

// Smart constructors: constant folding and the identities x+0, x·1, x·0, x^1, −(−x).
// Derivatives are built through them, so a Jacobian comes out simplified. (x·0 → 0 drops
// the NaN of 0·∞; the usual choice of symbolic differentiation.)

export function neg(a: Expr): Expr {
  if (a.k === 'num') return num(-a.v);
  if (a.k === 'neg') return a.a;
  return { k: 'neg', a };
}

export function add(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.v + b.v) ?? { k: 'bin', op: '+', a, b };
  if (isNum(a, 0)) return b;
  if (isNum(b, 0)) return a;
  if (b.k === 'neg') return sub(a, b.a);
  return { k: 'bin', op: '+', a, b };
}

export function sub(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.v - b.v) ?? { k: 'bin', op: '-', a, b };
  if (isNum(b, 0)) return a;
  if (isNum(a, 0)) return neg(b);
  if (b.k === 'neg') return add(a, b.a);
  return { k: 'bin', op: '-', a, b };
}

export function mul(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.v * b.v) ?? { k: 'bin', op: '*', a, b };
  if (isNum(a, 0) || isNum(b, 0)) return ZERO;
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  if (isNum(a, -1)) return neg(b);
  if (isNum(b, -1)) return neg(a);
  if (a.k === 'neg') return neg(mul(a.a, b));
  if (b.k === 'neg') return neg(mul(a, b.a));
  return { k: 'bin', op: '*', a, b };
}

export function div(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.v / b.v) ?? { k: 'bin', op: '/', a, b };
  if (isNum(a, 0)) return ZERO;
  if (isNum(b, 1)) return a;
  if (a.k === 'neg') return neg(div(a.a, b));
  return { k: 'bin', op: '/', a, b };
}

export function pow(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(Math.pow(a.v, b.v)) ?? { k: 'bin', op: '^', a, b };
  if (isNum(b, 1)) return a;
  if (isNum(b, 0)) return ONE;
  return { k: 'bin', op: '^', a, b };
}

export function call(fn: string, args: readonly Expr[], impl?: (...x: number[]) => number): Expr {
  if (impl && args.every((a) => a.k === 'num')) {
    const f = folded(impl(...args.map((a) => (a as { v: number }).v)));
    if (f) return f;
  }
  return { k: 'call', fn, args };
}

/** True when the two trees are the same (names, numbers bit for bit, structure). */
export function sameExpr(a: Expr, b: Expr): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'num':
      return Object.is(a.v, (b as typeof a).v);
    case 'name':
      return a.name === (b as typeof a).name;
    case 'neg':
      return sameExpr(a.a, (b as typeof a).a);
    case 'bin': {
      const o = b as typeof a;
      return a.op === o.op && sameExpr(a.a, o.a) && sameExpr(a.b, o.b);
    }
    case 'call': {
      const o = b as typeof a;
      return a.fn === o.fn && a.args.length === o.args.length && a.args.every((x, i) => sameExpr(x, o.args[i]));
    }
  }
}

/** Every name the tree refers to (not function names). */
export function namesIn(e: Expr, into = new Set<string>()): Set<string> {
  switch (e.k) {
    case 'name':
      into.add(e.name);
      break;
    case 'neg':
      namesIn(e.a, into);
      break;
    case 'bin':
      namesIn(e.a, into);
      namesIn(e.b, into);
      break;
    case 'call':
      for (const a of e.args) namesIn(a, into);
      break;
    default:
  }
  return into;
}

/** `e` with the names in `values` replaced by numbers (e.g. fitted parameters, for display). */
export function substitute(e: Expr, values: ReadonlyMap<string, number>): Expr {
  switch (e.k) {
    case 'num':
      return e;
    case 'name': {
      const v = values.get(e.name);
      return v === undefined ? e : num(v);
    }
    case 'neg':
      return { k: 'neg', a: substitute(e.a, values) };
    case 'bin':
      return { k: 'bin', op: e.op, a: substitute(e.a, values), b: substitute(e.b, values) };
    case 'call':
      return { k: 'call', fn: e.fn, args: e.args.map((a) => substitute(a, values)) };
  }
}

/** True when `e` refers to `n`. */
export function dependsOn(e: Expr, n: string): boolean {
  return namesIn(e).has(n);
}

const PRECEDENCE: Record<BinaryOp, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 4 };
const NEG_PRECEDENCE = 3;
const ATOM = 5;

function precedence(e: Expr): number {
  if (e.k === 'bin') return PRECEDENCE[e.op];
  return e.k === 'neg' ? NEG_PRECEDENCE : ATOM;
}

/**
 * Prints a tree in the equation language with the fewest parentheses that parse back to
 * the same tree (precedence + − < * / < unary − < ^, ^ right-associative), so a
 * printout never nests deeper than what was parsed. A number prints as
 * `Number.prototype.toString` gives it, which reads back to the same double; a negative
 * number (only folding or substituted values make one) prints in parentheses, `(-3)`.
 */
export function printExpr(e: Expr): string {
  switch (e.k) {
    case 'num':
      return e.v < 0 || Object.is(e.v, -0) ? `(-${String(-e.v)})` : String(e.v);
    case 'name':
      return e.name;
    case 'neg': {
      const inner = printExpr(e.a);
      // -(a*b) needs its parentheses; a double negation prints "- -x", as few signs and
      // parentheses as any text that parses to it.
      return `-${e.a.k === 'neg' ? ' ' : ''}${precedence(e.a) < NEG_PRECEDENCE ? `(${inner})` : inner}`;
    }
    case 'call':
      return `${e.fn}(${e.args.map(printExpr).join(', ')})`;
    case 'bin': {
      const p = PRECEDENCE[e.op];
      const rightAssoc = e.op === '^';
      const pa = precedence(e.a);
      const pb = precedence(e.b);
      // A negation binds tighter than * and /, looser than ^: on the left it needs
      // parentheses only under ^; on the right of any operator the parser reads it as it is
      // (a - -b, a*-b, a^-b^c = a^(-(b^c))).
      const leftOk = pa > p || (pa === p && !rightAssoc);
      const rightOk = pb > p || (pb === p && rightAssoc) || pb === NEG_PRECEDENCE;
      const l = leftOk ? printExpr(e.a) : `(${printExpr(e.a)})`;
      const r = rightOk ? printExpr(e.b) : `(${printExpr(e.b)})`;
      const sp = p === 1 ? ' ' : '';
      return `${l}${sp}${e.op}${sp}${r}`;
    }
  }
}
