/**
 * The parts of the equation family that say what is fitted, apart from how (docs/architecture.md,
 * "Trajectory models": a family supplies its term, its observation, its parameter layout
 * and its initial guess; the loss loop is written once). Here: the compiled system bound to
 * a Series — its term with the inputs interpolated from data columns, its observation
 * matched to the data's channels, the layout [θ, free initial states], the bounds as a
 * smooth change of variables, and the initial guess.
 */
import { DataError } from '../core/errors.js';
import type { ParamLayout } from '../core/params.js';
import type { Series } from '../data/series.js';
import type { CompiledMap, CompiledSystem, InputFunction } from '../equations/index.js';
import type { Term } from '../ode/term.js';

/** Linear interpolation of `cols` on the clock `t`, held constant outside it. */
export function interpolatedInputs(t: Float64Array, cols: Float64Array[]): InputFunction {
  let k = 0; // last interval used: solvers move forward in time, so the search starts there
  const n = t.length;
  return (time, out) => {
    if (n === 1 || time <= t[0]) {
      for (let c = 0; c < cols.length; c++) out[c] = cols[c][0];
      return;
    }
    if (time >= t[n - 1]) {
      for (let c = 0; c < cols.length; c++) out[c] = cols[c][n - 1];
      return;
    }
    if (t[k] > time) k = 0;
    while (t[k + 1] < time) k++;
    const w = (time - t[k]) / (t[k + 1] - t[k]);
    for (let c = 0; c < cols.length; c++) out[c] = cols[c][k] + w * (cols[c][k + 1] - cols[c][k]);
  };
}

/**
 * Bounds as a change of variables θ = φ(z) with z unconstrained: lo + (hi − lo)·σ(z) for
 * [lo, hi], lo + eᶻ for [lo, ∞), hi − eᶻ for (−∞, hi], z itself when unbounded.
 */
export interface BoundTransform {
  toNatural(z: number): number;
  /** dθ/dz at z. */
  slope(z: number): number;
  /** z for θ (θ on a bound is moved inside by 1e-6 of the scale, where z would be infinite). */
  toUnconstrained(theta: number): number;
}

export function boundTransform(lo: number, hi: number): BoundTransform {
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  if (Number.isFinite(lo) && Number.isFinite(hi)) {
    const w = hi - lo;
    return {
      toNatural: (z) => lo + w * sig(z),
      slope: (z) => w * sig(z) * (1 - sig(z)),
      toUnconstrained: (th) => {
        const u = Math.min(Math.max((th - lo) / w, 1e-6), 1 - 1e-6);
        return Math.log(u / (1 - u));
      },
    };
  }
  if (Number.isFinite(lo)) {
    const eps = 1e-6 * Math.max(1, Math.abs(lo));
    return { toNatural: (z) => lo + Math.exp(z), slope: (z) => Math.exp(z), toUnconstrained: (th) => Math.log(Math.max(th - lo, eps)) };
  }
  if (Number.isFinite(hi)) {
    const eps = 1e-6 * Math.max(1, Math.abs(hi));
    return { toNatural: (z) => hi - Math.exp(z), slope: (z) => -Math.exp(z), toUnconstrained: (th) => Math.log(Math.max(hi - th, eps)) };
  }
  return { toNatural: (z) => z, slope: () => 1, toUnconstrained: (th) => th };
}

/** A compiled system bound to the data it is fitted to. */
export interface EquationProblem {
  system: CompiledSystem;
  term: Term;
  observation: CompiledMap;
  /** Series column of each observed channel (same order as observation.names). */
  columns: number[];
  /** Indices of the states whose initial value is fitted. */
  freeStates: number[];
  /** [θ (the declared parameters), y0 of the free states]: the natural (bounded) vector. */
  layout: ParamLayout;
  size: number;
  /** One transform per entry of the natural vector (initial states are unbounded). */
  transforms: BoundTransform[];
  /** Natural starting point: the declared initial guesses, and the first observed values. */
  initialGuess: Float64Array;
  /** Writes θ and the full y0 (fixed and free initial states) for a natural vector. */
  split(natural: Float64Array, theta: Float64Array, y0: Float64Array): void;
}

/** The input columns of `series` in the system's order, or a DataError naming the missing one. */
export function inputColumns(system: CompiledSystem, series: Series): Float64Array[] {
  return system.inputs.map((u) => {
    const c = series.names.indexOf(u);
    if (c < 0) throw new DataError(`the equations read the input "${u}", but the data have no such column (columns: ${series.names.join(', ')})`);
    return series.y[c];
  });
}

export function equationProblem(system: CompiledSystem, series: Series): EquationProblem {
  const inputs = system.inputs.length ? interpolatedInputs(series.t, inputColumns(system, series)) : undefined;
  const observation = system.observation(series.names, inputs);
  const columns = observation.names.map((n) => series.names.indexOf(n));
  const freeStates = system.states.map((_, i) => i).filter((i) => system.fixedInitial[i] === undefined);
  const np = system.nParams;
  const layout: ParamLayout = [
    { name: 'theta', offset: 0, shape: [np] },
    { name: 'y0', offset: np, shape: [freeStates.length] },
  ];
  const transforms = [...system.params.map((p) => boundTransform(p.lower, p.upper)), ...freeStates.map(() => boundTransform(-Infinity, Infinity))];
  const initialGuess = new Float64Array(np + freeStates.length);
  system.params.forEach((p, k) => (initialGuess[k] = p.initial));
  freeStates.forEach((s, j) => (initialGuess[np + j] = firstValueGuess(system, series, s)));
  const split = (natural: Float64Array, theta: Float64Array, y0: Float64Array) => {
    for (let k = 0; k < np; k++) theta[k] = natural[k];
    system.fixedInitial.forEach((v, i) => (y0[i] = v ?? 0));
    freeStates.forEach((s, j) => (y0[s] = natural[np + j]));
  };
  return { system, term: system.term(inputs), observation, columns, freeStates, layout, size: initialGuess.length, transforms, initialGuess, split };
}

/**
 * The starting value of state `s`: its first observed value where a channel is named like
 * it (or an `observe` line is exactly it); a velocity x' starts from the slope of the first
 * two samples of x; anything else starts at 0.
 */
function firstValueGuess(system: CompiledSystem, series: Series, s: number): number {
  return stateGuessAt(system, series, s, 0) ?? 0;
}

/**
 * What the data say state `s` is at sample `i`: the sample where a channel is named like it
 * (or an `observe` line is exactly it); for a velocity x', the slope of x around sample i;
 * undefined when the data do not show the state.
 */
export function stateGuessAt(system: CompiledSystem, series: Series, s: number, i: number): number | undefined {
  const name = system.states[s];
  const channelOf = (state: string): Float64Array | undefined => {
    const direct = system.observed.length === 0 ? series.names.indexOf(state) : -1;
    if (direct >= 0) return series.y[direct];
    const line = system.syntax.observe.find((o) => o.expr.k === 'name' && o.expr.name === state);
    const c = line ? series.names.indexOf(line.name) : -1;
    return c >= 0 ? series.y[c] : undefined;
  };
  const own = channelOf(name);
  if (own) return Number.isFinite(own[i]) ? own[i] : undefined;
  const n = series.t.length;
  if (name.endsWith("'") && n >= 2) {
    const pos = channelOf(name.slice(0, -1));
    if (!pos) return undefined;
    const a = Math.max(0, i - 1);
    const b = i === 0 ? 1 : Math.min(n - 1, i + 1);
    const slope = (pos[b] - pos[a]) / (series.t[b] - series.t[a]);
    return Number.isFinite(slope) ? slope : undefined;
  }
  return undefined;
}
