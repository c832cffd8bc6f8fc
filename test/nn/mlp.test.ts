import { describe, expect, it } from 'vitest';
import { checkGradient } from '../../src/core/gradcheck.js';
import { Rng } from '../../src/core/rng.js';
import type { MlpBackend, MlpShape } from '../../src/nn/mlp.js';
import { MlpWorkspace, initMlp, mlpBackward, mlpBackwardSecond, mlpForward, mlpLayout } from '../../src/nn/mlp.js';

function setup(shape: MlpShape, B: number, seed: number, backend: MlpBackend = 'auto') {
  const rng = new Rng(seed);
  const { size } = mlpLayout(shape);
  const theta = new Float64Array(size);
  initMlp(shape, theta, rng);
  // Perturb every entry (biases included) so no gradient is trivially zero.
  for (let k = 0; k < size; k++) theta[k] += rng.normal(0, 0.3);
  const x = rng.fillNormal(new Float64Array(B * shape.input));
  const c = rng.fillNormal(new Float64Array(B * shape.output));
  const target = rng.fillNormal(new Float64Array(B * shape.input));
  return { theta, x, c, target, ws: new MlpWorkspace(shape, B, backend) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** ℓ = c·y(x; θ). */
function firstLoss(theta: Float64Array, x: Float64Array, c: Float64Array, ws: MlpWorkspace): number {
  return dot(mlpForward(theta, x, ws).subarray(0, c.length), c);
}

/** g = ∂(c·y)/∂x, and m(g) = ½‖g − target‖² (nonlinear in g, so ḡ varies with θ). */
function inputGradient(theta: Float64Array, x: Float64Array, c: Float64Array, ws: MlpWorkspace): Float64Array {
  mlpForward(theta, x, ws);
  const g = new Float64Array(x.length);
  mlpBackward(theta, ws, c, null, g);
  return g;
}
function secondLoss(theta: Float64Array, x: Float64Array, c: Float64Array, target: Float64Array, ws: MlpWorkspace): number {
  const g = inputGradient(theta, x, c, ws);
  let m = 0;
  for (let i = 0; i < g.length; i++) m += 0.5 * (g[i] - target[i]) ** 2;
  return m;
}
function secondGrads(theta: Float64Array, x: Float64Array, c: Float64Array, target: Float64Array, ws: MlpWorkspace) {
  const g = inputGradient(theta, x, c, ws);
  const gBar = g.map((v, i) => v - target[i]);
  const grad = new Float64Array(theta.length);
  const dxx = new Float64Array(x.length);
  mlpBackwardSecond(theta, ws, gBar, grad, dxx);
  return { grad, dxx };
}

// Odd widths exercise every remainder path of the blocked products; [] is the affine map.
const cases: { shape: MlpShape; B: number }[] = [
  { shape: { input: 3, hidden: [5, 4], output: 2, activation: 'tanh' }, B: 3 },
  { shape: { input: 2, hidden: [7], output: 1, activation: 'softplus' }, B: 5 },
  { shape: { input: 4, hidden: [3, 6, 5], output: 1, activation: 'tanh' }, B: 2 },
  { shape: { input: 2, hidden: [6, 3], output: 3, activation: 'softplus' }, B: 4 },
  { shape: { input: 3, hidden: [], output: 2, activation: 'tanh' }, B: 3 },
];

describe('MLP kernel', () => {
  it('layout is W1 [n1×n0], b1 [n1], …, WL [nL×nL−1], bL [nL]', () => {
    const { layout, size } = mlpLayout({ input: 2, hidden: [3, 4], output: 1, activation: 'tanh' });
    expect(layout.map((b) => [b.name, b.shape])).toEqual([['W1', [3, 2]], ['b1', [3]], ['W2', [4, 3]], ['b2', [4]], ['W3', [1, 4]], ['b3', [1]]]);
    expect(size).toBe(6 + 3 + 12 + 4 + 4 + 1);
  });

  it('forward matches the formula written out for one hidden tanh layer', () => {
    const shape: MlpShape = { input: 2, hidden: [2], output: 1, activation: 'tanh' };
    // W1 = [[1, 2], [−1, 0.5]], b1 = [0.1, −0.2], W2 = [[3, −1]], b2 = [0.7]
    const theta = Float64Array.of(1, 2, -1, 0.5, 0.1, -0.2, 3, -1, 0.7);
    const y = mlpForward(theta, Float64Array.of(0.3, -0.4), new MlpWorkspace(shape, 1));
    const h1 = Math.tanh(0.3 - 0.8 + 0.1), h2 = Math.tanh(-0.3 - 0.2 - 0.2);
    expect(y[0]).toBeCloseTo(3 * h1 - h2 + 0.7, 14);
  });

  for (const { shape, B } of cases) for (const backend of ['js', 'wasm'] as const) {
    const label = `${backend}; in=${shape.input}, hidden=[${shape.hidden.join(',')}], out=${shape.output}, ${shape.activation}, B=${B}`;

    it(`a batch equals its rows one by one (${label})`, () => {
      const { theta, x, ws } = setup(shape, B, 1, backend);
      const y = Float64Array.from(mlpForward(theta, x, ws).subarray(0, B * shape.output));
      const g = inputGradient(theta, x, new Float64Array(B * shape.output).fill(1), ws);
      const one = new MlpWorkspace(shape, 1, backend === 'js' ? 'wasm' : 'js'); // and across backends
      for (let r = 0; r < B; r++) {
        const xr = x.slice(r * shape.input, (r + 1) * shape.input);
        const yr = mlpForward(theta, xr, one);
        for (let o = 0; o < shape.output; o++) expect(yr[o]).toBeCloseTo(y[r * shape.output + o], 13);
        const gr = inputGradient(theta, xr, new Float64Array(shape.output).fill(1), one);
        for (let i = 0; i < shape.input; i++) expect(gr[i]).toBeCloseTo(g[r * shape.input + i], 13);
      }
    });

    it(`backward: ∂(c·y)/∂θ and ∂(c·y)/∂x match central differences (${label})`, () => {
      const { theta, x, c, ws } = setup(shape, B, 2, backend);
      const rt = checkGradient((t) => firstLoss(t, x, c, ws), (t) => {
        mlpForward(t, x, ws);
        const grad = new Float64Array(t.length);
        mlpBackward(t, ws, c, grad, null);
        return grad;
      }, theta);
      expect(rt.maxRelError).toBeLessThan(1e-6);
      const rx = checkGradient((xx) => firstLoss(theta, xx, c, ws), (xx) => inputGradient(theta, xx, c, ws), x);
      expect(rx.maxRelError).toBeLessThan(1e-6);
    });

    it(`second backward: ∂m/∂θ and ∂m/∂x of a loss on the input gradient match central differences (${label})`, () => {
      const { theta, x, c, target, ws } = setup(shape, B, 3, backend);
      const rt = checkGradient((t) => secondLoss(t, x, c, target, ws), (t) => secondGrads(t, x, c, target, ws).grad, theta);
      expect(rt.maxRelError).toBeLessThan(1e-6);
      const rx = checkGradient((xx) => secondLoss(theta, xx, c, target, ws), (xx) => secondGrads(theta, xx, c, target, ws).dxx, x);
      expect(rx.maxRelError).toBeLessThan(1e-6);
    });
  }

  it('both backward passes accumulate into grad', () => {
    const shape: MlpShape = { input: 2, hidden: [4], output: 1, activation: 'tanh' };
    const { theta, x, c, ws } = setup(shape, 3, 4);
    mlpForward(theta, x, ws);
    const fresh = new Float64Array(theta.length);
    mlpBackward(theta, ws, c, fresh, null);
    const gBar = Float64Array.from(x);
    const fresh2 = new Float64Array(theta.length);
    mlpBackwardSecond(theta, ws, gBar, fresh2, null);
    const acc = new Float64Array(theta.length).fill(1);
    mlpBackward(theta, ws, c, acc, null);
    mlpBackwardSecond(theta, ws, gBar, acc, null);
    for (let k = 0; k < theta.length; k++) expect(acc[k]).toBeCloseTo(1 + fresh[k] + fresh2[k], 12);
  });

  it('rejects a batch larger than the workspace and an unknown activation', () => {
    const shape: MlpShape = { input: 2, hidden: [3], output: 1, activation: 'tanh' };
    const ws = new MlpWorkspace(shape, 2);
    expect(() => mlpForward(new Float64Array(mlpLayout(shape).size), new Float64Array(6), ws)).toThrow(/≤ 2 rows/);
    expect(() => new MlpWorkspace({ ...shape, activation: 'relu' as never }, 2)).toThrow(/tanh, softplus/);
  });
});
