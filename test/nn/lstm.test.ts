import { afterAll, describe, expect, it } from 'vitest';
import { checkGradient } from '../../src/core/gradcheck.js';
import { view } from '../../src/core/params.js';
import { Rng } from '../../src/core/rng.js';
import type { LstmBackend, LstmShape } from '../../src/nn/lstm.js';
import { LstmWorkspace, initLstm, lstmFinalState, lstmForward, lstmLayout, lstmLossAndGrad } from '../../src/nn/lstm.js';
import { LstmState, lstmStep } from '../../src/nn/lstm-step.js';

function setup(shape: LstmShape, B: number, T: number, burnIn: number, seed: number, backend: LstmBackend = 'auto') {
  const rng = new Rng(seed);
  const { layout, size } = lstmLayout(shape);
  const theta = new Float64Array(size);
  initLstm(shape, theta, rng);
  // Perturb every block (biases included) so no gradient is trivially zero.
  for (let k = 0; k < size; k++) theta[k] += rng.normal(0, 0.3);
  const x = rng.fillNormal(new Float64Array(B * T * shape.input));
  const target = rng.fillNormal(new Float64Array(B * T * shape.output));
  const ws = new LstmWorkspace(shape, B, T, burnIn, backend);
  return { layout, size, theta, x, target, ws };
}

/** Largest relative error per block, printed once for the record (and the report). */
const worstByBlock: Record<string, number> = {};

describe('LSTM kernel', () => {
  afterAll(() => console.log('gradient check, max relative error per block:', JSON.stringify(Object.fromEntries(Object.entries(worstByBlock).map(([k, v]) => [k, Number(v.toExponential(2))])))));

  it('layout is Wx [4H×I], Wh [4H×H], b [4H], Wout [O×H], bout [O]', () => {
    const { layout, size } = lstmLayout({ input: 2, hidden: 3, output: 4 });
    expect(layout.map((b) => [b.name, b.shape])).toEqual([['Wx', [12, 2]], ['Wh', [12, 3]], ['b', [12]], ['Wout', [4, 3]], ['bout', [4]]]);
    expect(size).toBe(24 + 36 + 12 + 12 + 4);
  });

  it('initialisation: orthogonal recurrent blocks, forget-gate bias 1, other biases 0', () => {
    const shape = { input: 1, hidden: 6, output: 1 };
    const { layout, size } = lstmLayout(shape);
    const theta = new Float64Array(size);
    initLstm(shape, theta, new Rng(3));
    const wh = view(theta, layout, 'Wh');
    const H = 6;
    for (let gate = 0; gate < 4; gate++) {
      for (let r = 0; r < H; r++) {
        for (let p = 0; p < H; p++) {
          let d = 0;
          for (let k = 0; k < H; k++) d += wh[gate * H * H + r * H + k] * wh[gate * H * H + p * H + k];
          expect(Math.abs(d - (r === p ? 1 : 0))).toBeLessThan(1e-12);
        }
      }
    }
    expect(Array.from(view(theta, layout, 'b'))).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, ...new Array(12).fill(0)]);
  });

  // Odd sizes exercise every remainder path of the blocked products.
  // The last case starts from a nonzero initial state (stateful windows): θ's gradient then
  // reads it at the first step, and nothing flows back into it.
  const cases: { shape: LstmShape; B: number; T: number; burnIn: number; withState?: boolean }[] = [
    { shape: { input: 2, hidden: 3, output: 2 }, B: 3, T: 6, burnIn: 2 },
    { shape: { input: 1, hidden: 5, output: 1 }, B: 2, T: 7, burnIn: 0 },
    { shape: { input: 3, hidden: 4, output: 3 }, B: 5, T: 4, burnIn: 1 },
    { shape: { input: 2, hidden: 5, output: 2 }, B: 3, T: 4, burnIn: 0, withState: true },
  ];
  for (const { shape, B, T, burnIn, withState } of cases) for (const backend of ['js', 'wasm'] as const) {
    it(`backward through time matches central differences in every block (${backend}; I=${shape.input}, H=${shape.hidden}, O=${shape.output}, B=${B}, T=${T}, burnIn=${burnIn}${withState ? ', nonzero initial state' : ''})`, () => {
      const { layout, theta, x, target, ws } = setup(shape, B, T, burnIn, 7 + shape.hidden, backend);
      expect(ws.backend).toBe(backend);
      const state = withState ? new Rng(5).fillNormal(new Float64Array(B * 2 * shape.hidden)).map((v) => 0.8 * v) : undefined;
      const grad = new Float64Array(theta.length);
      const res = checkGradient(
        (th) => lstmLossAndGrad(th, x, target, ws, new Float64Array(th.length), state),
        (th) => { lstmLossAndGrad(th, x, target, ws, grad, state); return grad; },
        theta,
        // Central differences with h = 1e-4: truncation error O(h²) ≈ 1e-8 relative, while
        // h = 1e-6 would drown gradients of size 1e-5 in round-off (ε·loss/h ≈ 1e-10).
        { step: 1e-4 },
      );
      for (const blk of layout) {
        let worst = 0, norm = 0;
        const n = blk.shape.reduce((a, b) => a * b, 1);
        for (let k = blk.offset; k < blk.offset + n; k++) {
          const a = res.analytic[k], f = res.numeric[k];
          worst = Math.max(worst, Math.abs(a - f) / Math.max(Math.abs(a), Math.abs(f), 1e-8));
          norm += a * a;
        }
        expect(worst, `block ${blk.name}`).toBeLessThan(1e-6);
        worstByBlock[`${backend} ${shape.input}/${shape.hidden}/${shape.output} ${blk.name}`] = worst;
        expect(norm, `block ${blk.name} has a non-zero gradient`).toBeGreaterThan(1e-12);
      }
    });
  }

  for (const [backend, precision] of [['js', 'float64'], ['wasm', 'float64'], ['wasm', 'float32']] as const) {
    it(`two consecutive windows, the second from the first's final state, predict as one long window (${backend}, ${precision})`, () => {
      const shape = { input: 2, hidden: 5, output: 2 }, B = 3, T1 = 4, T2 = 6, T = T1 + T2, I = shape.input, O = shape.output;
      const { theta, x } = setup(shape, B, T, 0, 21, backend);
      const long = new LstmWorkspace(shape, B, T, 0, backend, precision);
      lstmForward(theta, x, long);
      const part = (from: number, len: number) => {
        const xs = new Float64Array(B * len * I);
        for (let b = 0; b < B; b++) xs.set(x.subarray((b * T + from) * I, (b * T + from + len) * I), b * len * I);
        return xs;
      };
      const first = new LstmWorkspace(shape, B, T1, 0, backend, precision), second = new LstmWorkspace(shape, B, T2, 0, backend, precision);
      const state = new Float64Array(B * 2 * shape.hidden);
      lstmForward(theta, part(0, T1), first);
      lstmFinalState(first, state);
      expect(Math.max(...state.map(Math.abs))).toBeGreaterThan(0.01);
      lstmForward(theta, part(T1, T2), second, state);
      const fresh = new LstmWorkspace(shape, B, T2, 0, backend, precision);
      lstmForward(theta, part(T1, T2), fresh);
      let worst = 0, zeroStart = 0;
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < T1 * O; k++) worst = Math.max(worst, Math.abs(first.pred[b * T1 * O + k] - long.pred[b * T * O + k]));
        for (let k = 0; k < T2 * O; k++) {
          worst = Math.max(worst, Math.abs(second.pred[b * T2 * O + k] - long.pred[(b * T + T1) * O + k]));
          zeroStart = Math.max(zeroStart, Math.abs(fresh.pred[b * T2 * O + k] - long.pred[(b * T + T1) * O + k]));
        }
      }
      expect(worst).toBe(0);
      // Without the carried state the second window's predictions differ: the check can fail.
      expect(zeroStart).toBeGreaterThan(1e-3);
    });
  }

  it('loss is the mean squared error over positions ≥ burnIn (positions before it do not matter)', () => {
    const shape = { input: 1, hidden: 4, output: 2 };
    const { theta, x, target, ws } = setup(shape, 2, 5, 2, 11);
    const grad = new Float64Array(theta.length);
    const loss = lstmLossAndGrad(theta, x, target, ws, grad);
    let s = 0;
    for (let b = 0; b < 2; b++) for (let t = 2; t < 5; t++) for (let o = 0; o < 2; o++) s += (ws.pred[(b * 5 + t) * 2 + o] - target[(b * 5 + t) * 2 + o]) ** 2;
    expect(loss).toBeCloseTo(s / (2 * 3 * 2), 14);
    const t2 = Float64Array.from(target);
    t2[0] += 5; // position 0 of sequence 0: burnt in
    expect(lstmLossAndGrad(theta, x, t2, ws, new Float64Array(theta.length))).toBe(loss);
  });

  it('lstmStep from the zero state reproduces the forward pass step by step', () => {
    const shape = { input: 2, hidden: 7, output: 3 };
    const B = 3, T = 9;
    const { theta, x, ws } = setup(shape, B, T, 0, 5);
    lstmForward(theta, x, ws);
    const st = new LstmState(shape, B);
    const xt = new Float64Array(B * 2), y = new Float64Array(B * 3);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) for (let k = 0; k < 2; k++) xt[b * 2 + k] = x[(b * T + t) * 2 + k];
      lstmStep(theta, st, xt, y);
      for (let b = 0; b < B; b++) for (let o = 0; o < 3; o++) expect(Math.abs(y[b * 3 + o] - ws.pred[(b * T + t) * 3 + o])).toBeLessThan(1e-13);
    }
  });

  it('rejects a burn-in that leaves no position in the loss', () => {
    expect(() => new LstmWorkspace({ input: 1, hidden: 2, output: 1 }, 1, 3, 3)).toThrow(/burnIn/);
  });
});
