/**
 * From text to a `CompiledSystem`: parse (parse.ts, expr.ts), check (check.ts), take the
 * derivatives once (derive.ts), lower them to straight-line programs (program.ts), and
 * evaluate those by generated code or the interpreter (evaluate.ts). What a fit needs is
 * here: the term (f, vjp, jac) for src/ode's `solve`/`solveWithAdjoint`, the observation
 * and the invariants with their gradients, and the parameter specs.
 */
import type { Term } from '../ode/term.js';
import type { Expr } from './ast.js';
import { ZERO, add, mul, name as nameNode, printExpr, substitute } from './ast.js';
import type { CheckedSystem } from './check.js';
import { checkSystem } from './check.js';
import { derivative } from './derive.js';
import { EquationError } from './errors.js';
import type { InputFunction } from './evaluate.js';
import { compileKernel, interpretKernel, kernelSource } from './evaluate.js';
import type { NamePositions } from './expr.js';
import { parseStatements } from './parse.js';
import { printSystem } from './print.js';
import type { Kernel, Leaf, Program } from './program.js';
import { ProgramBuilder } from './program.js';
import type { SystemSyntax } from './syntax.js';
import { BUILTIN_NAMES } from './syntax.js';

export interface CompileOptions {
  /**
   * How programs run. 'compiled' (default): JavaScript generated from the checked tree, or
   * the interpreter where the page forbids generated code (a Content-Security-Policy without
   * 'unsafe-eval'). 'interpreted': always the interpreter (same numbers, slower).
   */
  evaluator?: 'compiled' | 'interpreted';
  /** The file the text came from, prefixed to every message. Example: 'lotka-volterra.eq'. */
  file?: string;
}

/** A parameter as declared: its initial guess and bounds (±Infinity when unbounded). */
export interface ParamSpec {
  name: string;
  initial: number;
  lower: number;
  upper: number;
}

/** Named functions of (t, y, θ) with their gradients: the observation, or the invariants. */
export interface CompiledMap {
  readonly names: readonly string[];
  /** Writes the values into `out` (length names.length). */
  fn(t: number, y: Float64Array, theta: Float64Array, out: Float64Array): void;
  /** ACCUMULATES `yOut += vᵀ ∂g/∂y` and `thetaOut += vᵀ ∂g/∂θ` (v of length names.length). */
  vjp(t: number, y: Float64Array, theta: Float64Array, v: Float64Array, yOut: Float64Array, thetaOut: Float64Array): void;
}

const EMPTY = new Float64Array(0);
const cotangent = (i: number) => nameNode(`#v${i}`);

/** Σᵢ vᵢ·∂exprᵢ/∂x, skipping zero partials. */
function vjpEntry(exprs: readonly Expr[], x: string, partials: Map<string, Expr>[]): Expr {
  let sum: Expr = ZERO;
  exprs.forEach((_, i) => {
    const d = partials[i].get(x)!;
    if (!(d.k === 'num' && d.v === 0)) sum = add(sum, mul(cotangent(i), d));
  });
  return sum;
}

/** Parses and checks `text`; throws an `EquationError` naming line, column and token. */
export function parseSystem(text: string, opts: Pick<CompileOptions, 'file'> = {}): CheckedSystem {
  const positions: NamePositions = new WeakMap();
  try {
    return checkSystem(parseStatements(text, positions), positions);
  } catch (e) {
    if (e instanceof EquationError && opts.file) throw new EquationError(`${opts.file}: ${e.message}`, e.pos, e.token);
    throw e;
  }
}

/** Parses, checks and compiles a system written in the equation language (docs/equations.md). */
export function compileSystem(text: string, opts: CompileOptions = {}): CompiledSystem {
  return new CompiledSystem(parseSystem(text, opts), opts.evaluator ?? 'compiled');
}

let generatedCodeAllowed: boolean | undefined;
/** Whether this page or process lets `new Function` run (a Content-Security-Policy may forbid it). */
export function canGenerateCode(): boolean {
  if (generatedCodeAllowed === undefined) {
    try {
      generatedCodeAllowed = new Function('return 1')() === 1;
    } catch {
      generatedCodeAllowed = false;
    }
  }
  return generatedCodeAllowed;
}

export class CompiledSystem {
  /** State names in the order of the state vector (`x'` is the velocity of a second-order x). */
  readonly states: readonly string[];
  /** θ's layout: one entry per declared parameter, in declaration order. */
  readonly params: readonly ParamSpec[];
  readonly constants: readonly { name: string; value: number }[];
  /** Input names, in the order an `InputFunction` fills them. */
  readonly inputs: readonly string[];
  /** Fixed initial value per state (`init x = 1`), undefined where the fit chooses it. */
  readonly fixedInitial: readonly (number | undefined)[];
  /** Names of the `observe` lines (empty: the states named like the data's channels are observed). */
  readonly observed: readonly string[];
  readonly invariantNames: readonly string[];
  /** What runs the programs: generated code, or the interpreter (asked for, or forced by a CSP). */
  readonly evaluator: 'compiled' | 'interpreted';
  readonly syntax: SystemSyntax;
  private readonly checked: CheckedSystem;
  private readonly termPrograms: { f: Program; jac: Program; vjp: Program };
  private readonly mapPrograms = new Map<string, { names: string[]; fn: Program; vjp: Program }>();

  constructor(checked: CheckedSystem, evaluator: 'compiled' | 'interpreted' = 'compiled') {
    this.checked = checked;
    this.syntax = checked.syntax;
    this.states = checked.states;
    this.params = checked.params.map(({ name, initial, lower, upper }) => ({ name, initial, lower, upper }));
    this.constants = checked.consts.map(({ name, value }) => ({ name, value }));
    this.inputs = checked.inputs.map((u) => u.name);
    this.fixedInitial = checked.fixedInitial;
    this.observed = checked.observe.map((o) => o.name);
    this.invariantNames = checked.invariants.map((o) => o.name);
    this.evaluator = evaluator === 'compiled' && canGenerateCode() ? 'compiled' : 'interpreted';
    this.termPrograms = this.buildTermPrograms();
  }

  get dim(): number {
    return this.states.length;
  }

  get nParams(): number {
    return this.params.length;
  }

  private resolve = (n: string): Leaf => {
    if (n.startsWith('#v')) return { op: 'v', i: Number(n.slice(2)) };
    const s = this.states.indexOf(n);
    if (s >= 0) return { op: 'y', i: s };
    const p = this.params.findIndex((q) => q.name === n);
    if (p >= 0) return { op: 'p', i: p };
    const u = this.inputs.indexOf(n);
    if (u >= 0) return { op: 'u', i: u };
    const c = this.constants.find((q) => q.name === n);
    if (c) return { op: 'const', value: c.value };
    const b = BUILTIN_NAMES.get(n);
    if (b === 'time') return { op: 't' };
    if (typeof b === 'number') return { op: 'const', value: b };
    throw new Error(`equations: internal: unresolved name ${n}`);
  };

  private partials(exprs: readonly Expr[]): Map<string, Expr>[] {
    const vars = [...this.states, ...this.params.map((p) => p.name)];
    return exprs.map((e) => new Map(vars.map((v) => [v, derivative(e, v)])));
  }

  private buildTermPrograms() {
    const { rates } = this.checked;
    const n = this.dim;
    const d = this.partials(rates);
    const f = new ProgramBuilder(this.resolve);
    rates.forEach((r, i) => f.output(0, i, r));
    const jac = new ProgramBuilder(this.resolve);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) jac.output(0, i * n + j, d[i].get(this.states[j])!);
    return { f: f.build(), jac: jac.build(), vjp: this.vjpProgram(rates, d) };
  }

  private vjpProgram(exprs: readonly Expr[], d: Map<string, Expr>[]): Program {
    const b = new ProgramBuilder(this.resolve);
    this.states.forEach((s, j) => {
      const e = vjpEntry(exprs, s, d);
      if (!(e.k === 'num' && e.v === 0)) b.output(0, j, e, true);
    });
    this.params.forEach((p, k) => {
      const e = vjpEntry(exprs, p.name, d);
      if (!(e.k === 'num' && e.v === 0)) b.output(1, k, e, true);
    });
    return b.build();
  }

  private kernel(prog: Program, inputs: InputFunction | undefined): Kernel {
    if (prog.usesInputs && !inputs) {
      throw new EquationError(`the system reads the input${this.inputs.length > 1 ? 's' : ''} ${this.inputs.join(', ')}: supply their values as a function of t`);
    }
    if (this.evaluator === 'compiled') {
      try {
        return compileKernel(prog, inputs, this.inputs.length);
      } catch {
        // A CSP refused generated code after all: the interpreter gives the same numbers.
      }
    }
    return interpretKernel(prog, inputs, this.inputs.length);
  }

  /** The vector field as a `Term` (θ = the declared parameters in order). `inputs` supplies the declared inputs at t. */
  term(inputs?: InputFunction): Term {
    const { f, jac, vjp } = this.termPrograms;
    const kf = this.kernel(f, inputs);
    const kj = this.kernel(jac, inputs);
    const kv = this.kernel(vjp, inputs);
    return {
      dim: this.dim,
      nParams: this.nParams,
      f: (t, y, theta, dy) => kf(t, y, theta, EMPTY, dy, EMPTY),
      vjp: (t, y, theta, v, dyOut, dThetaOut) => kv(t, y, theta, v, dyOut, dThetaOut),
      jac: (t, y, theta, J) => kj(t, y, theta, EMPTY, J, EMPTY),
    };
  }

  private map(key: string, names: string[], exprs: Expr[], inputs: InputFunction | undefined): CompiledMap {
    let progs = this.mapPrograms.get(key);
    if (!progs) {
      const fn = new ProgramBuilder(this.resolve);
      exprs.forEach((e, k) => fn.output(0, k, e));
      progs = { names, fn: fn.build(), vjp: this.vjpProgram(exprs, this.partials(exprs)) };
      this.mapPrograms.set(key, progs);
    }
    const kf = this.kernel(progs.fn, inputs);
    const kv = this.kernel(progs.vjp, inputs);
    return {
      names: progs.names,
      fn: (t, y, theta, out) => kf(t, y, theta, EMPTY, out, EMPTY),
      vjp: (t, y, theta, v, yOut, thetaOut) => kv(t, y, theta, v, yOut, thetaOut),
    };
  }

  /**
   * What the data measure. With `observe` lines: those, in their order (each must name one
   * of `channels` when given). Without: the states named like the data's `channels`, in the
   * channels' order (input columns skipped); all states when no channels are given.
   */
  observation(channels?: readonly string[], inputs?: InputFunction): CompiledMap {
    const obs = this.checked.observe;
    if (obs.length) {
      for (const o of obs) {
        if (channels && !channels.includes(o.name)) {
          throw new EquationError(`observe ${o.name} (line ${o.at.line}): the data have no channel "${o.name}" — channels are ${channels.join(', ')}`, o.at, o.name);
        }
      }
      return this.map('observe', this.observed.slice(), obs.map((o) => o.expr), inputs);
    }
    const names = (channels ?? this.states).filter((c) => !this.inputs.includes(c));
    for (const c of names) {
      if (!this.states.includes(c)) {
        throw new EquationError(`channel "${c}" is neither a state nor an input, and no observe line measures it — states are ${this.states.join(', ')}${this.inputs.length ? `; inputs are ${this.inputs.join(', ')}` : ''}`);
      }
    }
    if (names.length === 0) throw new EquationError(`no channel of the data is a state (states are ${this.states.join(', ')}): add an observe line`);
    return this.map(`states:${names.join('\u0000')}`, names, names.map(nameNode), inputs);
  }

  /** The declared invariants (`invariant E = …`), compiled like an observation. */
  invariants(inputs?: InputFunction): CompiledMap {
    const inv = this.checked.invariants;
    return this.map('invariants', this.invariantNames.slice(), inv.map((o) => o.expr), inputs);
  }

  /** The generated JavaScript of every program built so far, for inspection and the tests' whitelist check. */
  sources(): { name: string; text: string }[] {
    const out = [
      { name: 'f', text: kernelSource(this.termPrograms.f) },
      { name: 'jac', text: kernelSource(this.termPrograms.jac) },
      { name: 'vjp', text: kernelSource(this.termPrograms.vjp) },
    ];
    for (const [key, p] of this.mapPrograms) out.push({ name: `${key}.fn`, text: kernelSource(p.fn) }, { name: `${key}.vjp`, text: kernelSource(p.vjp) });
    return out;
  }

  /**
   * The equations as lines of the language, e.g. for a model's describe(). Given θ, the
   * parameters appear as their values, to `digits` significant digits (default 6):
   * `prey' = 1.5*prey - 1*prey*predator`.
   */
  equations(theta?: Float64Array, digits = 6): string[] {
    const values = new Map(this.params.map((p, k) => [p.name, theta ? Number(theta[k].toPrecision(digits)) : NaN]));
    const show = (e: Expr) => printExpr(theta ? substitute(e, values) : e);
    return this.syntax.equations.map((e) => `${e.state}${"'".repeat(e.order)} = ${show(e.rhs)}`);
  }

  /** The system in the equation language; parsing it gives this system back. */
  toString(): string {
    return printSystem(this.syntax);
  }
}
