/**
 * Checks across statements, and the resolved system they describe: every name used is
 * declared, nothing is defined twice, every declared parameter, constant and input is
 * used. Second-order equations become first-order here: `x'' = F` gives the states x and
 * x' with x' = x' and (x')' = F.
 */
import type { Expr } from './ast.js';
import { name as nameNode, namesIn } from './ast.js';
import { EquationError, at } from './errors.js';
import type { NamePositions } from './expr.js';
import type { ConstDecl, InputDecl, NamedExpr, ParamDecl, SystemSyntax } from './syntax.js';
import { BUILTIN_NAMES } from './syntax.js';

/** A checked system: states in layout order and the rate of each. */
export interface CheckedSystem {
  syntax: SystemSyntax;
  /** State names in the order of the state vector: `x`, then `x'` right after it for a second-order x. */
  states: string[];
  /** dy/dt of each state, as a tree over names. */
  rates: Expr[];
  /** Fixed initial value of each state, or undefined where it is fitted. */
  fixedInitial: (number | undefined)[];
  params: ParamDecl[];
  consts: ConstDecl[];
  inputs: InputDecl[];
  observe: NamedExpr[];
  invariants: NamedExpr[];
}

const KIND_WORD = { param: 'a parameter', const: 'a constant', input: 'an input', state: 'a state' } as const;

function list(label: string, names: string[]): string | undefined {
  return names.length ? `${label} are ${names.join(', ')}` : undefined;
}

export function checkSystem(syntax: SystemSyntax, positions: NamePositions): CheckedSystem {
  const { equations, params, consts, inputs, observe, invariants, inits } = syntax;
  if (equations.length === 0) throw new EquationError("no equations: write at least one line such as x' = -k*x");

  // States: each defined once, in the order of their lines.
  const defined = new Map<string, (typeof equations)[number]>();
  for (const eq of equations) {
    const prev = defined.get(eq.state);
    if (prev) {
      const what = prev.order === eq.order ? `${eq.state}${"'".repeat(eq.order)} defined twice (lines ${prev.at.line} and ${eq.at.line})` : `${eq.state} defined twice (${eq.state}${"'".repeat(prev.order)} at line ${prev.at.line} and ${eq.state}${"'".repeat(eq.order)} at line ${eq.at.line})`;
      throw new EquationError(what, eq.at, eq.state);
    }
    defined.set(eq.state, eq);
  }

  // One namespace for declared names and states.
  const declared = new Map<string, { kind: keyof typeof KIND_WORD; line: number }>();
  const declare = (n: string, kind: keyof typeof KIND_WORD, pos: { line: number; column: number }) => {
    const prev = declared.get(n);
    if (prev) {
      const msg = prev.kind === kind ? `${n} declared twice (lines ${prev.line} and ${pos.line})` : `${n} is declared as ${KIND_WORD[prev.kind]} (line ${prev.line}) and as ${KIND_WORD[kind]} (line ${pos.line})`;
      throw new EquationError(`${msg} at ${at(pos)}`, pos, n);
    }
    declared.set(n, { kind, line: pos.line });
  };
  const all = [
    ...equations.map((e) => ({ n: e.state, kind: 'state' as const, at: e.at })),
    ...params.map((d) => ({ n: d.name, kind: 'param' as const, at: d.at })),
    ...consts.map((d) => ({ n: d.name, kind: 'const' as const, at: d.at })),
    ...inputs.map((d) => ({ n: d.name, kind: 'input' as const, at: d.at })),
  ].sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
  for (const d of all) declare(d.n, d.kind, d.at);
  for (const group of [observe, invariants]) {
    const seen = new Map<string, number>();
    for (const o of group) {
      const prev = seen.get(o.name);
      if (prev !== undefined) throw new EquationError(`${o.name} defined twice (lines ${prev} and ${o.at.line})`, o.at, o.name);
      seen.set(o.name, o.at.line);
    }
  }

  const states: string[] = [];
  const rates: Expr[] = [];
  for (const eq of equations) {
    if (eq.order === 1) {
      states.push(eq.state);
      rates.push(eq.rhs);
    } else {
      states.push(eq.state, `${eq.state}'`);
      rates.push(nameNode(`${eq.state}'`), eq.rhs);
    }
  }
  const stateSet = new Set(states);

  // Every name used is known; report the first unknown in text order.
  const known = (n: string) => stateSet.has(n) || BUILTIN_NAMES.has(n) || (declared.has(n) && declared.get(n)!.kind !== 'state');
  const uses = [...equations.map((e) => e.rhs), ...observe.map((o) => o.expr), ...invariants.map((o) => o.expr)];
  const unknown: { n: string; pos: { line: number; column: number } }[] = [];
  const visit = (e: Expr) => {
    if (e.k === 'name') {
      if (!known(e.name)) unknown.push({ n: e.name, pos: positions.get(e) ?? { line: 0, column: 0 } });
    } else if (e.k === 'neg') visit(e.a);
    else if (e.k === 'bin') {
      visit(e.a);
      visit(e.b);
    } else if (e.k === 'call') e.args.forEach(visit);
  };
  uses.forEach(visit);
  unknown.sort((a, b) => a.pos.line - b.pos.line || a.pos.column - b.pos.column);
  if (unknown.length) {
    const { n, pos } = unknown[0];
    const base = n.replace(/'$/, '');
    if (n !== base && defined.get(base)?.order === 1) {
      throw new EquationError(`${n} is not a state at ${at(pos)} — ${base} is first-order (line ${defined.get(base)!.at.line}); only a second-order state's velocity can appear`, pos, n);
    }
    const lists = [
      list('states', states),
      list('parameters', params.map((p) => p.name)),
      list('constants', consts.map((c) => c.name)),
      list('inputs', inputs.map((c) => c.name)),
    ].filter((s) => s !== undefined);
    throw new EquationError(`unknown name "${n}" at ${at(pos)} — ${lists.join('; ')}`, pos, n);
  }

  // Every declared parameter, constant and input shapes an equation or an observation.
  const used = new Set<string>();
  for (const e of [...equations.map((q) => q.rhs), ...observe.map((o) => o.expr)]) namesIn(e, used);
  const unused = [
    ...params.map((d) => ({ d, word: 'parameter' })),
    ...consts.map((d) => ({ d, word: 'constant' })),
    ...inputs.map((d) => ({ d, word: 'input' })),
  ]
    .filter(({ d }) => !used.has(d.name))
    .sort((a, b) => a.d.at.line - b.d.at.line);
  if (unused.length) {
    const { d, word } = unused[0];
    throw new EquationError(`${word} ${d.name} is never used (declared at ${at(d.at)})`, d.at, d.name);
  }

  // Fixed initial states.
  const fixedInitial: (number | undefined)[] = states.map(() => undefined);
  const initLine = new Map<string, number>();
  for (const init of inits) {
    const i = states.indexOf(init.state);
    if (i < 0) {
      const base = init.state.replace(/'$/, '');
      const why = defined.get(base)?.order === 1 ? `${base} is first-order, so ${init.state} is not a state` : `states are ${states.join(', ')}`;
      throw new EquationError(`init ${init.state}: no such state at ${at(init.at)} — ${why}`, init.at, init.state);
    }
    const prev = initLine.get(init.state);
    if (prev !== undefined) throw new EquationError(`init ${init.state} defined twice (lines ${prev} and ${init.at.line})`, init.at, init.state);
    initLine.set(init.state, init.at.line);
    fixedInitial[i] = init.value;
  }

  return { syntax, states, rates, fixedInitial, params, consts, inputs, observe, invariants };
}
