/**
 * A UDE as a trajectory model (models/trajectory): the known term compiled from the equation
 * language plus the network term (mlp-term.ts), the states named like the data's channels
 * observed as they are, and θ = [known parameters, network weights, z₀].
 */
import { ConfigError, LawfulError } from '../../core/errors.js';
import { makeLayout, type ParamLayout } from '../../core/params.js';
import { compileSystem, type CompiledSystem } from '../../equations/index.js';
import { mlpLayout } from '../../nn/mlp.js';
import { sumTerms, type Term } from '../../ode/term.js';
import type { TrajectoryModel } from '../trajectory/base.js';
import { trajectoryLayout } from '../trajectory/layout.js';
import type { ObservationMap } from '../trajectory/observation.js';
import { variableNames } from '../sindy/equations.js';
import type { UdeConfig } from './config.js';
import { mlpTerm, type MlpTerm } from './mlp-term.js';

export interface UdeProblem {
  /** The known part; null for a neural ODE. */
  system: CompiledSystem | null;
  /** State names in state order (the system's, or identifiers of the channels). */
  states: string[];
  /** Per network output, the state whose rate it adds to. */
  targets: number[];
  /** Per network output, the equation line it adds to (index into the system's equations; = target without a system). */
  lines: number[];
  net: MlpTerm;
  model: TrajectoryModel;
  /** Named blocks of θ for the saved model: the known parameters, nn.W1 … nn.bL, z(t0). */
  layout: ParamLayout;
  /** Per channel, its state. */
  observed: number[];
}

/** Observes the states `index` (one per channel) as they are: no parameters. */
function stateObservation(dim: number, index: readonly number[]): ObservationMap {
  return {
    stateDim: dim,
    channels: index.length,
    nParams: 0,
    observe(z, _phi, y) {
      for (let c = 0; c < index.length; c++) y[c] = z[index[c]];
    },
    vjp(_z, _phi, g, dz) {
      for (let c = 0; c < index.length; c++) dz[index[c]] += g[c];
    },
  };
}

/** Compiles the known part; its mistakes are ConfigErrors on `equations` that keep line:column. */
function compileKnown(text: string): CompiledSystem {
  let system: CompiledSystem;
  try {
    system = compileSystem(text);
  } catch (e) {
    if (e instanceof LawfulError) throw new ConfigError(e.message, 'equations');
    throw e;
  }
  const refuse = (what: string, why: string) => new ConfigError(`has ${what}; ${why}`, 'equations');
  if (system.inputs.length) throw refuse(`input ${system.inputs.join(', ')}`, 'a UDE forecasts on its own, with no known signal of time');
  if (system.observed.length) throw refuse('observe lines', 'a UDE observes its states named like the channels');
  if (system.syntax.inits.length) throw refuse('init lines', 'set fitInitial to false to hold the initial state at the first sample');
  return system;
}

/**
 * The UDE of `config` for data with `channels`, standardised by the channels' `mean` and
 * `scale` (states not observed: 0 and 1; all of them when not given). A ConfigError names
 * the option at fault.
 */
export function udeProblem(config: UdeConfig, channels: readonly string[], mean?: Float64Array, scale?: Float64Array): UdeProblem {
  const system = config.equations.trim() === '' ? null : compileKnown(config.equations);
  const states = system ? [...system.states] : variableNames(channels);
  const dim = states.length;
  // Equation lines and the state each one's rate is: x for x', x' for x''.
  const rateStates = system ? system.syntax.equations.map((e) => (e.order === 1 ? e.state : `${e.state}'`)) : states;
  let lines: number[];
  if (config.network.states) {
    if (!system) throw new ConfigError('applies to a UDE; a neural ODE adds its network to every state', 'network.states');
    lines = config.network.states.map((s) => {
      const k = rateStates.indexOf(s);
      if (k < 0) throw new ConfigError(`names "${s}", which has no equation of its own rate; choose from ${rateStates.join(', ')}`, 'network.states');
      return k;
    });
    if (new Set(lines).size !== lines.length) throw new ConfigError('names a state twice', 'network.states');
  } else lines = rateStates.map((_, k) => k);
  const targets = lines.map((k) => states.indexOf(rateStates[k]));
  const observed = channels.map((c, i) => {
    const k = system ? states.indexOf(c) : i;
    if (k < 0) throw new ConfigError(`have no state named like the channel "${c}" (states are ${states.join(', ')})`, 'equations');
    return k;
  });
  if (dim === 0) throw new ConfigError('has no channel to make a state of', 'data');
  for (const [name, v] of [['mean', mean], ['scale', scale]] as const) {
    if (v && v.length !== dim) throw new ConfigError(`must have ${dim} entries, one per state`, `extra.${name}`);
  }
  const net = mlpTerm({ dim, targets, hidden: config.network.hidden, activation: config.network.activation, mean: mean ?? new Float64Array(dim), scale: scale ?? new Float64Array(dim).fill(1) });
  const term: Term = system ? sumTerms(system.term(), net) : net;
  const observation = stateObservation(dim, observed);
  const layoutT = trajectoryLayout(term, observation, config.fitInitial ? undefined : ['z0']);
  const shapes: Record<string, number[]> = {};
  for (const p of system?.params ?? []) shapes[p.name] = [];
  for (const b of mlpLayout(net.shape).layout) shapes[`nn.${b.name}`] = [...b.shape];
  shapes['z(t0)'] = [dim];
  return { system, states, targets, lines, net, model: { term, observation, layout: layoutT }, layout: makeLayout(shapes).layout, observed };
}
