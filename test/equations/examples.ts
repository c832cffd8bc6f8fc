// Example systems shared by the equation-language tests.
import type { SystemSyntax } from '../../src/equations/index.js';
import { sameExpr } from '../../src/equations/index.js';

export const LOTKA_VOLTERRA = `# Lotka–Volterra, states named like the data's columns
param a = 0.5 in [0, 5]
param b = 0.02 in [0, 1]
param c = 1 in [0, 5]
param d = 0.02 in [0, 1]
prey' = a*prey - b*prey*predator
predator' = d*prey*predator - c*predator
`;

export const PENDULUM = `param w = 1.2
param g = 0.1
param k = 0.5
input y
x'' = -w^2*sin(x) - g*x' + k*(y - x)
`;

/** Two syntaxes describe the same system (positions and comments aside). */
export function sameSyntax(a: SystemSyntax, b: SystemSyntax): boolean {
  const plain = (s: SystemSyntax) => ({
    equations: s.equations.map((e) => [e.state, e.order]),
    params: s.params.map((p) => [p.name, p.initial, p.lower, p.upper]),
    consts: s.consts.map((c) => [c.name, c.value]),
    inputs: s.inputs.map((u) => u.name),
    observe: s.observe.map((o) => o.name),
    invariants: s.invariants.map((o) => o.name),
    inits: s.inits.map((i) => [i.state, i.value]),
  });
  if (JSON.stringify(plain(a)) !== JSON.stringify(plain(b))) return false;
  const exprs = (s: SystemSyntax) => [...s.equations.map((e) => e.rhs), ...s.observe.map((o) => o.expr), ...s.invariants.map((o) => o.expr)];
  const ea = exprs(a);
  const eb = exprs(b);
  return ea.length === eb.length && ea.every((e, i) => sameExpr(e, eb[i]));
}
