/**
 * The registry of reference systems: the CLI, the demo, the web app and the tests read
 * this list; a new system is available everywhere the day it is added here.
 */
import { ConfigError } from '../core/errors.js';
import type { SystemDef } from './base.js';
import { coupledPendulums } from './coupled-pendulums.js';
import { doublePendulum } from './double-pendulum.js';
import { duffing } from './duffing.js';
import { fitzhughNagumo } from './fitzhugh-nagumo.js';
import { kuramoto } from './kuramoto.js';
import { lorenz } from './lorenz.js';
import { lotkaVolterra } from './lotka-volterra.js';
import { massSpringChain } from './mass-spring-chain.js';
import { pendulum } from './pendulum.js';
import { twoBody } from './two-body.js';
import { vanDerPol } from './van-der-pol.js';

export type * from './base.js';
export { ellipticK, pendulumAmplitude, pendulumPeriod } from './pendulum.js';
export { keplerPeriod } from './two-body.js';
export { lorenzFixedPoints } from './lorenz.js';
export { vanDerPolPeriod } from './van-der-pol.js';
export { fitzhughNagumoFixedPoints } from './fitzhugh-nagumo.js';
export { orderParameter } from './kuramoto.js';
export { doublePendulumEnergy } from './double-pendulum.js';
export { linearModes, linearTerm } from './linear.js';

export const systems: SystemDef[] = [
  coupledPendulums,
  massSpringChain,
  pendulum,
  doublePendulum,
  twoBody,
  lorenz,
  lotkaVolterra,
  vanDerPol,
  duffing,
  kuramoto,
  fitzhughNagumo,
];

/** The system called `name`; a `ConfigError` listing the known names otherwise. */
export function getSystem(name: string): SystemDef {
  const s = systems.find((x) => x.name === name);
  if (!s) throw new ConfigError(`unknown system "${name}" (known: ${systems.map((x) => x.name).join(', ')})`, 'system');
  return s;
}
