/**
 * Reference simulators (docs/architecture.md, `systems/`). A system is a named recipe: documented
 * parameters with defaults, and a `build` that validates them and returns a ready term,
 * its parameter vector, an initial state, what a scientist would observe, and the
 * quantities the physics conserves. The CLI (`lawful simulate`), the demo, the evaluator
 * and the tests read the registry in `index.ts`; nobody switches on system names.
 */
import type { ParamLayout } from '../core/params.js';
import type { Term } from '../ode/term.js';

/** A parameter value as stored in a default: a number or a vector of numbers. */
export type ParamValue = number | number[];

/**
 * What `build` accepts for a parameter: a `ParamValue`, or for parameters with `choices`
 * the choice's name (`'chain'`), or a boolean for 0/1 flags (`smallAngle: true`).
 */
export type ParamInput = ParamValue | string | boolean;

export interface SystemParam {
  name: string;
  default: ParamValue;
  description: string;
  unit?: string;
  /** Vector length rule, e.g. 'N' or 'n+1'. A scalar given for a vector parameter is broadcast. */
  length?: string;
  /**
   * For an enumerated parameter: the names of the choices. The stored value is the index
   * into this list (so `default` stays a number); `build` also accepts the name itself.
   * A 0/1 flag has `choices: ['false', 'true']`.
   */
  choices?: string[];
}

export interface Invariant {
  name: string;
  /** Value of the conserved quantity at state y. */
  value(y: Float64Array): number;
}

export interface Observation {
  names: string[];
  /** Writes the observed channels of state `y` into `out` (length `names.length`). */
  fn(y: Float64Array, out: Float64Array): void;
}

export interface NormalMode {
  /** Angular frequency, rad/s. */
  frequency: number;
  /** Decay rate, 1/s (the mode decays as e^(−decay·t)). */
  decay: number;
  /** Amplitude of the mode in the observed channel, where the observation is one channel. */
  amplitude?: number;
}

export interface BuiltSystem {
  /** LinearTerm for linear systems, SplitTerm for separable Hamiltonian ones when undamped, else a plain Term. */
  term: Term;
  /** The term's parameter vector. */
  theta: Float64Array;
  /** Named blocks of `theta`. */
  layout?: ParamLayout;
  /** Initial state. */
  y0: Float64Array;
  stateNames: string[];
  /** Observed channels: what a scientist would measure. */
  observe: Observation;
  /** Energy, momentum, angular momentum…: only meaningful when `conservative`. */
  invariants: Invariant[];
  /** True when damping and forcing are off at these parameters. */
  conservative: boolean;
  /** Recommended solver name from the ode registry. */
  solver: string;
  /** Default end time for simulate (s). */
  until: number;
  /** Default sampling step for simulate (s). */
  dt: number;
  /** Linear systems only: damped normal modes, sorted by frequency. */
  modes?(): NormalMode[];
}

export interface SystemDef {
  name: string;
  description: string;
  params: SystemParam[];
  build(values?: Record<string, ParamInput>): BuiltSystem;
}
