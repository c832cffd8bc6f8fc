/**
 * Prints a system back in the equation language, so that parsing the printout gives the
 * same system (the round trip the tests check): declarations first, then the equations in
 * their order (which is the order of the state vector), fixed initial states, observations
 * and invariants. Comments and spacing are not kept.
 */
import { printExpr } from './ast.js';
import type { SystemSyntax } from './syntax.js';

function printNumber(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return Object.is(v, -0) ? '-0' : String(v);
}

export function printSystem(s: SystemSyntax): string {
  const lines: string[] = [];
  for (const p of s.params) {
    const bounds = p.lower === -Infinity && p.upper === Infinity ? '' : ` in [${printNumber(p.lower)}, ${printNumber(p.upper)}]`;
    lines.push(`param ${p.name} = ${printNumber(p.initial)}${bounds}`);
  }
  for (const c of s.consts) lines.push(`const ${c.name} = ${printNumber(c.value)}`);
  for (const u of s.inputs) lines.push(`input ${u.name}`);
  for (const e of s.equations) lines.push(`${e.state}${"'".repeat(e.order)} = ${printExpr(e.rhs)}`);
  for (const i of s.inits) lines.push(`init ${i.state} = ${printNumber(i.value)}`);
  for (const o of s.observe) lines.push(`observe ${o.name} = ${printExpr(o.expr)}`);
  for (const o of s.invariants) lines.push(`invariant ${o.name} = ${printExpr(o.expr)}`);
  return lines.join('\n') + '\n';
}
