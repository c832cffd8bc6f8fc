/**
 * The solver registry: every solver, in one list. The CLI, the web app and the tests read
 * it; nobody switches on names (STYLE.md §2). Add a solver here and the test suite covers it.
 */
import { ConfigError } from '../../core/errors.js';
import type { Solver } from './base.js';
import { dop853 } from './dop853.js';
import { dopri5 } from './dopri5.js';
import { euler } from './euler.js';
import { exactLinear } from './exact-linear.js';
import { leapfrog } from './leapfrog.js';
import { rk4 } from './rk4.js';
import { sdirk4 } from './sdirk4.js';
import { tsit5 } from './tsit5.js';
import { yoshida4 } from './yoshida4.js';

export const solvers: readonly Solver[] = [euler, rk4, dopri5, tsit5, dop853, leapfrog, yoshida4, sdirk4, exactLinear];

/** The solver called `name`; throws a ConfigError listing the known names. */
export function getSolver(name: string): Solver {
  const s = solvers.find((x) => x.name === name);
  if (!s) throw new ConfigError(`unknown solver "${name}"; known solvers: ${solvers.map((x) => x.name).join(', ')}`, 'solver');
  return s;
}

export type { DenseCotangent, Solver, Stepper, TermRequirement } from './base.js';
export { checkTermFits } from './base.js';
export { explicitRK } from './rk.js';
export type { ButcherTableau, ExplicitRKInfo } from './rk.js';
export { splittingSolver } from './splitting.js';
export type { SplittingInfo } from './splitting.js';
export { sdirkSolver } from './sdirk.js';
export type { SdirkInfo, SdirkTableau } from './sdirk.js';
export { dop853, dopri5, euler, exactLinear, leapfrog, rk4, sdirk4, tsit5, yoshida4 };
