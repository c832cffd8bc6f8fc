// The tangent kernel (second directional derivatives of an MLP and their weight gradient)
// and the Euler–Lagrange solve of a Lagrangian MLP, each against an independent reference:
// the MLP's own first- and second-order passes, central differences of the forward pass,
// and the conservation of the energy q̇·∂L/∂q̇ − L that the Euler–Lagrange equations imply.
import { describe, expect, it } from 'vitest';
import { checkGradient } from '../../src/core/gradcheck.js';
import { Rng } from '../../src/core/rng.js';
import { LagrangianWorkspace, lagrangianBackward, lagrangianForward } from '../../src/nn/lagrangian.js';
import { MlpWorkspace, initMlp, mlpBackward, mlpBackwardSecond, mlpForward, mlpLayout, type MlpShape } from '../../src/nn/mlp.js';
import { TangentWorkspace, mlpTangentBackward, mlpTangentForward } from '../../src/nn/mlp-tangent.js';

function randomTheta(shape: MlpShape, seed: number): Float64Array {
  const rng = new Rng(seed);
  const theta = new Float64Array(mlpLayout(shape).size);
  initMlp(shape, theta, rng);
  for (let k = 0; k < theta.length; k++) theta[k] += rng.normal(0, 0.3);
  return theta;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);

const shapes: MlpShape[] = [
  { input: 3, hidden: [5, 4], output: 1, activation: 'tanh' },
  { input: 4, hidden: [7], output: 1, activation: 'softplus' },
  { input: 2, hidden: [3, 6, 5], output: 1, activation: 'softplus' },
];

describe('MLP tangent kernel', () => {
  for (const shape of shapes) for (const backend of ['js', 'auto'] as const) {
    const label = `${shape.activation} [${shape.hidden.join(',')}], ${backend}`;
    const B = 3, m = shape.input;
    const rng = new Rng(11);
    const theta = randomTheta(shape, 12);
    const x = rng.fillNormal(new Float64Array(B * m));
    const a = rng.fillNormal(new Float64Array(B * m));
    const b = rng.fillNormal(new Float64Array(B * m));

    it(`${label}: y, Dy[a], Dy[b] and D²y[a, b] equal the MLP's value, aᵀ∇y, bᵀ∇y and bᵀ∇²y·a`, () => {
      const tw = new TangentWorkspace(shape, B, backend);
      mlpTangentForward(theta, x, a, b, tw);
      const mw = new MlpWorkspace(shape, B, backend === 'js' ? 'js' : 'auto');
      const y = mlpForward(theta, x, mw).slice(0, B);
      const g = new Float64Array(B * m), hv = new Float64Array(B * m);
      mlpBackward(theta, mw, new Float64Array(B).fill(1), null, g);
      mlpBackwardSecond(theta, mw, a, null, hv);
      for (let r = 0; r < B; r++) {
        const row = (v: Float64Array) => v.subarray(r * m, (r + 1) * m);
        const [y0, ya, yb, yab] = tw.outputs(r);
        expect(y0).toBeCloseTo(y[r], 12);
        expect(ya).toBeCloseTo(dot(row(a), row(g)), 11);
        expect(yb).toBeCloseTo(dot(row(b), row(g)), 11);
        expect(yab).toBeCloseTo(dot(row(b), row(hv)), 10);
      }
    });

    it(`${label}: the reverse pass's gradients in θ and x match central differences`, () => {
      const tw = new TangentWorkspace(shape, B, backend);
      const c = rng.fillNormal(new Float64Array(4 * B));
      const phi = (th: Float64Array, xx: Float64Array) => {
        mlpTangentForward(th, xx, a, b, tw);
        let s = 0;
        for (let r = 0; r < B; r++) tw.outputs(r).forEach((v, k) => (s += c[k * B + r] * v));
        return s;
      };
      const grads = () => {
        phi(theta, x);
        const gt = new Float64Array(theta.length), gx = new Float64Array(x.length);
        mlpTangentBackward(tw, c, gt, gx);
        return { gt, gx };
      };
      expect(checkGradient((th) => phi(th, x), () => grads().gt, theta).maxRelError).toBeLessThan(1e-6);
      expect(checkGradient((xx) => phi(theta, xx), () => grads().gx, x).maxRelError).toBeLessThan(1e-6);
    });
  }
});

describe('Euler–Lagrange solve of a Lagrangian MLP', () => {
  const n = 2, D = 4, B = 4;
  for (const activation of ['softplus', 'tanh'] as const) {
    const hidden = [6, 5];
    const shape: MlpShape = { input: D, hidden, output: 1, activation };
    const theta = randomTheta(shape, 21);
    const rng = new Rng(22);
    const x = rng.fillNormal(new Float64Array(B * D));
    const ws = new LagrangianWorkspace(n, hidden, activation, B);
    const one = new MlpWorkspace(shape, 1);
    const L = (y: Float64Array) => mlpForward(theta, y, one)[0];

    it(`${activation}: q̈ solves the Euler–Lagrange equations built from finite differences of L`, () => {
      const acc = lagrangianForward(theta, x, ws).slice(0, B * n);
      const h = 1e-4;
      for (let r = 0; r < B; r++) {
        const y = x.slice(r * D, (r + 1) * D);
        const at = (dv: number[]) => L(y.map((v, k) => v + h * dv[k]));
        const unit = (k: number, s: number) => Array.from({ length: D }, (_, j) => (j === k ? s : 0));
        const sum = (u: number[], v: number[]) => u.map((s, k) => s + v[k]);
        const d2 = (i: number, j: number) => (at(sum(unit(i, 1), unit(j, 1))) - at(sum(unit(i, 1), unit(j, -1))) - at(sum(unit(i, -1), unit(j, 1))) + at(sum(unit(i, -1), unit(j, -1)))) / (4 * h * h);
        const d1 = (i: number) => (at(unit(i, 1)) - at(unit(i, -1))) / (2 * h);
        // Residual of H q̈ = ∇_qL − M q̇ with every derivative by differences (independent of the kernel).
        for (let i = 0; i < n; i++) {
          let res = d1(i);
          for (let j = 0; j < n; j++) res -= d2(n + i, j) * y[n + j] + d2(n + i, n + j) * acc[r * n + j];
          expect(Math.abs(res)).toBeLessThan(1e-5 * (1 + Math.abs(d1(i))));
        }
      }
    });

    it(`${activation}: the energy q̇·∂L/∂q̇ − L is constant along the accelerations (dE/dt = 0)`, () => {
      const acc = lagrangianForward(theta, x, ws).slice(0, B * n);
      const g = new Float64Array(D);
      const E = (y: Float64Array) => {
        const l = mlpForward(theta, y, one)[0];
        mlpBackward(theta, one, Float64Array.of(1), null, g);
        return y[2] * g[2] + y[3] * g[3] - l;
      };
      for (let r = 0; r < B; r++) {
        const y = x.slice(r * D, (r + 1) * D);
        const v = Float64Array.of(y[2], y[3], acc[r * n], acc[r * n + 1]); // (q̇, q̈): the flow's direction
        const h = 1e-5;
        const dE = (E(y.map((s, k) => s + h * v[k])) - E(y.map((s, k) => s - h * v[k]))) / (2 * h);
        const scale = Math.abs(E(y)) + Math.hypot(...v);
        expect(Math.abs(dE) / scale).toBeLessThan(1e-7);
      }
    });

    it(`${activation}: the gradient of a loss of q̈ in θ and in x matches central differences`, () => {
      const target = rng.fillNormal(new Float64Array(B * n));
      const loss = (th: Float64Array, xx: Float64Array) => lagrangianForward(th, xx, ws).subarray(0, B * n).reduce((s, v, k) => s + 0.5 * (v - target[k]) ** 2, 0);
      const grads = () => {
        const acc = lagrangianForward(theta, x, ws);
        const g = acc.slice(0, B * n).map((v, k) => v - target[k]);
        const gt = new Float64Array(theta.length), gx = new Float64Array(x.length);
        lagrangianBackward(theta, x, ws, g, gt, gx);
        return { gt, gx };
      };
      // Step 1e-5: entries of ~1e-3 next to entries of ~1 need it to clear rounding.
      expect(checkGradient((th) => loss(th, x), () => grads().gt, theta, { step: 1e-5 }).maxRelError).toBeLessThan(1e-6);
      expect(checkGradient((xx) => loss(theta, xx), () => grads().gx, x, { step: 1e-5 }).maxRelError).toBeLessThan(1e-6);
    });
  }
});
