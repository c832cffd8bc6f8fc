import { describe, expect, it } from 'vitest';
import { checkGradient } from '../../src/core/gradcheck.js';
import { Rng } from '../../src/core/rng.js';
import { LoopWorkspace, type CellKind, type LoopBackend, type LoopShape } from '../../src/nn/closed-loop.js';
import { lstmCell } from '../../src/nn/closed-loop-lstm.js';
import { gruCell, gruLayout } from '../../src/nn/gru.js';
import { loopKernel } from '../../src/nn/kernels.js';
import { LstmWorkspace, lstmLossAndGrad } from '../../src/nn/lstm.js';
import { Team } from '../../src/nn/team.js';
import { wasmSimdAvailable } from '../../src/nn/wasm/heap.js';

const backends: ('js' | 'wasm')[] = wasmSimdAvailable() ? ['js', 'wasm'] : ['js'];

type FeedMode = 'teacher' | 'rollout' | 'mixed' | 'ragged';

function setup(kind: CellKind, shape: LoopShape, B: number, T: number, seed: number, mode: FeedMode) {
  const rng = new Rng(seed);
  const { layout, size } = kind.layout(shape);
  const theta = new Float64Array(size);
  kind.init(shape, theta, rng);
  for (let k = 0; k < size; k++) theta[k] += rng.normal(0, 0.3);
  const x = rng.fillNormal(new Float64Array(B * T * shape.channels));
  const target = rng.fillNormal(new Float64Array(B * T * shape.channels));
  const feed = new Float64Array(B * T);
  for (let b = 0; b < B; b++) {
    // 'ragged': rollouts whose sequences end (−1) at different lengths, the last one not at all.
    const end = mode === 'ragged' && b < B - 1 ? T - 1 - b : T;
    for (let t = 0; t < T; t++) feed[b * T + t] = t >= end ? -1 : mode === 'teacher' ? 1 : mode === 'mixed' ? rng.int(2) : t < 2 ? 1 : 0;
  }
  return { layout, theta, x, target, feed };
}

describe('closed-loop recurrent kernels (GRU, LSTM)', () => {
  it('GRU layout is Wx [3H×C], Wh [3H×H], bx [3H], bh [3H], Wout [C×H], bout [C]', () => {
    const { layout, size } = gruLayout({ channels: 2, hidden: 3 });
    expect(layout.map((b) => [b.name, b.shape])).toEqual([['Wx', [9, 2]], ['Wh', [9, 3]], ['bx', [9]], ['bh', [9]], ['Wout', [2, 3]], ['bout', [2]]]);
    expect(size).toBe(18 + 27 + 9 + 9 + 6 + 2);
  });

  // Odd sizes reach the GEMMs' remainder paths; the rollout and mixed masks send gradients
  // back through fed predictions, `increments` through the residual readout too, and
  // `incrementFrom` (channels 0 and 1 from input 2, channel 2 from input 0: two increments
  // share one input, one channel is the base of none) to other inputs than their own.
  const cases = [
    { shape: { channels: 1, hidden: 5 }, B: 3, T: 7, burnIn: 1, from: null },
    { shape: { channels: 3, hidden: 4 }, B: 2, T: 6, burnIn: 0, from: null },
    { shape: { channels: 3, hidden: 4 }, B: 2, T: 6, burnIn: 0, from: [2, 2, 0] },
    // From a nonzero initial state (stateful windows): no gradient flows into it.
    { shape: { channels: 2, hidden: 3 }, B: 2, T: 5, burnIn: 0, from: null, withState: true },
  ];
  for (const backend of backends) for (const kind of [gruCell, lstmCell]) for (const { shape, B, T, burnIn, from, withState } of cases) for (const mode of ['teacher', 'rollout', 'mixed', 'ragged'] as const) for (const increments of from ? [[0.3, 2, 0.7]] : [null, [0.3, 2, 0.7]]) {
    it(`${kind.name} (${backend}): backward through the ${mode} loop matches central differences in every block (C=${shape.channels}, H=${shape.hidden}, B=${B}, T=${T}, increments ${increments ? 'scaled' : 'none'}${from ? ` from inputs ${from.join(',')}` : ''}${withState ? ', nonzero initial state' : ''})`, () => {
      const { layout, theta, x, target, feed } = setup(kind, shape, B, T, 3 + shape.hidden + B, mode);
      const ws = new LoopWorkspace(kind, shape, B, T, burnIn, increments && increments.slice(0, shape.channels), from, backend);
      expect(ws.backend).toBe(backend);
      const state = withState ? new Rng(4).fillNormal(new Float64Array(B * kind.stateWidth(shape))).map((v) => 0.8 * v) : undefined;
      const grad = new Float64Array(theta.length);
      const res = checkGradient(
        (th) => ws.lossAndGrad(th, x, target, feed, new Float64Array(th.length), state),
        (th) => { ws.lossAndGrad(th, x, target, feed, grad, state); return grad; },
        theta,
        { step: 1e-4 },
      );
      for (const blk of layout) {
        let worst = 0, norm = 0, big = 0;
        const n = blk.shape.reduce((a, b) => a * b, 1);
        for (let k = blk.offset; k < blk.offset + n; k++) big = Math.max(big, Math.abs(res.analytic[k]));
        // Relative per entry, with a floor of 1e-3 of the block's largest entry: the
        // differences' round-off (ε·loss/h) swamps entries far below the block's scale.
        for (let k = blk.offset; k < blk.offset + n; k++) {
          const a = res.analytic[k], f = res.numeric[k];
          worst = Math.max(worst, Math.abs(a - f) / Math.max(Math.abs(a), Math.abs(f), 1e-3 * big, 1e-8));
          norm += a * a;
        }
        // Central differences leave ~1e-6 (truncation at h = 1e-4 through long feedback chains); a wrong term leaves O(1).
        expect(worst, `block ${blk.name}`).toBeLessThan(1e-5);
        expect(norm, `block ${blk.name} has a non-zero gradient`).toBeGreaterThan(1e-12);
      }
    });
  }

  for (const kind of [gruCell, lstmCell]) {
    it(`${kind.name}: two consecutive windows, the second from the first's final state, predict as one long window (increments on)`, () => {
      const shape = { channels: 2, hidden: 4 }, B = 3, T1 = 4, T2 = 5, T = T1 + T2, C = shape.channels, inc = [0.5, 1.5];
      const { theta, x } = setup(kind, shape, B, T, 17, 'teacher');
      const run = (from: number, len: number, state?: Float64Array) => {
        const xs = new Float64Array(B * len * C);
        for (let b = 0; b < B; b++) xs.set(x.subarray((b * T + from) * C, (b * T + from + len) * C), b * len * C);
        const ws = new LoopWorkspace(kind, shape, B, len, 0, inc);
        ws.forward(theta, xs, new Float64Array(B * len).fill(1), state);
        return ws;
      };
      const long = run(0, T), first = run(0, T1);
      const state = new Float64Array(B * kind.stateWidth(shape));
      first.finalState(state);
      const second = run(T1, T2, state), fresh = run(T1, T2);
      let worst = 0, zeroStart = 0;
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < T1 * C; k++) worst = Math.max(worst, Math.abs(first.pred[b * T1 * C + k] - long.pred[b * T * C + k]));
        for (let k = 0; k < T2 * C; k++) {
          worst = Math.max(worst, Math.abs(second.pred[b * T2 * C + k] - long.pred[(b * T + T1) * C + k]));
          zeroStart = Math.max(zeroStart, Math.abs(fresh.pred[b * T2 * C + k] - long.pred[(b * T + T1) * C + k]));
        }
      }
      expect(worst).toBe(0);
      expect(zeroStart).toBeGreaterThan(1e-3);
    });
  }

  it('a fed-back position uses the previous prediction, not the observed sample', () => {
    const shape = { channels: 2, hidden: 4 };
    const { theta, x, target, feed } = setup(gruCell, shape, 2, 5, 9, 'rollout');
    const ws = new LoopWorkspace(gruCell, shape, 2, 5, 0);
    const loss = ws.lossAndGrad(theta, x, target, feed, new Float64Array(theta.length));
    const x2 = Float64Array.from(x);
    for (let b = 0; b < 2; b++) for (let t = 2; t < 5; t++) for (let c = 0; c < 2; c++) x2[(b * 5 + t) * 2 + c] += 10;
    expect(ws.lossAndGrad(theta, x2, target, feed, new Float64Array(theta.length))).toBe(loss);
    x2[0] += 1e-3; // the warm-up input does matter
    expect(ws.lossAndGrad(theta, x2, target, feed, new Float64Array(theta.length))).not.toBe(loss);
  });

  it('incrementFrom: each prediction is its input channel plus the scaled readout (checked against the readout with increments off); bad maps are refused', () => {
    const shape = { channels: 3, hidden: 4 };
    const { theta, x, feed } = setup(lstmCell, shape, 2, 5, 17, 'rollout');
    const scale = [0.3, 2, 0.7], from = [2, 2, 0];
    const plain = new LoopWorkspace(lstmCell, shape, 2, 5, 0);
    const inc = new LoopWorkspace(lstmCell, shape, 2, 5, 0, scale, from);
    // Teacher-forced, the hidden states see the same inputs, so the readouts agree.
    const teacher = new Float64Array(feed.length).fill(1);
    plain.forward(theta, x, teacher);
    inc.forward(theta, x, teacher);
    // Without increments the prediction is the readout Wout·h + bout itself.
    for (let b = 0; b < 2; b++) for (let t = 0; t < 5; t++) for (let c = 0; c < 3; c++) {
      const p = (b * 5 + t) * 3;
      expect(Math.abs(inc.pred[p + c] - (x[p + from[c]] + scale[c] * plain.pred[p + c]))).toBeLessThan(1e-12);
    }
    expect(() => new LoopWorkspace(lstmCell, shape, 2, 5, 0, scale, [0, 3, 1])).toThrow(/incrementFrom/);
    expect(() => new LoopWorkspace(lstmCell, shape, 2, 5, 0, scale, [0, 1])).toThrow(/incrementFrom/);
  });

  for (const backend of backends) it(`positions past a sequence’s end (feed −1) are neither computed nor in the loss: a shorter workspace gives the same loss and gradient (${backend})`, () => {
    const shape = { channels: 2, hidden: 5 };
    const B = 3, T = 9, short = 6;
    const { theta, x, target, feed } = setup(lstmCell, shape, B, T, 21, 'rollout');
    const cut = (a: Float64Array, w: number) => {
      const out = new Float64Array(B * short * w);
      for (let b = 0; b < B; b++) out.set(a.subarray(b * T * w, (b * T + short) * w), b * short * w);
      return out;
    };
    const ended = Float64Array.from(feed, (v, i) => (i % T >= short ? -1 : v));
    const g1 = new Float64Array(theta.length), g2 = new Float64Array(theta.length);
    const long = new LoopWorkspace(lstmCell, shape, B, T, 1, [0.5, 2], null, backend);
    const l1 = long.lossAndGrad(theta, x, target, ended, g1);
    const l2 = new LoopWorkspace(lstmCell, shape, B, short, 1, [0.5, 2], null, backend).lossAndGrad(theta, cut(x, 2), cut(target, 2), cut(feed, 1), g2);
    expect(l1).toBe(l2);
    expect(Array.from(g1)).toEqual(Array.from(g2));
  });

  it('the LSTM cell teacher-forced gives the teacher-forced kernel’s predictions, loss and gradient (same θ layout)', () => {
    const shape = { channels: 2, hidden: 6 };
    const B = 3, T = 8, burnIn = 2;
    const { theta, x, target, feed } = setup(lstmCell, shape, B, T, 4, 'teacher');
    const loop = new LoopWorkspace(lstmCell, shape, B, T, burnIn);
    const g1 = new Float64Array(theta.length), g2 = new Float64Array(theta.length);
    const l1 = loop.lossAndGrad(theta, x, target, feed, g1);
    const tf = new LstmWorkspace({ input: 2, hidden: 6, output: 2 }, B, T, burnIn, 'js');
    const l2 = lstmLossAndGrad(theta, x, target, tf, g2);
    expect(Math.abs(l1 - l2)).toBeLessThan(1e-13 * l2);
    for (let i = 0; i < loop.pred.length; i++) expect(Math.abs(loop.pred[i] - tf.pred[i])).toBeLessThan(1e-12);
    for (let i = 0; i < g1.length; i++) expect(Math.abs(g1[i] - g2[i])).toBeLessThan(1e-12 * (1 + Math.abs(g2[i])));
  });

  for (const backend of backends) it(`the team splits a closed-loop batch into shares that combine to the full-batch loss and gradient (${backend})`, () => {
    const shape = { channels: 2, hidden: 3 };
    const B = 5, T = 6;
    const spec = { cell: 'gru' as const, shape, steps: T, burnIn: 1, increments: [0.5, 1.5], backend };
    const { theta, x, target, feed } = setup(gruCell, shape, B, T, 12, 'mixed');
    const full = new LoopWorkspace(gruCell, shape, B, T, 1, [0.5, 1.5], null, backend);
    const g1 = new Float64Array(theta.length), g2 = new Float64Array(theta.length);
    const l1 = full.lossAndGrad(theta, x, target, feed, g1);
    const team = new Team(loopKernel, spec, B, 2);
    const l2 = team.lossAndGrad(theta, [x, target, feed], g2);
    expect(Math.abs(l1 - l2)).toBeLessThan(1e-13 * l1);
    for (let i = 0; i < g1.length; i++) expect(Math.abs(g1[i] - g2[i])).toBeLessThan(1e-12 * (1 + Math.abs(g1[i])));
  });

  // The backends sum the products in different orders (SIMD lanes along k or n), so they
  // agree to rounding; each is deterministic, so a fresh workspace repeats its bits.
  for (const kind of [gruCell, lstmCell]) it(`${kind.name}: the wasm and TypeScript backends agree to rounding, each repeating its own bits`, () => {
    if (!wasmSimdAvailable()) return;
    const shape = { channels: 3, hidden: 7 };
    const B = 5, T = 9;
    const { theta, x, target, feed } = setup(kind, shape, B, T, 31, 'mixed');
    const run = (backend: LoopBackend) => {
      const ws = new LoopWorkspace(kind, shape, B, T, 1, [0.3, 2, 0.7], [2, 2, 0], backend);
      const grad = new Float64Array(theta.length);
      const loss = ws.lossAndGrad(theta, x, target, feed, grad);
      return { loss, grad, pred: Float64Array.from(ws.pred) };
    };
    const js = run('js'), wasm = run('wasm'), again = run('wasm');
    expect(again.loss).toBe(wasm.loss);
    expect(Array.from(again.grad)).toEqual(Array.from(wasm.grad));
    expect(Math.abs(js.loss - wasm.loss)).toBeLessThan(1e-13 * js.loss);
    const gmax = Math.max(...js.grad.map(Math.abs));
    for (let i = 0; i < js.grad.length; i++) expect(Math.abs(js.grad[i] - wasm.grad[i])).toBeLessThan(1e-12 * gmax);
    for (let i = 0; i < js.pred.length; i++) expect(Math.abs(js.pred[i] - wasm.pred[i])).toBeLessThan(1e-12 * (1 + Math.abs(js.pred[i])));
    expect(js.grad.some((g, i) => g !== wasm.grad[i]), 'the wasm backend ran (its summation order differs somewhere)').toBe(true);
  });
});
