/**
 * Symplectic splitting machinery for split terms y = [q, p] with q' = a(t, p), p' = b(t, q),
 * written once: a method is a kick–drift sequence (Hairer, Lubich & Wanner, Geometric
 * Numerical Integration, II.5 and V.3)
 *   p += d₀ h b(q);  q += c₀ h a(p);  p += d₁ h b(q);  …;  q += c_{m−1} h a(p);  p += d_m h b(q).
 * Each kick and drift is an exact flow of one half of a separable Hamiltonian, so the
 * composition is symplectic; symmetric coefficients make it time-reversible. The force
 * b(q) at the end of a step is the next step's first force (cached, like FSAL).
 * Adjoint: each kick/drift is undone in reverse, kick: q̄ += d h (∂b/∂q)ᵀ p̄, drift:
 * p̄ += c h (∂a/∂p)ᵀ q̄ (θ̄ accumulates alongside).
 * Time arguments: a kick sees the time reached by the drifts so far and vice versa.
 * `fevals` counts force evaluations b(q).
 */
import type { SplitTerm } from '../term.js';
import type { DenseCotangent, Solver, Stepper } from './base.js';

export interface SplittingInfo {
  name: string;
  description: string;
  order: number;
  /** Kick weights d₀ … d_m (Σ = 1). */
  kicks: readonly number[];
  /** Drift weights c₀ … c_{m−1} (Σ = 1). */
  drifts: readonly number[];
}

export function splittingSolver(info: SplittingInfo): Solver {
  if (info.kicks.length !== info.drifts.length + 1) throw new Error(`${info.name}: need one more kick than drifts`);
  return {
    name: info.name,
    description: info.description,
    order: info.order,
    adaptive: false,
    errorOrder: info.order,
    requires: 'split',
    init: (term, theta) => new SplittingStepper(info, term as SplitTerm, theta),
  };
}

class SplittingStepper implements Stepper {
  fevals = 0;
  readonly dense = false;
  private readonly n: number;
  private readonly d: Float64Array;
  private readonly c: Float64Array;
  /** Q[i]: q at kick i; P[i]: p at drift i (kept for the vjp). */
  private readonly Q: Float64Array[];
  private readonly P: Float64Array[];
  private readonly q: Float64Array;
  private readonly p: Float64Array;
  private readonly force: Float64Array;
  private readonly vel: Float64Array;
  private readonly qbar: Float64Array;
  private readonly pbar: Float64Array;
  private readonly v: Float64Array;
  /** Force b(t, q) at the end of the last step, valid for the next step starting at `cacheTime`. */
  private readonly cache: Float64Array;
  /** Times at which kick i and drift i evaluate their half of the field. */
  private readonly tKick: Float64Array;
  private readonly tDrift: Float64Array;
  private cacheTime = NaN;
  private cacheValid = false;
  private pendingTime = NaN;

  constructor(
    info: SplittingInfo,
    private readonly term: SplitTerm,
    private readonly theta: Float64Array,
  ) {
    const n = (this.n = term.dim / 2);
    this.d = Float64Array.from(info.kicks);
    this.c = Float64Array.from(info.drifts);
    this.Q = info.kicks.map(() => new Float64Array(n));
    this.P = info.drifts.map(() => new Float64Array(n));
    this.q = new Float64Array(n);
    this.p = new Float64Array(n);
    this.force = new Float64Array(n);
    this.vel = new Float64Array(n);
    this.qbar = new Float64Array(n);
    this.pbar = new Float64Array(n);
    this.v = new Float64Array(n);
    this.cache = new Float64Array(n);
    this.tKick = new Float64Array(info.kicks.length);
    this.tDrift = new Float64Array(info.drifts.length);
  }

  /** Runs the kick–drift sequence on this.q, this.p, keeping intermediate states. */
  private run(t0: number, h: number, useCache: boolean): void {
    const { n, d, c, term, theta, q, p, force, vel } = this;
    const m = c.length;
    let tq = t0;
    let tp = t0;
    for (let i = 0; i <= m; i++) {
      this.Q[i].set(q);
      this.tKick[i] = tq;
      if (i === 0 && useCache && this.cacheValid && this.cacheTime === t0) force.set(this.cache);
      else {
        term.dp(tq, q, theta, force);
        this.fevals++;
      }
      const dh = d[i] * h;
      for (let k = 0; k < n; k++) p[k] += dh * force[k];
      tp += dh;
      if (i === m) break;
      this.P[i].set(p);
      this.tDrift[i] = tp;
      term.dq(tp, p, theta, vel);
      const ch = c[i] * h;
      for (let k = 0; k < n; k++) q[k] += ch * vel[k];
      tq += ch;
    }
    if (useCache) {
      this.cache.set(force);
      this.pendingTime = t0 + h;
    }
  }

  step(t0: number, h: number, y0: Float64Array, y1: Float64Array): boolean {
    const n = this.n;
    for (let k = 0; k < n; k++) {
      this.q[k] = y0[k];
      this.p[k] = y0[n + k];
    }
    this.run(t0, h, true);
    this.cacheValid = false;
    for (let k = 0; k < n; k++) {
      y1[k] = this.q[k];
      y1[n + k] = this.p[k];
    }
    return true;
  }

  accept(): void {
    // The last kick evaluated b at the final q, which is the next step's first force.
    this.cacheTime = this.pendingTime;
    this.cacheValid = true;
  }

  reset(): void {
    this.cacheValid = false;
  }

  interpolate(): void {
    throw new Error('splitting methods have no dense output');
  }

  stepVjp(t0: number, h: number, y0: Float64Array, gy1: Float64Array, gy0: Float64Array, gTheta: Float64Array, _dense: DenseCotangent | null): void {
    const { n, d, c, term, theta, qbar, pbar, v } = this;
    const m = c.length;
    for (let k = 0; k < n; k++) {
      this.q[k] = y0[k];
      this.p[k] = y0[n + k];
    }
    this.cacheValid = false;
    this.run(t0, h, false);
    for (let k = 0; k < n; k++) {
      qbar[k] = gy1[k];
      pbar[k] = gy1[n + k];
    }
    for (let i = m; i >= 0; i--) {
      if (i < m) {
        // Undo drift i: q += c_i h a(tp_i, P_i).
        const ch = c[i] * h;
        for (let k = 0; k < n; k++) v[k] = ch * qbar[k];
        term.dqVjp(this.tDrift[i], this.P[i], theta, v, pbar, gTheta);
      }
      const dh = d[i] * h;
      for (let k = 0; k < n; k++) v[k] = dh * pbar[k];
      term.dpVjp(this.tKick[i], this.Q[i], theta, v, qbar, gTheta);
    }
    for (let k = 0; k < n; k++) {
      gy0[k] = qbar[k];
      gy0[n + k] = pbar[k];
    }
  }
}

