/**
 * A reference system sampled on a uniform grid: what `lawful simulate`, the demo and the web
 * playground generate their data with.
 */
import { ConfigError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { Series } from '../data/series.js';
import { solve } from '../ode/solve.js';
import { getSolver } from '../ode/solvers/index.js';
import { getSystem } from './index.js';
import type { BuiltSystem, ParamValue } from './base.js';

export interface SimulateOptions {
  /** Parameter overrides, e.g. { w: [1, 1.6], g: 0 }. */
  params?: Record<string, ParamValue>;
  /** End time (default: the system's). */
  until?: number;
  /** Sample spacing (default: the system's). */
  dt?: number;
  /** Standard deviation of Gaussian noise added to each observed channel. Default 0. */
  noise?: number;
  seed?: number;
  /** Solver name (default: the system's recommended one). */
  solver?: string;
  /** Also output every state variable, not only the observed channels. */
  state?: boolean;
  signal?: AbortSignal;
}

export interface Simulation {
  built: BuiltSystem;
  /** Observed channels (with noise if asked), and the state variables when `state` is set. */
  series: Series;
  /** The same channels without noise. */
  clean: Series;
  solver: string;
  steps: number;
}

/** Runs a registered system on [0, until], sampled every dt. */
export function simulate(name: string, opts: SimulateOptions = {}): Simulation {
  const built = getSystem(name).build(opts.params ?? {});
  const until = opts.until ?? built.until;
  const dt = opts.dt ?? built.dt;
  if (!(until > 0)) throw new ConfigError(`must be positive, got ${until}`, 'until');
  if (!(dt > 0) || dt > until) throw new ConfigError(`must be in (0, until], got ${dt}`, 'dt');
  const n = Math.floor(until / dt + 1e-9) + 1;
  const times = Float64Array.from({ length: n }, (_, i) => Math.round(i * dt * 1e12) / 1e12);
  const solverName = opts.solver ?? built.solver;
  const solver = getSolver(solverName);
  const sol = solve({
    term: built.term,
    solver,
    t0: 0,
    t1: times[n - 1],
    y0: built.y0,
    theta: built.theta,
    saveAt: times,
    // Fixed-step solvers step on the sample grid; adaptive ones take reference-quality tolerances.
    dt: solver.adaptive ? undefined : dt,
    rtol: 1e-10,
    atol: 1e-12,
    signal: opts.signal,
  });
  const obsNames = built.observe.names;
  const dim = sol.dim;
  const clean = obsNames.map(() => new Float64Array(n));
  // State variables that are also observed as they are (Lorenz's x, y, z) appear once.
  const stateIdx = opts.state ? built.stateNames.map((_, i) => i).filter((i) => !obsNames.includes(built.stateNames[i])) : [];
  const states = stateIdx.map(() => new Float64Array(n));
  const o = new Float64Array(obsNames.length);
  for (let i = 0; i < n; i++) {
    const y = sol.y.subarray(i * dim, (i + 1) * dim);
    built.observe.fn(y, o);
    for (let c = 0; c < o.length; c++) clean[c][i] = o[c];
    for (let s = 0; s < states.length; s++) states[s][i] = y[stateIdx[s]];
  }
  const noise = opts.noise ?? 0;
  if (noise < 0) throw new ConfigError(`must be ≥ 0, got ${noise}`, 'noise');
  const rng = new Rng(opts.seed ?? 0);
  const noisy = clean.map((c) => (noise > 0 ? c.map((v) => v + noise * rng.normal()) : c.slice()));
  const names = [...obsNames, ...stateIdx.map((i) => built.stateNames[i])];
  return {
    built,
    series: { t: times, y: [...noisy, ...states], names },
    clean: { t: times, y: [...clean, ...states], names },
    solver: solverName,
    steps: sol.stats.steps,
  };
}

