/**
 * Every registered system at its defaults, plus the other configurations that build a
 * different term (nonlinear, undamped, full two-body, free ends…). The gradient and
 * invariant tests loop over this list, so a new system is covered the day it is registered.
 */
import type { BuiltSystem, ParamInput } from '../../src/systems/base.js';
import { getSystem, systems } from '../../src/systems/index.js';

export interface Variant {
  label: string;
  system: string;
  params: Record<string, ParamInput>;
}

const extra: Variant[] = [
  { label: 'coupled-pendulums nonlinear damped', system: 'coupled-pendulums', params: { smallAngle: false } },
  { label: 'coupled-pendulums nonlinear undamped', system: 'coupled-pendulums', params: { smallAngle: false, g: 0 } },
  { label: 'coupled-pendulums small-angle undamped', system: 'coupled-pendulums', params: { g: 0 } },
  { label: 'coupled-pendulums chain N=5', system: 'coupled-pendulums', params: { N: 5, coupling: 'chain', k: 0.2, g: 0.01 } },
  { label: 'mass-spring-chain damped', system: 'mass-spring-chain', params: { n: 4, m: [1, 2, 0.5, 1.5], k: [1, 2, 3, 0.5, 2], c: [0.1, 0, 0.2, 0.05] } },
  { label: 'mass-spring-chain free ends', system: 'mass-spring-chain', params: { n: 4, m: [1, 2, 0.5, 1.5], k: [0, 2, 3, 0.5, 0], v0: [0.1, -0.2, 0.3, 0] } },
  { label: 'two-body full', system: 'two-body', params: { reduced: false } },
  { label: 'duffing undamped forced', system: 'duffing', params: { delta: 0 } },
  { label: 'duffing conservative', system: 'duffing', params: { delta: 0, gamma: 0, x0: [0.3, 0.9] } },
  { label: 'van-der-pol mu=0', system: 'van-der-pol', params: { mu: 0 } },
  { label: 'kuramoto identical', system: 'kuramoto', params: { N: 6, omega: 0.3, K: 1.5 } },
  { label: 'pendulum large amplitude', system: 'pendulum', params: { q0: 2.5, omega: 1.7 } },
];

export const variants: Variant[] = [...systems.map((s) => ({ label: `${s.name} defaults`, system: s.name, params: {} })), ...extra];

export function buildVariant(v: Variant): BuiltSystem {
  return getSystem(v.system).build(v.params);
}
