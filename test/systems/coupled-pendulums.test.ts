/**
 * The reference experiment's system: task.py's normal modes, amplitudes in the observed
 * channel, the term kinds each configuration yields, and small-angle vs nonlinear agreement.
 */
import { describe, expect, it } from 'vitest';
import { isLinear, isSplit } from '../../src/ode/term.js';
import type { LinearTerm } from '../../src/ode/term.js';
import { getSystem } from '../../src/systems/index.js';

const sys = getSystem('coupled-pendulums');

// bench/bank/task.py --seed 0 (numpy eigvals of its system_matrix).
const TASK_FREQ = [1.2445290822120274, 1.7088373532948002, 2.264209473879701, 2.9269030101160176];
const TASK_DECAY = [0.022204142759375555, 0.023672250836424324, 0.019110574650716652, 0.02094540405192122];

describe('coupled-pendulums', () => {
  it('defaults reproduce task.py seed 0: normal modes to 5 digits (here to 1e-10)', () => {
    const b = sys.build();
    expect(isLinear(b.term)).toBe(true);
    expect(b.solver).toBe('exact-linear');
    expect(b.observe.names).toEqual(['y']);
    const modes = b.modes!();
    expect(modes).toHaveLength(4);
    modes.forEach((m, i) => {
      expect(m.frequency.toFixed(5)).toBe(TASK_FREQ[i].toFixed(5));
      expect(Math.abs(m.frequency - TASK_FREQ[i])).toBeLessThan(1e-10);
      expect(Math.abs(m.decay - TASK_DECAY[i])).toBeLessThan(1e-10);
      expect(m.amplitude).toBeGreaterThan(0);
    });
    // y(0) = Σ x_i(0) is a sum of the mode contributions, so |y(0)| ≤ Σ amplitudes.
    const y0 = b.y0.subarray(0, 4).reduce((s, x) => s + x, 0);
    expect(Math.abs(y0)).toBeLessThanOrEqual(modes.reduce((s, m) => s + m.amplitude!, 0));
  });

  it('a single undamped pendulum has one mode of frequency w and amplitude √(x0² + (v0/w)²)', () => {
    const b = sys.build({ N: 1, w: 1.7, g: 0, k: 0, x0: 0.3, v0: -0.4 });
    const [m] = b.modes!();
    expect(m.frequency).toBeCloseTo(1.7, 12);
    expect(m.decay).toBeCloseTo(0, 12);
    expect(m.amplitude).toBeCloseTo(Math.hypot(0.3, 0.4 / 1.7), 12);
  });

  it('a damped single pendulum has frequency √(w² − g²/4) and decay g/2', () => {
    const [m] = sys.build({ N: 1, w: 2, g: 0.6, k: 0, x0: 1, v0: 0 }).modes!();
    expect(m.frequency).toBeCloseTo(Math.sqrt(4 - 0.09), 12);
    expect(m.decay).toBeCloseTo(0.3, 12);
  });

  it('two identical pendulums coupled by k split into in-phase w and anti-phase √(w² + 2k)', () => {
    const modes = sys.build({ N: 2, w: 1, g: 0, k: 0.25, x0: [1, 0], v0: 0 }).modes!();
    expect(modes[0].frequency).toBeCloseTo(1, 12);
    expect(modes[1].frequency).toBeCloseTo(Math.sqrt(1.5), 12);
    // y = x1 + x2 sees only the in-phase mode (amplitude x1 + x2 = 1).
    expect(modes[0].amplitude).toBeCloseTo(1, 12);
    expect(modes[1].amplitude).toBeCloseTo(0, 12);
  });

  it('chain coupling couples nearest neighbours only', () => {
    const b = sys.build({ N: 4, coupling: 'chain', k: 0.3 });
    const term = b.term as LinearTerm;
    const A = new Float64Array(64);
    term.matrix(b.theta, A);
    // Row of v_1 (index 4): couples to x_2 only; row of v_2: to x_1 and x_3.
    expect(Array.from(A.subarray(4 * 8, 4 * 8 + 4))).toEqual([-(b.theta[0] ** 2) - 0.3, 0.3, 0, 0]);
    expect(Array.from(A.subarray(5 * 8, 5 * 8 + 4)).map((x) => +x.toFixed(12))).toEqual([0.3, +(-(b.theta[1] ** 2) - 0.6).toFixed(12), 0.3, 0]);
  });

  it('term kind follows the physics: linear, split when undamped, plain when damped', () => {
    const und = sys.build({ smallAngle: false, g: 0 });
    expect(isSplit(und.term)).toBe(true);
    expect(und.conservative).toBe(true);
    expect(und.solver).toBe('yoshida4');
    expect(und.theta.length).toBe(4 + 16);
    const damped = sys.build({ smallAngle: false });
    expect(damped.term.kind).toBeUndefined();
    expect(damped.conservative).toBe(false);
    expect(damped.modes).toBeUndefined();
  });

  it('small-angle and nonlinear vector fields agree to O(x³) at tiny amplitudes', () => {
    for (const amp of [1e-2, 1e-3, 1e-4]) {
      const p = { x0: [amp, -0.5 * amp, 0.8 * amp, 0.3 * amp], v0: [0.1 * amp, 0, -amp, 0.2 * amp] };
      const lin = sys.build(p);
      const nl = sys.build({ ...p, smallAngle: false });
      const a = new Float64Array(8);
      const b = new Float64Array(8);
      lin.term.f(0, lin.y0, lin.theta, a);
      nl.term.f(0, nl.y0, nl.theta, b);
      // sin x = x − x³/6 + …: |Δf_i| ≤ w_i² |x_i|³ / 6.
      for (let i = 0; i < 4; i++) {
        const bound = (lin.theta[i] ** 2 * Math.abs(lin.y0[i]) ** 3) / 6;
        expect(Math.abs(a[4 + i] - b[4 + i])).toBeLessThanOrEqual(bound * (1 + 1e-6) + 1e-18);
        expect(a[i]).toBe(b[i]);
      }
      // Energies agree as well: 1 − cos x = x²/2 − x⁴/24 + …
      const el = lin.invariants[0].value(lin.y0);
      const en = nl.invariants[0].value(nl.y0);
      expect(Math.abs(el - en)).toBeLessThan(amp ** 4 * 10);
    }
  });

  it('energy of the small-angle system is the quadratic form ½ vᵀv + ½ xᵀ(W² + L)x', () => {
    const b = sys.build({ g: 0 });
    const term = b.term as LinearTerm;
    const A = new Float64Array(64);
    term.matrix(b.theta, A);
    const x = b.y0.subarray(0, 4);
    const v = b.y0.subarray(4);
    // The force block of A is −(W² + L), so ½ xᵀ(W² + L)x = −½ Σ x_i A[4+i, j] x_j.
    let pot = 0;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) pot -= 0.5 * x[i] * A[(4 + i) * 8 + j] * x[j];
    const kin = 0.5 * v.reduce((s, u) => s + u * u, 0);
    expect(b.invariants[0].value(b.y0)).toBeCloseTo(kin + pot, 13);
  });
});
