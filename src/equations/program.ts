/**
 * A straight-line program: the one form that both the code generator and the interpreter
 * run, so they execute the same floating-point operations in the same order and agree bit
 * for bit. Trees are lowered into it with common subexpressions shared (a Jacobian reuses
 * the sines and products of f), and names become array indices: y[i], p[i], U[i], v[i].
 */
import type { BinaryOp, Expr } from './ast.js';

/** A leaf's source: a state, a parameter, an input, a cotangent, the time, or a number. */
export type Leaf = { op: 'y' | 'p' | 'u' | 'v'; i: number } | { op: 't' } | { op: 'const'; value: number };

/** One instruction; its result is register number = its index. */
export type Instr = Leaf | { op: 'neg'; a: number } | { op: BinaryOp; a: number; b: number } | { op: 'call'; fn: string; args: number[] };

/** out[index] = reg (or += when `accumulate`), into the kernel's first (0) or second (1) output array. */
export interface Output {
  target: 0 | 1;
  index: number;
  reg: number;
  accumulate: boolean;
}

export interface Program {
  instrs: Instr[];
  outputs: Output[];
  /** True when some instruction reads an input: the kernel then fills U from the input function first. */
  usesInputs: boolean;
}

/**
 * The kernel both evaluators produce: reads t, y (state), p (θ), v (a cotangent, for vjps),
 * writes o1 and o2.
 */
export type Kernel = (t: number, y: Float64Array, p: Float64Array, v: Float64Array, o1: Float64Array, o2: Float64Array) => void;

/** Resolves a name of the tree to its leaf. Unknown names never reach here (check.ts). */
export type Resolve = (name: string) => Leaf;

export class ProgramBuilder {
  private readonly instrs: Instr[] = [];
  private readonly outputs: Output[] = [];
  private readonly seen = new Map<string, number>();
  /** Register of each tree node already lowered: derivatives share subtrees by reference, so each is walked once. */
  private readonly lowered = new WeakMap<Expr, number>();
  private usesInputs = false;

  constructor(private readonly resolve: Resolve) {}

  private push(key: string, instr: Instr): number {
    const known = this.seen.get(key);
    if (known !== undefined) return known;
    this.instrs.push(instr);
    this.seen.set(key, this.instrs.length - 1);
    return this.instrs.length - 1;
  }

  /** Lowers `e` and returns the register holding its value. */
  emit(e: Expr): number {
    const known = this.lowered.get(e);
    if (known !== undefined) return known;
    const reg = this.lower(e);
    this.lowered.set(e, reg);
    return reg;
  }

  private lower(e: Expr): number {
    switch (e.k) {
      case 'num':
        return this.push(`c${Object.is(e.v, -0) ? '-0' : e.v}`, { op: 'const', value: e.v });
      case 'name': {
        const leaf = this.resolve(e.name);
        if (leaf.op === 'u') this.usesInputs = true;
        if (leaf.op === 'const') return this.push(`c${Object.is(leaf.value, -0) ? '-0' : leaf.value}`, leaf);
        return this.push(leaf.op === 't' ? 't' : `${leaf.op}${leaf.i}`, leaf);
      }
      case 'neg': {
        const a = this.emit(e.a);
        return this.push(`-(${a})`, { op: 'neg', a });
      }
      case 'bin': {
        const a = this.emit(e.a);
        const b = this.emit(e.b);
        return this.push(`${e.op}(${a},${b})`, { op: e.op, a, b });
      }
      case 'call': {
        const args = e.args.map((x) => this.emit(x));
        return this.push(`${e.fn}(${args.join(',')})`, { op: 'call', fn: e.fn, args });
      }
    }
  }

  output(target: 0 | 1, index: number, e: Expr, accumulate = false): void {
    this.outputs.push({ target, index, reg: this.emit(e), accumulate });
  }

  build(): Program {
    return { instrs: this.instrs.slice(), outputs: this.outputs.slice(), usesInputs: this.usesInputs };
  }
}
