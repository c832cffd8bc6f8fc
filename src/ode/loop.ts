/**
 * The one stepping loop. `solve` runs it bare; the discrete adjoint runs it with a
 * recorder that keeps what the backward pass needs. Two modes:
 * - fixed: non-adaptive solvers, a `ConstantStepSize` controller, or forced `steps`. Steps
 *   of exactly `dt` on the grid t0 + k·dt, stepping exactly onto save times off the grid;
 * - adaptive: the controller picks h; save times are hit by dense output without shortening
 *   steps (solvers without dense output step exactly onto them instead).
 * Failures are SolverErrors naming t and h, never a hang.
 */
import { ConfigError, SolverError, throwIfAborted } from '../core/errors.js';
import { ConstantStepSize, PIController, initialStep, scaledErrorNorm } from './controller.js';
import type { StepSizeController } from './controller.js';
import type { Solution, SolveOptions } from './types.js';
import type { Solver, Stepper } from './solvers/base.js';
import { checkTermFits } from './solvers/base.js';
import { getSolver } from './solvers/index.js';
import type { Term } from './term.js';

/** What the adjoint records while the loop runs. */
export interface LoopRecorder {
  /** Accepted step number `n` from (t, y0) of size h; called before y advances. */
  onStep(n: number, t: number, h: number, y0: Float64Array): void;
  /** Save `i` was taken in step `n` (−1: at t0) at fraction `frac` of it (1: its end, exactly). */
  onSave(i: number, n: number, frac: number): void;
}

export interface PreparedSolve {
  term: Term;
  solver: Solver;
  stepper: Stepper;
  theta: Float64Array;
  t0: number;
  t1: number;
  y0: Float64Array;
  saveAt: Float64Array;
  fixed: boolean;
  dt: number | undefined;
  steps: Float64Array | undefined;
  rtol: number;
  atol: number;
  controller: StepSizeController;
  maxSteps: number;
  signal: AbortSignal | undefined;
}

const EMPTY = new Float64Array(0);

/** Validates options (ConfigError naming the option) and binds the solver to the term. */
export function prepareSolve(opts: SolveOptions): PreparedSolve {
  const { term, t0, t1, y0 } = opts;
  const solver = typeof opts.solver === 'string' ? getSolver(opts.solver) : opts.solver;
  checkTermFits(solver, term);
  const theta = opts.theta ?? EMPTY;
  if (y0.length !== term.dim) throw new ConfigError(`has length ${y0.length}, the term's state has dimension ${term.dim}`, 'y0');
  if (theta.length !== term.nParams) throw new ConfigError(`has length ${theta.length}, the term has ${term.nParams} parameters`, 'theta');
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || t1 < t0) throw new ConfigError(`need finite t0 ≤ t1; got t0=${t0}, t1=${t1}`, 't1');
  const saveAt = opts.saveAt ? Float64Array.from(opts.saveAt) : Float64Array.of(t1);
  for (let i = 0; i < saveAt.length; i++) {
    if (!(saveAt[i] >= t0 && saveAt[i] <= t1)) throw new ConfigError(`saveAt[${i}] = ${saveAt[i]} lies outside [t0, t1] = [${t0}, ${t1}]`, 'saveAt');
    if (i > 0 && saveAt[i] < saveAt[i - 1]) throw new ConfigError(`must be increasing; saveAt[${i}] = ${saveAt[i]} < saveAt[${i - 1}] = ${saveAt[i - 1]}`, 'saveAt');
  }
  const steps = opts.steps;
  if (steps) {
    for (let i = 0; i < steps.length; i++) {
      const prev = i === 0 ? t0 : steps[i - 1];
      if (!(steps[i] > prev)) throw new ConfigError(`must be strictly increasing from t0; steps[${i}] = ${steps[i]} ≤ ${prev}`, 'steps');
    }
    if (t1 > t0 && (steps.length === 0 || steps[steps.length - 1] !== t1)) throw new ConfigError(`the last step end must equal t1 = ${t1}`, 'steps');
  }
  const controller = opts.controller ?? new PIController();
  const fixed = steps !== undefined || !solver.adaptive || controller instanceof ConstantStepSize;
  const dt = opts.dt;
  if (dt !== undefined && !(dt > 0 && Number.isFinite(dt))) throw new ConfigError(`must be a positive number; got ${dt}`, 'dt');
  if (fixed && !steps && dt === undefined && t1 > t0) {
    throw new ConfigError(`${solver.name} takes fixed steps here: give dt (or steps)`, 'dt');
  }
  const maxSteps = opts.maxSteps ?? 1e6;
  return {
    term, solver, stepper: solver.init(term, theta), theta, t0, t1, y0, saveAt, fixed, dt, steps,
    rtol: opts.rtol ?? 1e-6, atol: opts.atol ?? 1e-9, controller, maxSteps, signal: opts.signal,
  };
}

function allFinite(y: Float64Array): boolean {
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) return false;
  return true;
}

/** Runs the loop; `rec` (the adjoint's tape) may be null. */
export function runLoop(p: PreparedSolve, rec: LoopRecorder | null): Solution {
  const { term, solver, stepper, t0, t1, saveAt, maxSteps, signal } = p;
  const dim = term.dim;
  const nSave = saveAt.length;
  const out = new Float64Array(nSave * dim);
  let y = Float64Array.from(p.y0);
  let yNew = new Float64Array(dim);
  // Dense saves go through one buffer: a subarray per save costs more than the interpolation.
  const yAt = new Float64Array(dim);
  const err = solver.adaptive && !p.fixed ? new Float64Array(dim) : null;
  let stepTimes = new Float64Array(64);
  let extraFevals = 0;
  let accepted = 0;
  let rejected = 0;

  let iSave = 0;
  while (iSave < nSave && saveAt[iSave] === t0) {
    out.set(y, iSave * dim);
    rec?.onSave(iSave, -1, 1);
    iSave++;
  }

  let t = t0;
  // Adaptive state.
  let h = 0;
  let lastFailNonFinite = false;
  if (!p.fixed && t1 > t0) {
    p.controller.reset(solver.errorOrder);
    if (p.dt !== undefined) h = p.dt;
    else {
      const scratch = { f0: new Float64Array(dim), f1: new Float64Array(dim), y1: new Float64Array(dim) };
      h = initialStep((tt, yy, dy) => term.f(tt, yy, p.theta, dy), t0, y, solver.order, p.rtol, p.atol, t1 - t0, scratch);
      extraFevals += 2;
    }
  }
  // Fixed-grid state: the next grid point is t0 + k·dt; `onGrid` when t is a grid point.
  let k = 1;
  let onGrid = true;
  const dt = p.dt ?? 0;
  const snap = 1e-9 * dt;
  let nSteps = 0;

  while (t < t1) {
    throwIfAborted(signal);
    if (accepted + rejected >= maxSteps) {
      throw new SolverError('max-steps', t, `${solver.name}: more than maxSteps = ${maxSteps} steps before reaching t1 = ${t1}; stopped at t = ${t}`);
    }
    const target = iSave < nSave && (p.fixed || !stepper.dense) ? Math.min(saveAt[iSave], t1) : t1;
    let hTry: number;
    let tNew: number;
    if (p.steps) {
      tNew = p.steps[nSteps];
      hTry = tNew - t;
    } else if (p.fixed) {
      const gridT = t0 + k * dt;
      if (gridT >= target - snap) {
        const lands = Math.abs(gridT - target) <= snap;
        hTry = onGrid && lands ? dt : target - t;
        tNew = target;
        if (lands) k++;
        onGrid = lands;
      } else {
        hTry = onGrid ? dt : gridT - t;
        tNew = gridT;
        k++;
        onGrid = true;
      }
    } else {
      hTry = h;
      if (t + 1.01 * hTry >= target) {
        hTry = target - t;
        tNew = target;
      } else tNew = t + hTry;
      const hMin = 16 * Number.EPSILON * Math.max(Math.abs(t), Math.abs(t1));
      if (!(hTry > hMin) || t + hTry === t) {
        if (lastFailNonFinite) {
          throw new SolverError('non-finite', t, `${solver.name}: the state became non-finite (NaN or ±Infinity) near t = ${t}, even with step h = ${hTry}; the vector field returns NaN/Inf there`);
        }
        throw new SolverError('step-underflow', t, `${solver.name}: step size underflow at t = ${t}: h = ${hTry} (the solution may blow up here, or the problem is stiff: try an implicit solver)`);
      }
    }

    const ok = stepper.step(t, hTry, y, yNew, err);
    if (err) {
      const finite = ok && allFinite(yNew);
      const e = finite ? scaledErrorNorm(err, y, yNew, p.rtol, p.atol) : NaN;
      const acc = e <= 1;
      h = p.controller.next(ok ? e : Infinity, hTry, acc);
      if (!acc) {
        rejected++;
        lastFailNonFinite = ok && !finite;
        continue;
      }
      lastFailNonFinite = false;
    } else if (!ok) {
      throw new SolverError('step-underflow', t, `${solver.name}: the implicit stage equations did not converge in the step from t = ${t} with h = ${hTry}; take smaller steps`);
    } else if (!allFinite(yNew)) {
      throw new SolverError('non-finite', t, `${solver.name}: the state became non-finite (NaN or ±Infinity) in the step from t = ${t} (h = ${hTry})`);
    }

    // Accepted: saves inside (t, tNew], then advance.
    while (iSave < nSave && saveAt[iSave] <= tNew) {
      const ts = saveAt[iSave];
      if (ts === tNew) {
        out.set(yNew, iSave * dim);
        rec?.onSave(iSave, nSteps, 1);
      } else if (stepper.dense) {
        const frac = (ts - t) / hTry;
        stepper.interpolate(y, frac, yAt);
        for (let d = 0; d < dim; d++) out[iSave * dim + d] = yAt[d];
        rec?.onSave(iSave, nSteps, frac);
      } else {
        throw new ConfigError(`save time ${ts} falls inside the step (${t}, ${tNew}] and ${solver.name} has no dense output; make it a step end`, 'saveAt');
      }
      iSave++;
    }
    rec?.onStep(nSteps, t, hTry, y);
    stepper.accept();
    if (nSteps === stepTimes.length) {
      const grown = new Float64Array(2 * stepTimes.length);
      grown.set(stepTimes);
      stepTimes = grown;
    }
    stepTimes[nSteps++] = tNew;
    accepted++;
    const tmp = y;
    y = yNew;
    yNew = tmp;
    t = tNew;
    if (p.steps && nSteps === p.steps.length) break;
  }
  return {
    t: Float64Array.from(saveAt),
    y: out,
    dim,
    stats: { steps: accepted + rejected, accepted, rejected, fevals: stepper.fevals + extraFevals },
    stepTimes: stepTimes.slice(0, nSteps),
  };
}
