/**
 * Custom terms written as expressions of the variables, e.g. `x*y/(1 + x^2)`, `exp(-x)`,
 * `sin(2*x)`. Until the equation language (src/equations/) is connected, they are read by
 * this small parser, which accepts only a safe subset of it: numbers, the variables, + − * /,
 * ^ with a number exponent, parentheses and the functions sin, cos, tan, exp, log, sqrt,
 * tanh. Anything else is a ConfigError naming the term and the position. The gradient comes
 * from forward-mode differentiation of the same tree (value and ∂/∂x_j together).
 */
import { ConfigError } from '../../../core/errors.js';
import type { FeatureLibrary } from './base.js';

type Node =
  | { op: 'num'; value: number }
  | { op: 'var'; index: number }
  | { op: '+' | '-' | '*' | '/'; a: Node; b: Node }
  | { op: '^'; a: Node; power: number }
  | { op: 'neg'; a: Node }
  | { op: 'call'; fn: keyof typeof FUNCTIONS; a: Node };

/** Each function with its derivative, f and f′ side by side. */
const FUNCTIONS = {
  sin: [Math.sin, Math.cos],
  cos: [Math.cos, (u: number) => -Math.sin(u)],
  tan: [Math.tan, (u: number) => 1 / Math.cos(u) ** 2],
  exp: [Math.exp, Math.exp],
  log: [Math.log, (u: number) => 1 / u],
  sqrt: [Math.sqrt, (u: number) => 0.5 / Math.sqrt(u)],
  tanh: [Math.tanh, (u: number) => 1 - Math.tanh(u) ** 2],
} as const satisfies Record<string, readonly [(u: number) => number, (u: number) => number]>;

/** Parses `text` with `vars` as the only identifiers besides the functions. */
export function parseTerm(text: string, vars: readonly string[]): Node {
  const tokens = text.match(/\s*(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|\S)/g) ?? [];
  let pos = 0;
  const fail = (why: string): never => {
    throw new ConfigError(`custom term "${text}": ${why}`, 'library.terms');
  };
  const peek = () => tokens[pos]?.trim();
  const take = (t?: string) => {
    const got = peek();
    if (t !== undefined && got !== t) fail(`expected "${t}" at token ${pos + 1}, got ${got === undefined ? 'the end' : `"${got}"`}`);
    pos++;
    return got;
  };
  const primary = (): Node => {
    const t = take();
    if (t === undefined) return fail('ends too early');
    if (t === '(') {
      const e = sum();
      take(')');
      return e;
    }
    if (/^(\d|\.\d)/.test(t)) return { op: 'num', value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) {
      if (t in FUNCTIONS && peek() === '(') {
        take('(');
        const a = sum();
        take(')');
        return { op: 'call', fn: t as keyof typeof FUNCTIONS, a };
      }
      const index = vars.indexOf(t);
      if (index < 0) fail(`"${t}" is neither a variable (${vars.join(', ')}) nor one of ${Object.keys(FUNCTIONS).join(', ')}`);
      return { op: 'var', index };
    }
    return fail(`unexpected "${t}"`);
  };
  const unary = (): Node => (peek() === '-' ? (take(), { op: 'neg', a: unary() }) : power());
  const power = (): Node => {
    const a = primary();
    if (peek() !== '^') return a;
    take('^');
    const neg = peek() === '-' ? (take(), -1) : 1;
    const t = take();
    if (t === undefined || !/^(\d|\.\d)/.test(t)) return fail('an exponent must be a number');
    return { op: '^', a, power: neg * Number(t) };
  };
  const product = (): Node => {
    let a = unary();
    while (peek() === '*' || peek() === '/') a = { op: take() as '*' | '/', a, b: unary() };
    return a;
  };
  const sum = (): Node => {
    let a = product();
    while (peek() === '+' || peek() === '-') a = { op: take() as '+' | '-', a, b: product() };
    return a;
  };
  const tree = sum();
  if (pos < tokens.length) fail(`unexpected "${peek()}" after the expression`);
  return tree;
}

/** Value of the tree at x; with `grad`, also ∂/∂x_j into grad (length x.length), forward mode. */
function evaluate(n: Node, x: ArrayLike<number>, grad?: Float64Array): number {
  const d = x.length;
  const sub = (m: Node) => {
    const g = grad ? new Float64Array(d) : undefined;
    return [evaluate(m, x, g), g] as const;
  };
  const set = (f: (j: number) => number) => {
    if (grad) for (let j = 0; j < d; j++) grad[j] = f(j);
  };
  switch (n.op) {
    case 'num':
      set(() => 0);
      return n.value;
    case 'var':
      set((j) => (j === n.index ? 1 : 0));
      return x[n.index];
    case 'neg': {
      const [v, g] = sub(n.a);
      set((j) => -g![j]);
      return -v;
    }
    case 'call': {
      const [v, g] = sub(n.a);
      const [f, df] = FUNCTIONS[n.fn];
      const slope = grad ? df(v) : 0;
      set((j) => slope * g![j]);
      return f(v);
    }
    case '^': {
      const [v, g] = sub(n.a);
      const slope = grad ? n.power * v ** (n.power - 1) : 0;
      set((j) => (g![j] === 0 ? 0 : slope * g![j]));
      return v ** n.power;
    }
    default: {
      const [a, ga] = sub(n.a);
      const [b, gb] = sub(n.b);
      if (n.op === '+') return set((j) => ga![j] + gb![j]), a + b;
      if (n.op === '-') return set((j) => ga![j] - gb![j]), a - b;
      if (n.op === '*') return set((j) => ga![j] * b + a * gb![j]), a * b;
      return set((j) => (ga![j] * b - a * gb![j]) / (b * b)), a / b;
    }
  }
}

/** Custom terms over the variables `vars` (the expressions name them). */
export function customLibrary(terms: readonly string[], vars: readonly string[]): FeatureLibrary {
  if (terms.length < 1) throw new ConfigError('a custom library needs at least one term', 'library.terms');
  const trees = terms.map((t) => parseTerm(t, vars));
  return {
    spec: { kind: 'custom', terms: [...terms] },
    size: () => terms.length,
    // A sum keeps its parentheses, so `0.5*(x + y)` prints as it means.
    names: () => terms.map((t, k) => {
      const name = t.replace(/\s+/g, '');
      const op = trees[k].op;
      return op === '+' || op === '-' || op === 'neg' ? `(${name})` : name;
    }),
    columns(x) {
      const n = x[0]?.length ?? 0;
      const row = new Float64Array(x.length);
      return trees.map((tree) => {
        const col = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < x.length; j++) row[j] = x[j][i];
          col[i] = evaluate(tree, row);
        }
        return col;
      });
    },
    point(x, out) {
      for (let k = 0; k < trees.length; k++) out[k] = evaluate(trees[k], x);
    },
    gradient(x, J) {
      const g = new Float64Array(x.length);
      for (let k = 0; k < trees.length; k++) {
        evaluate(trees[k], x, g);
        J.set(g, k * x.length);
      }
    },
  };
}
