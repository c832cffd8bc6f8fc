/**
 * Symbolic differentiation on lawful's own tree, taken once per system.
 *
 * The rules are a page long, produce only whitelisted nodes, and build their result
 * through the simplifying constructors of ast.ts (constant folding, x+0, x·1, x·0, x^1), so Jacobians come out small.
 */
import type { Expr } from './ast.js';
import { ONE, ZERO, add, call, div, mul, neg, num, pow, sub } from './ast.js';
import { FUNCTIONS } from './functions.js';

const fn = (name: string, ...args: Expr[]): Expr => call(name, args, FUNCTIONS[name].impl);
const sq = (a: Expr): Expr => pow(a, num(2));

/** ∂e/∂x, where x is a name. */
export function derivative(e: Expr, x: string): Expr {
  switch (e.k) {
    case 'num':
      return ZERO;
    case 'name':
      return e.name === x ? ONE : ZERO;
    case 'neg':
      return neg(derivative(e.a, x));
    case 'bin':
      return binaryDerivative(e, x);
    case 'call':
      return callDerivative(e, x);
  }
}

function binaryDerivative(e: Extract<Expr, { k: 'bin' }>, x: string): Expr {
  const { a, b } = e;
  const da = derivative(a, x);
  const db = derivative(b, x);
  switch (e.op) {
    case '+':
      return add(da, db);
    case '-':
      return sub(da, db);
    case '*':
      return add(mul(da, b), mul(a, db));
    case '/':
      return sub(div(da, b), div(mul(a, db), sq(b)));
    case '^':
      return powDerivative(a, b, da, db);
  }
}

/** d(a^b) = b·a^(b−1)·da where b is constant, a^b·ln a·db where a is, both terms otherwise. */
function powDerivative(a: Expr, b: Expr, da: Expr, db: Expr): Expr {
  const dbZero = db.k === 'num' && db.v === 0;
  const daZero = da.k === 'num' && da.v === 0;
  if (dbZero) return mul(mul(b, pow(a, sub(b, ONE))), da);
  const ab = pow(a, b);
  if (daZero) return mul(mul(ab, fn('log', a)), db);
  return mul(ab, add(mul(db, fn('log', a)), div(mul(b, da), a)));
}

function callDerivative(e: Extract<Expr, { k: 'call' }>, x: string): Expr {
  const args = e.args;
  if (e.fn === 'min' || e.fn === 'max') {
    // min(a, b) = (a + b − |a − b|)/2, max with +: differentiable wherever a ≠ b; a tie takes the mean.
    if (args.length > 2) return callDerivative({ k: 'call', fn: e.fn, args: [{ k: 'call', fn: e.fn, args: args.slice(0, -1) }, args[args.length - 1]] }, x);
    const [a, b] = args;
    const da = derivative(a, x);
    const db = derivative(b, x);
    const s = fn('sign', sub(a, b));
    const diff = mul(s, sub(da, db));
    return div(e.fn === 'min' ? sub(add(da, db), diff) : add(add(da, db), diff), num(2));
  }
  if (e.fn === 'pow') return powDerivative(args[0], args[1], derivative(args[0], x), derivative(args[1], x));
  if (e.fn === 'atan2') {
    // atan2(y, x): (x·dy − y·dx) / (x² + y²)
    const [yy, xx] = args;
    return div(sub(mul(xx, derivative(yy, x)), mul(yy, derivative(xx, x))), add(sq(xx), sq(yy)));
  }
  const a = args[0];
  const da = derivative(a, x);
  if (da.k === 'num' && da.v === 0) return ZERO;
  return mul(outer(e.fn, a, e), da);
}

/** f′(a) of the one-argument functions. */
function outer(name: string, a: Expr, self: Expr): Expr {
  switch (name) {
    case 'sin':
      return fn('cos', a);
    case 'cos':
      return neg(fn('sin', a));
    case 'tan':
      return div(ONE, sq(fn('cos', a)));
    case 'asin':
      return div(ONE, fn('sqrt', sub(ONE, sq(a))));
    case 'acos':
      return neg(div(ONE, fn('sqrt', sub(ONE, sq(a)))));
    case 'atan':
      return div(ONE, add(ONE, sq(a)));
    case 'sinh':
      return fn('cosh', a);
    case 'cosh':
      return fn('sinh', a);
    case 'tanh':
      return sub(ONE, sq(self));
    case 'exp':
      return self;
    case 'log':
      return div(ONE, a);
    case 'sqrt':
      return div(ONE, mul(num(2), self));
    case 'abs':
      return fn('sign', a);
    case 'sign':
      return ZERO;
    default:
      throw new Error(`equations: internal: no derivative rule for ${name}`);
  }
}
