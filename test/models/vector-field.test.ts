import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../src/core/errors.js';
import { checkGradient } from '../../src/core/gradcheck.js';
import { Rng } from '../../src/core/rng.js';
import type { Series } from '../../src/data/series.js';
import type { SplitTerm } from '../../src/ode/term.js';
import { mlpForward, MlpWorkspace } from '../../src/nn/mlp.js';
import { hnnFamily } from '../../src/models/hnn.js';
import { mlpVectorFieldFamily } from '../../src/models/mlp-vector-field.js';
import { resolveCoordinates, vectorFieldDefaults } from '../../src/models/vector-field/config.js';
import { directNet, hamiltonianNet, separableHamiltonianNet, type VectorFieldNet } from '../../src/models/vector-field/nets.js';
import { statePairs } from '../../src/models/vector-field/pairs.js';
import { lagrangianNet } from '../../src/models/vector-field/lagrangian-net.js';
import { rollout } from '../../src/models/vector-field/fit.js';

const nets: [string, VectorFieldNet][] = [
  ['hamiltonian', hamiltonianNet(2, [5, 3], 'tanh')],
  ['separable hamiltonian', separableHamiltonianNet(2, [4, 3], 'softplus')],
  ['direct', directNet(2, [4], 'softplus')],
  ['lagrangian', lagrangianNet(2, [4, 3], 'softplus')],
];

function randomTheta(net: VectorFieldNet, seed: number): Float64Array {
  const rng = new Rng(seed);
  const theta = new Float64Array(net.size);
  net.init(theta, rng);
  for (let k = 0; k < theta.length; k++) theta[k] += rng.normal(0, 0.3);
  return theta;
}

describe('neural vector fields', () => {
  for (const [name, net] of nets) {
    it(`${name}: the derivative loss's gradient in θ matches central differences`, () => {
      const rng = new Rng(5);
      const rows = 6;
      const x = rng.fillNormal(new Float64Array(rows * 4));
      const target = rng.fillNormal(new Float64Array(rows * 4));
      const ws = net.workspace(rows);
      const g = new Float64Array(net.size);
      const r = checkGradient((th) => net.lossAndGrad(th, x, target, ws, g), (th) => {
        const out = new Float64Array(th.length);
        net.lossAndGrad(th, x, target, ws, out);
        return out;
      }, randomTheta(net, 6), { step: 1e-5 }); // entries of ~2e-5 need the larger step to clear rounding
      expect(r.maxRelError).toBeLessThan(1e-6);
    });

    for (const sign of [1, -1] as const) {
      it(`${name}: the term's vjp in y and θ matches central differences of vᵀf (sign ${sign})`, () => {
        const term = net.term(sign);
        const theta = randomTheta(net, 7);
        const rng = new Rng(8);
        const y = rng.fillNormal(new Float64Array(4));
        const v = rng.fillNormal(new Float64Array(4));
        const dy = new Float64Array(4);
        const vf = (yy: Float64Array, th: Float64Array) => {
          term.f(0, yy, th, dy);
          return dy.reduce((a, d, k) => a + d * v[k], 0);
        };
        const vjp = () => {
          const yOut = new Float64Array(4);
          const tOut = new Float64Array(theta.length);
          term.vjp(0, y, theta, v, yOut, tOut);
          return { yOut, tOut };
        };
        expect(checkGradient((yy) => vf(yy, theta), () => vjp().yOut, y).maxRelError).toBeLessThan(1e-6);
        expect(checkGradient((th) => vf(y, th), () => vjp().tOut, theta).maxRelError).toBeLessThan(1e-6);
      });
    }
  }

  it('the Hamiltonian field is the symplectic gradient of the network: f = (∂H/∂p, −∂H/∂q), and conserves H along a rollout', async () => {
    const net = hamiltonianNet(1, [6], 'tanh');
    const theta = randomTheta(net, 9);
    const ws = new MlpWorkspace({ input: 2, hidden: [6], output: 1, activation: 'tanh' }, 1);
    const H = (q: number, p: number) => mlpForward(theta, Float64Array.of(q, p), ws)[0];
    const f = new Float64Array(2);
    net.term().f(0, Float64Array.of(0.3, -0.2), theta, f);
    const h = 1e-6;
    expect(f[0]).toBeCloseTo((H(0.3, -0.2 + h) - H(0.3, -0.2 - h)) / (2 * h), 8);
    expect(f[1]).toBeCloseTo(-(H(0.3 + h, -0.2) - H(0.3 - h, -0.2)) / (2 * h), 8);
    const times = Float64Array.from({ length: 40 }, (_, i) => 0.5 * (i + 1));
    const traj = rollout(net, theta, Float64Array.of(0.3, -0.2), 0, times, 1e-11);
    const H0 = H(0.3, -0.2);
    for (let i = 0; i < times.length; i++) expect(Math.abs(H(traj[0][i], traj[1][i]) - H0)).toBeLessThan(1e-8);
  });

  it('HNN on a mass–spring (H = q² + p²) from one noiseless trajectory: the field is learned and the rollout keeps the energy', async () => {
    const t = Float64Array.from({ length: 301 }, (_, i) => i * 0.02);
    // q = cos 2t, p = −sin 2t solves q' = 2p, p' = −2q.
    const s: Series = { t, y: [t.map((x) => Math.cos(2 * x)), t.map((x) => -Math.sin(2 * x))], names: ['q', 'p'] };
    const fitted = await hnnFamily.fit({ family: 'hnn', config: { ...vectorFieldDefaults, hidden: [32], steps: 1500, lr: 3e-3, weightDecay: 0, differentiation: { method: 'finite-difference', order: 4 } } }, s, { seed: 1 });
    const times = Float64Array.from({ length: 50 }, (_, i) => 0.4 * (i + 1));
    const traj = fitted.rollout!(Float64Array.of(1, 0), 0, times);
    let drift = 0;
    for (let i = 0; i < times.length; i++) drift = Math.max(drift, Math.abs(traj[0][i] ** 2 + traj[1][i] ** 2 - 1));
    expect(drift).toBeLessThan(0.05);
    expect(fitted.describe().trainingLoss as number).toBeLessThan(1e-3);
    // One period (π) ahead the state is back near the start.
    const back = fitted.rollout!(Float64Array.of(1, 0), 0, Float64Array.of(Math.PI));
    expect(Math.hypot(back[0][0] - 1, back[1][0])).toBeLessThan(0.1);
  });

  it('maps channels to (q, p), or says which option is wrong', () => {
    expect(resolveCoordinates(['q1', 'q2', 'p1', 'p2'], { positions: null, momenta: 'observed' })).toMatchObject({ n: 2, q: [0, 1], p: [2, 3], index: [0, 1, 2, 3] });
    expect(resolveCoordinates(['p', 'q'], { positions: ['q'], momenta: 'observed' })).toMatchObject({ n: 1, q: [1], p: [0], index: [1, 0] });
    expect(resolveCoordinates(['theta'], { positions: null, momenta: 'velocity' }).names).toEqual(['theta', 'dtheta/dt']);
    expect(() => resolveCoordinates(['a', 'b', 'c'], { positions: null, momenta: 'observed' })).toThrow(ConfigError);
    expect(() => resolveCoordinates(['a', 'b', 'c'], { positions: null, momenta: 'observed' })).toThrow(/3 channels \(a, b, c\)/);
    expect(() => resolveCoordinates(['a', 'b'], { positions: ['x'], momenta: 'observed' })).toThrow(/"x", which is not a channel/);
    expect(() => resolveCoordinates(['a', 'b'], { positions: ['a'], momenta: 'velocity' })).toThrow(/b is not/);
    expect(() => resolveCoordinates(['a', 'b', 'c'], { positions: ['a'], momenta: 'observed' })).toThrow(/need as many momentum channels/);
  });

  it('estimates derivatives on an irregular clock (missing frames) to second order, and refuses smoothing there', () => {
    const rng = new Rng(3);
    const errAt = (h: number) => {
      const t = Float64Array.from(Array.from({ length: Math.round(4 / h) }, (_, i) => i * h).filter(() => rng.uniform() > 0.2));
      const s: Series = { t, y: [t.map(Math.sin), t.map(Math.cos)], names: ['q', 'p'] };
      const { dx, rows } = statePairs([s], resolveCoordinates(s.names, { positions: null, momenta: 'observed' }), { method: 'finite-difference', order: 2 });
      let e = 0;
      for (let i = 0; i < rows; i++) e = Math.max(e, Math.abs(dx[2 * i] - Math.cos(t[i])), Math.abs(dx[2 * i + 1] + Math.sin(t[i])));
      return e;
    };
    const [coarse, fine] = [errAt(0.04), errAt(0.01)];
    expect(fine).toBeLessThan(coarse / 8); // O(h²): 16× for 4× finer, allowing for the random gaps
    const t = Float64Array.of(0, 0.1, 0.3, 0.4, 0.5);
    const s: Series = { t, y: [t, t], names: ['q', 'p'] };
    expect(() => statePairs([s], resolveCoordinates(s.names, { positions: null, momenta: 'observed' }), { method: 'savitzky-golay', window: 3, degree: 2 })).toThrow(DataError);
  });

  it('the baseline predicts the derivatives directly and fits the same mass–spring field', async () => {
    const t = Float64Array.from({ length: 301 }, (_, i) => i * 0.02);
    const s: Series = { t, y: [t.map((x) => Math.cos(2 * x)), t.map((x) => -Math.sin(2 * x))], names: ['q', 'p'] };
    const fitted = await mlpVectorFieldFamily.fit({ family: 'mlp-vector-field', config: { ...vectorFieldDefaults, hidden: [32], steps: 1500, lr: 3e-3, weightDecay: 0, differentiation: { method: 'finite-difference', order: 4 } } }, s, { seed: 1 });
    expect(fitted.describe().trainingLoss as number).toBeLessThan(1e-2);
    const fc = fitted.forecast(Float64Array.of(0, 0.5), s);
    expect(Math.abs(fc.mean[0][1] - Math.cos(1))).toBeLessThan(0.05);
    expect(Math.abs(fc.mean[1][1] + Math.sin(1))).toBeLessThan(0.05);
  });

  it('separable H: the split halves\' vjps match central differences, and the rollout is symplectic (Yoshida) and keeps the learned H', async () => {
    const net = separableHamiltonianNet(1, [6], 'tanh');
    const theta = randomTheta(net, 11);
    const term = net.term() as SplitTerm;
    const rng = new Rng(12);
    const z = rng.fillNormal(new Float64Array(1)), v = rng.fillNormal(new Float64Array(1));
    const out = new Float64Array(1);
    for (const [half, vjp] of [[term.dq, term.dqVjp], [term.dp, term.dpVjp]] as const) {
      const vf = (zz: Float64Array, th: Float64Array) => (half(0, zz, th, out), out[0] * v[0]);
      const grads = () => {
        const zOut = new Float64Array(1), tOut = new Float64Array(theta.length);
        vjp(0, z, theta, v, zOut, tOut);
        return { zOut, tOut };
      };
      expect(checkGradient((zz) => vf(zz, theta), () => grads().zOut, z).maxRelError).toBeLessThan(1e-6);
      expect(checkGradient((th) => vf(z, th), () => grads().tOut, theta).maxRelError).toBeLessThan(1e-6);
    }
    const t = Float64Array.from({ length: 301 }, (_, i) => i * 0.02);
    const s: Series = { t, y: [t.map((x) => Math.cos(2 * x)), t.map((x) => -Math.sin(2 * x))], names: ['q', 'p'] };
    const fitted = await hnnFamily.fit({ family: 'hnn', config: { ...vectorFieldDefaults, hidden: [16], steps: 800, lr: 1e-2, separable: true } }, s, { seed: 2 });
    expect(fitted.describe().integrator).toMatch(/^yoshida4/);
    // The learned T(p) + V(q) along 200 time units: a symplectic step keeps it to O(h⁴), without drift.
    const sep = separableHamiltonianNet(1, [16], 'tanh');
    const th = Float64Array.from(fitted.toJSON().params.slice(0, sep.size));
    const wsT = new MlpWorkspace({ input: 1, hidden: [16], output: 1, activation: 'tanh' }, 1);
    const H = (q: number, p: number) => mlpForward(th.subarray(0, sep.size / 2), Float64Array.of(p), wsT)[0] + mlpForward(th.subarray(sep.size / 2), Float64Array.of(q), wsT)[0];
    const times = Float64Array.from({ length: 200 }, (_, i) => i + 1);
    const traj = fitted.rollout!(Float64Array.of(1, 0), 0, times);
    const H0 = H(1, 0);
    let worst = 0;
    for (let i = 0; i < times.length; i++) worst = Math.max(worst, Math.abs(H(traj[0][i], traj[1][i]) - H0));
    expect(worst).toBeLessThan(1e-6 * Math.max(1, Math.abs(H0)));
    expect(() => mlpVectorFieldFamily.check!({ ...vectorFieldDefaults, separable: true })).toThrow(/hnn only/);
  });
});
