// The trajectory-model layer: its gradient through the adjoint matches finite differences,
// a fit through it recovers a known system's parameters, the bank's fast path agrees with
// the generic path, and what it saves reloads to the same bits.
import { describe, expect, it } from 'vitest';
import { AbortError, ConfigError, DivergenceError } from '../../src/core/errors.js';
import { checkGradient } from '../../src/core/gradcheck.js';
import { lbfgs } from '../../src/core/optim/lbfgs.js';
import { Rng } from '../../src/core/rng.js';
import { BankLayout, softplusInv } from '../../src/models/oscillator-bank/params.js';
import { bankTrajectoryModel } from '../../src/models/oscillator-bank/trajectory.js';
import {
  AdjointPath,
  fitTrajectory,
  linearObservation,
  loadTrajectory,
  saveTrajectory,
  trajectoryLayout,
  trajectoryLoss,
  trajectorySimulator,
} from '../../src/models/trajectory/index.js';
import type { TrajectoryData, TrajectoryModel } from '../../src/models/trajectory/index.js';
import type { Term } from '../../src/ode/term.js';
import { getSystem } from '../../src/systems/index.js';

const grid = (n: number, dt: number) => Float64Array.from({ length: n }, (_, i) => i * dt);

/** x'' = −ω² x − γ x' on z = [x, v], θ_term = [ω, γ]. */
const dampedOscillator: Term = {
  dim: 2,
  nParams: 2,
  f(_t, z, th, dz) {
    dz[0] = z[1];
    dz[1] = -th[0] * th[0] * z[0] - th[1] * z[1];
  },
  vjp(_t, z, th, v, dz, dth) {
    dz[0] -= v[1] * th[0] * th[0];
    dz[1] += v[0] - v[1] * th[1];
    dth[0] -= v[1] * 2 * th[0] * z[0];
    dth[1] -= v[1] * z[1];
  },
};

/** Its closed form from x(0) = x0, x'(0) = v0 (underdamped): e^{−γt/2}(x0 cos ω_d t + B sin ω_d t). */
function dampedSolution(omega: number, gamma: number, x0: number, v0: number, t: Float64Array): Float64Array {
  const wd = Math.sqrt(omega * omega - (gamma * gamma) / 4);
  const B = (v0 + (gamma / 2) * x0) / wd;
  return Float64Array.from(t, (s) => Math.exp((-gamma * s) / 2) * (x0 * Math.cos(wd * s) + B * Math.sin(wd * s)));
}

describe('trajectory layer: the loss and its gradient', () => {
  it('the adjoint gradient of the loss matches central differences (Van der Pol, two linear channels, every block of θ)', () => {
    const vdp = getSystem('van-der-pol').build({ mu: 1.5 });
    const observation = linearObservation({ stateDim: 2, channels: 2 });
    const model: TrajectoryModel = { term: vdp.term, observation, layout: trajectoryLayout(vdp.term, observation) };
    const t = grid(61, 0.1);
    const y = [Float64Array.from(t, (s) => 2 * Math.cos(s) + 0.1), Float64Array.from(t, (s) => Math.sin(1.1 * s) - 0.3 * s)];
    // RK4 with fixed steps: the loss is then a smooth function of θ, and the discrete adjoint its exact gradient.
    const path = new AdjointPath(model, { t, y }, { solver: 'rk4', dt: 0.02 });
    // θ = [μ, z0 (2), W (2×2), b (2)].
    const theta = Float64Array.of(1.3, 0.8, -0.4, 0.9, 0.2, -0.3, 1.1, 0.05, -0.1);
    const r = checkGradient(
      (x) => path.lossAndGrad(x, null),
      (x) => {
        const g = new Float64Array(x.length);
        path.lossAndGrad(x, g);
        return g;
      },
      theta,
      { step: 1e-5 },
    );
    expect(r.maxRelError).toBeLessThan(1e-6);
    // A gradient that is zero would pass nothing: every block has a real sensitivity.
    expect(Math.min(...r.analytic.map(Math.abs))).toBeGreaterThan(1e-4);
  });

  it('the loss is the channel-normalised mean squared error, and frozen blocks get no gradient', () => {
    const observation = linearObservation({ stateDim: 2, observed: 1 });
    const model: TrajectoryModel = { term: dampedOscillator, observation, layout: trajectoryLayout(dampedOscillator, observation, ['observation']) };
    const t = grid(101, 0.1);
    const y = [dampedSolution(2, 0.2, 1, 0, t)];
    const theta = Float64Array.of(2, 0.2, 1, 0, 1, 0.5); // the truth, observed with an offset of 0.5
    const path = trajectoryLoss(model, { t, y }, { solver: { rtol: 1e-12, atol: 1e-14 } });
    const g = new Float64Array(6);
    let v = 0;
    const m = y[0].reduce((a, b) => a + b, 0) / t.length;
    for (const s of y[0]) v += (s - m) ** 2;
    // Residual 0.5 everywhere: ℓ = 0.25 / var(y).
    expect(path.lossAndGrad(theta, g)).toBeCloseTo(0.25 / (v / t.length), 8);
    expect(g[4]).toBe(0);
    expect(g[5]).toBe(0);
    expect(Math.abs(g[0])).toBeGreaterThan(0);
  });

  it('a fit through the layer with L-BFGS recovers ω and γ of a damped oscillator from clean data to 1e-4', () => {
    const observation = linearObservation({ stateDim: 2, observed: 1 });
    const model: TrajectoryModel = { term: dampedOscillator, observation, layout: trajectoryLayout(dampedOscillator, observation, ['observation']) };
    const t = grid(101, 0.1);
    const data: TrajectoryData = { t, y: [dampedSolution(2, 0.2, 1, -0.5, t)] };
    const path = trajectoryLoss(model, data, { solver: { solver: 'rk4', dt: 0.01 } });
    // Start 15% off in ω, 50% in γ, and from a wrong initial state; W = 1, b = 0 fixed.
    const start = Float64Array.of(1.7, 0.3, 0.8, 0, 1, 0);
    const r = lbfgs((x, g) => path.lossAndGrad(x, g), start, { maxIterations: 300, gradTol: 1e-13 });
    expect(Math.abs(r.x[0] - 2)).toBeLessThan(1e-4);
    expect(Math.abs(r.x[1] - 0.2)).toBeLessThan(1e-4);
    expect(Math.abs(r.x[2] - 1)).toBeLessThan(1e-4);
    expect(Math.abs(r.x[3] + 0.5)).toBeLessThan(1e-4);
    expect(r.f).toBeLessThan(1e-12);
  });
});

describe('trajectory layer: the generic fit', () => {
  const observation = linearObservation({ stateDim: 2, observed: 1 });
  const t = grid(101, 0.1);
  const data: TrajectoryData = { t, y: [dampedSolution(2, 0.2, 1, -0.5, t)] };
  // A crude guess a family would make: ω from the data's zero crossings, γ small, z0 from the first samples.
  const model: TrajectoryModel = {
    term: dampedOscillator,
    observation,
    layout: trajectoryLayout(dampedOscillator, observation, ['observation']),
    initialGuess: (d) => Float64Array.of(1.8, 0.1, d.y[0][0], (d.y[0][1] - d.y[0][0]) / (d.t[1] - d.t[0]), 1, 0),
  };
  const solver = { solver: 'rk4', dt: 0.01 };

  it('Adam through the one training loop, then L-BFGS, recovers ω and γ from the family\'s initial guess, with monotone progress', async () => {
    const seen: number[] = [];
    const r = await fitTrajectory(model, data, { solver, adam: { steps: 100, lr: 1e-2 }, maxIterations: 300, onProgress: (p) => seen.push(p.fraction) });
    expect(r.adamSteps).toBe(100);
    expect(Math.abs(r.theta[0] - 2)).toBeLessThan(1e-4);
    expect(Math.abs(r.theta[1] - 0.2)).toBeLessThan(1e-4);
    expect(r.theta[4]).toBe(1); // the frozen observation stays where it was
    expect(r.loss).toBeLessThan(1e-12);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(seen.at(-1)).toBe(1);
  });

  it('stops on abort, and a start the solver cannot integrate is a DivergenceError', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(fitTrajectory(model, data, { solver, signal: ac.signal })).rejects.toThrow(AbortError);
    // ω = 1e200: ω² overflows and the trajectory leaves the finite numbers at once.
    await expect(fitTrajectory(model, data, { solver, theta0: Float64Array.of(1e200, 0, 1, 0, 1, 0) })).rejects.toThrow(DivergenceError);
  });
});

describe('trajectory layer: the bank behind it', () => {
  const dt = 0.05;
  const t = grid(160, dt);
  const data: TrajectoryData = { t, y: [Float64Array.from(t, (s) => Math.cos(1.3 * s) * Math.exp(-0.05 * s) + 0.4 * Math.sin(2.1 * s)), Float64Array.from(t, (s) => 0.2 + Math.sin(1.3 * s))] };

  function bankTheta(lay: BankLayout, seed: number): Float64Array {
    const rng = new Rng(seed);
    const th = new Float64Array(lay.size);
    for (let i = 0; i < lay.K; i++) {
      th[lay.omega + i] = Math.log(1 + i) + rng.normal(0, 0.1);
      th[lay.damping + i] = softplusInv(0.05 + 0.05 * rng.uniform());
    }
    for (let p = 0; p < lay.nPairs; p++) th[lay.coupling + p] = softplusInv(0.2 + 0.1 * rng.uniform());
    for (let i = lay.z0; i < lay.size; i++) th[i] = rng.normal(0, 0.5);
    return th;
  }

  function relMax(a: Float64Array, b: Float64Array): number {
    let d = 0, s = 0;
    for (let i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
      s = Math.max(s, Math.abs(b[i]));
    }
    return d / s;
  }

  for (const nonlinear of [false, true]) {
    it(`the generic adjoint path gives the fast path's loss (1e-6) and gradient (1e-5): ${nonlinear ? 'pendulum bank, rk4' : 'linear bank, dopri5'}`, () => {
      const lay = new BankLayout(3, 2);
      const model = bankTrajectoryModel(lay, { nonlinear, substeps: 2, dt });
      const theta = bankTheta(lay, nonlinear ? 2 : 1);
      const fast = trajectoryLoss(model, data);
      const generic = trajectoryLoss(model, data, { generic: true, solver: nonlinear ? { solver: 'rk4', dt: dt / 2 } : { rtol: 1e-12, atol: 1e-14 } });
      const gf = new Float64Array(lay.size), gg = new Float64Array(lay.size);
      const lf = fast.lossAndGrad(theta, gf);
      const lg = generic.lossAndGrad(theta, gg);
      expect(lf).toBeGreaterThan(0.01); // a real misfit, not a trivial zero
      expect(Math.abs(lf - lg) / lf).toBeLessThan(1e-6);
      expect(relMax(gg, gf)).toBeLessThan(1e-5);

      // Simulation: the fast path (exact propagator / RK4 on the grid) and the generic solve agree too.
      const times = Float64Array.from({ length: 40 }, (_, i) => 0.3 * i);
      const sf = trajectorySimulator(model, 0).simulate(theta, times);
      const sg = trajectorySimulator(model, 0, { generic: true, solver: nonlinear ? { solver: 'rk4', dt: dt / 2 } : { rtol: 1e-12, atol: 1e-14 } }).simulate(theta, times);
      for (let c = 0; c < 2; c++) expect(relMax(sg[c], sf[c])).toBeLessThan(1e-10);
    });
  }

  it('the fast path refuses data off its sampling grid', () => {
    const lay = new BankLayout(2, 1);
    const model = bankTrajectoryModel(lay, { nonlinear: false, substeps: 1, dt: 0.1 });
    expect(() => trajectoryLoss(model, { t: Float64Array.of(0, 0.1, 0.25), y: [new Float64Array(3)] })).toThrow(/t0 \+ n·dt/);
  });
});

describe('trajectory layer: save and load', () => {
  const observation = linearObservation({ stateDim: 2, observed: 1 });
  const model: TrajectoryModel = { term: dampedOscillator, observation, layout: trajectoryLayout(dampedOscillator, observation) };
  const theta = Float64Array.of(1.9, 0.25, 0.7, -0.2, 1.3, 0.1);
  const solver = { solver: 'dopri5', rtol: 1e-9 };

  it('save → JSON → load → simulate is bit-identical', () => {
    const times = Float64Array.from({ length: 50 }, (_, i) => 1 + 0.37 * i);
    const before = trajectorySimulator(model, 1, { solver }).simulate(theta, times);
    const saved = saveTrajectory(model.layout, theta, 1, solver);
    const loaded = loadTrajectory(JSON.parse(JSON.stringify(saved)), model);
    expect(loaded.theta).toEqual(theta);
    expect(loaded.t0).toBe(1);
    expect(loaded.solver).toEqual(solver);
    expect(loaded.simulate(times)).toEqual(before);
    // A different solver would not give the same bits: the settings really travel.
    const other = trajectorySimulator(model, 1, { solver: { solver: 'tsit5' } }).simulate(theta, times);
    expect(other).not.toEqual(before);
  });

  it('refuses a saved state that does not fit the model, naming the field', () => {
    const saved = saveTrajectory(model.layout, theta, 1, solver);
    expect(() => loadTrajectory({ ...saved, theta: saved.theta.slice(1) }, model)).toThrow(/trajectory.theta: must be an array of 6 numbers/);
    expect(() => loadTrajectory({ ...saved, theta: [...saved.theta.slice(1), null] }, model)).toThrow(/entry 5 is null/);
    expect(() => loadTrajectory({ ...saved, layout: { ...saved.layout, size: 7 } }, model)).toThrow(/trajectory.layout/);
    expect(() => loadTrajectory({ ...saved, t0: 'soon' }, model)).toThrow(/trajectory.t0/);
    expect(() => loadTrajectory({ ...saved, solver: { solver: 'magic' } }, model)).toThrow(ConfigError);
    expect(() => loadTrajectory(null, model)).toThrow(ConfigError);
    // The generic simulator integrates forwards only.
    expect(() => trajectorySimulator(model, 1).simulate(theta, Float64Array.of(0.5))).toThrow(/before t0/);
  });
});
