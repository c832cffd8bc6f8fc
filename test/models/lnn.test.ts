// The `lnn` family: its flow conserves the learned energy q̇·∂L/∂q̇ − L by construction, it
// learns a pendulum from positions alone (velocities estimated, as `lawful fit --model lnn
// --channels theta` with "momenta": "velocity" does), and it takes observed velocities of a
// two-degree-of-freedom system.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { Series } from '../../src/data/series.js';
import { lnnFamily } from '../../src/models/lnn.js';
import { rollout } from '../../src/models/vector-field/fit.js';
import { lagrangianNet } from '../../src/models/vector-field/lagrangian-net.js';
import { MlpWorkspace, mlpBackward, mlpForward } from '../../src/nn/mlp.js';
import { solve } from '../../src/ode/solve.js';
import { doublePendulum } from '../../src/systems/double-pendulum.js';

/** The trajectory of q̈ = −sin q from rest at q = 1 (L = ½q̇² + cos q), sampled every 0.02 on [0, 6]. */
function pendulum(): { t: Float64Array; q: Float64Array; w: Float64Array } {
  const t = Float64Array.from({ length: 301 }, (_, i) => i * 0.02);
  const term = { dim: 2, nParams: 0, f: (_t: number, y: Float64Array, _th: Float64Array, dy: Float64Array) => void ((dy[0] = y[1]), (dy[1] = -Math.sin(y[0]))), vjp: () => undefined };
  const sol = solve({ term, solver: 'dopri5', t0: 0, t1: 6, y0: Float64Array.of(1, 0), saveAt: t, rtol: 1e-11, atol: 1e-12 });
  return { t, q: t.map((_, i) => sol.y[2 * i]), w: t.map((_, i) => sol.y[2 * i + 1]) };
}

describe('lnn', () => {
  it('a rollout of a Lagrangian network conserves its energy q̇·∂L/∂q̇ − L (to the solver tolerance)', () => {
    const hidden = [8];
    const net = lagrangianNet(1, hidden, 'softplus');
    const theta = new Float64Array(net.size);
    // The initial θ has positive readout weights: L = Σ wₖ softplus(·) is convex, so ∂²L/∂q̇² ≻ 0 and the flow has no singular state.
    net.init(theta, new Rng(4));
    const ws = new MlpWorkspace({ input: 2, hidden, output: 1, activation: 'softplus' }, 1);
    const g = new Float64Array(2);
    const E = (q: number, v: number) => {
      const L = mlpForward(theta, Float64Array.of(q, v), ws)[0];
      mlpBackward(theta, ws, Float64Array.of(1), null, g);
      return v * g[1] - L;
    };
    const times = Float64Array.from({ length: 40 }, (_, i) => 0.05 * (i + 1));
    const traj = rollout(net, theta, Float64Array.of(0.2, 0.1), 0, times, 1e-11);
    const E0 = E(0.2, 0.1);
    let worst = 0;
    for (let i = 0; i < times.length; i++) worst = Math.max(worst, Math.abs(E(traj[0][i], traj[1][i]) - E0));
    expect(worst).toBeLessThan(1e-8 * Math.max(1, Math.abs(E0)));
    // The flow moves (a constant state would conserve anything).
    expect(Math.abs(traj[0][times.length - 1] - 0.2) + Math.abs(traj[1][times.length - 1] - 0.1)).toBeGreaterThan(1e-3);
  });

  it('learns a pendulum from its angle alone (q̇ estimated): small derivative error, the true energy kept over 20 time units', async () => {
    const { t, q } = pendulum();
    const config = { ...lnnFamily.defaults, hidden: [32], steps: 1500, lr: 3e-3, weightDecay: 0, momenta: 'velocity' as const, differentiation: { method: 'finite-difference' as const, order: 4 } };
    const fitted = await lnnFamily.fit({ family: 'lnn', config }, { t, y: [q], names: ['theta'] }, { seed: 1 });
    expect(fitted.describe().state).toEqual(['theta', 'dtheta/dt']);
    expect(fitted.describe().trainingLoss as number).toBeLessThan(1e-3);
    expect(fitted.describe().integrator).toMatch(/^dopri5/);
    const times = Float64Array.from({ length: 50 }, (_, i) => 0.4 * (i + 1));
    const traj = fitted.rollout!(Float64Array.of(1, 0), 0, times);
    let drift = 0;
    for (let i = 0; i < times.length; i++) drift = Math.max(drift, Math.abs(0.5 * traj[1][i] ** 2 - Math.cos(traj[0][i]) + Math.cos(1)));
    expect(drift / (1 - Math.cos(1))).toBeLessThan(0.1);
    // Half a period (≈ 3.37 for amplitude 1) ahead the pendulum is near the other turning point.
    const half = fitted.rollout!(Float64Array.of(1, 0), 0, Float64Array.of(3.3715));
    expect(Math.abs(half[0][0] + 1)).toBeLessThan(0.1);
  });

  it('takes observed velocities: a double pendulum\'s (q₁, q₂, ω₁, ω₂), forecast finite, and refuses a separable H', async () => {
    const sys = doublePendulum.build({ g: 9.8, q0: [0.5, -0.3] });
    const t = Float64Array.from({ length: 101 }, (_, i) => i * 0.03);
    const sol = solve({ term: sys.term, solver: 'dopri5', t0: 0, t1: 3, y0: sys.y0, theta: sys.theta, saveAt: t, rtol: 1e-10, atol: 1e-12 });
    const s: Series = { t, y: [0, 1, 2, 3].map((d) => t.map((_, i) => sol.y[4 * i + d])), names: ['q1', 'q2', 'w1', 'w2'] };
    const fitted = await lnnFamily.fit({ family: 'lnn', config: { ...lnnFamily.defaults, hidden: [16], steps: 200, lr: 3e-3 } }, s, { seed: 2 });
    expect(fitted.describe().state).toEqual(['q1', 'q2', 'w1', 'w2']);
    expect(fitted.describe().network).toMatch(/MLP 4→16→1 \(softplus\)/);
    const fc = fitted.forecast(Float64Array.of(3.03, 3.06), s);
    expect(fc.mean).toHaveLength(4);
    for (const c of fc.mean) expect(c.every(Number.isFinite)).toBe(true);
    expect(() => lnnFamily.check!({ ...lnnFamily.defaults, separable: true })).toThrow(/hnn only/);
    expect(() => lnnFamily.check!({ ...lnnFamily.defaults, hidden: [] })).toThrow(/no curvature in q̇/);
  });
});
