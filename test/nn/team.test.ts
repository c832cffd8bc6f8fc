// Data-parallel gradients over a registered kernel (the LSTM's): shares combine to the
// full-batch loss and gradient, and worker threads change nothing but the speed (the same
// bits with and without them); likewise for the closed-loop kernel on either backend.
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/cli/workers.js';
import { Rng } from '../../src/core/rng.js';
import type { Series } from '../../src/data/series.js';
import { getFamily } from '../../src/models/index.js';
import { LstmWorkspace, initLstm, lstmLayout, lstmLossAndGrad } from '../../src/nn/lstm.js';
import { cellKinds, getKernel, kernelNames, loopKernel, lstmKernel } from '../../src/nn/kernels.js';
import { wasmSimdAvailable } from '../../src/nn/wasm/heap.js';
import { Team, shareSizes, type TeamInit, type TeamKernel, type WorkerPort } from '../../src/nn/team.js';

const shape = { input: 2, hidden: 6, output: 2 };
const B = 10, T = 12, BURN_IN = 3;
const { size } = lstmLayout(shape);
const spec = { shape, steps: T, burnIn: BURN_IN };
const lstmTeam = (shares: number, w: readonly WorkerPort[] = [], precision: 'float32' | 'float64' = 'float64') => new Team(lstmKernel, { ...spec, precision }, B, shares, w);

function batch(seed: number) {
  const rng = new Rng(seed);
  const theta = new Float64Array(size);
  initLstm(shape, theta, rng);
  return { theta, x: rng.fillNormal(new Float64Array(B * T * shape.input)), y: rng.fillNormal(new Float64Array(B * T * shape.output)) };
}

const workers: Worker[] = [];
function shareWorker(): Worker {
  const w = startWorker('share-worker');
  workers.push(w);
  return w;
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

describe('Team over the LSTM kernel', () => {
  it('splits a batch into near-equal shares, larger first, and checks the sizes it is given', () => {
    expect(shareSizes(64, 2)).toEqual([32, 32]);
    expect(shareSizes(64, 3)).toEqual([22, 21, 21]);
    expect(shareSizes(5, 5)).toEqual([1, 1, 1, 1, 1]);
    expect(() => shareSizes(4, 5)).toThrow(/shares must be an integer in \[1, batch = 4\]/);
    expect(() => shareSizes(4, 0)).toThrow(RangeError);
    const { theta, x, y } = batch(2);
    const team = lstmTeam(2);
    expect(() => team.lossAndGrad(theta, [x.subarray(1), y], new Float64Array(size))).toThrow(/input 0 has 239 entries; batch 10 × 24 per sample needs 240/);
    expect(() => team.lossAndGrad(theta, [x, y], new Float64Array(size - 1))).toThrow(/grad has/);
  });

  it('one share is exactly lstmLossAndGrad; several combine to the full-batch loss and gradient', () => {
    const { theta, x, y } = batch(1);
    const full = new Float64Array(size);
    const loss = lstmLossAndGrad(theta, x, y, new LstmWorkspace(shape, B, T, BURN_IN), full);
    const one = new Float64Array(size);
    expect(lstmTeam(1).lossAndGrad(theta, [x, y], one)).toBe(loss);
    expect(one).toEqual(full);
    for (const shares of [2, 3, 10]) {
      const g = new Float64Array(size);
      const l = lstmTeam(shares).lossAndGrad(theta, [x, y], g);
      expect(Math.abs(l - loss)).toBeLessThan(1e-14 * loss);
      let worst = 0;
      const scale = Math.max(...full.map(Math.abs));
      for (let i = 0; i < size; i++) worst = Math.max(worst, Math.abs(g[i] - full[i]));
      expect(worst / scale).toBeLessThan(1e-13);
    }
  });

  it('worker threads give the same bits as this thread alone, step after step, in float64 and float32', async () => {
    for (const [shares, nWorkers, precision] of [[2, 1, 'float64'], [3, 2, 'float64'], [3, 1, 'float64'], [2, 1, 'float32'], [3, 2, 'float32']] as const) {
      const alone = lstmTeam(shares, [], precision);
      const team = lstmTeam(shares, Array.from({ length: nWorkers }, shareWorker), precision);
      expect(team.workers).toBe(nWorkers);
      for (let step = 0; step < 3; step++) {
        const { theta, x, y } = batch(10 + step); // new θ and data each step: nothing stale is reused
        const ga = new Float64Array(size), gt = new Float64Array(size);
        expect(team.lossAndGrad(theta, [x, y], gt)).toBe(alone.lossAndGrad(theta, [x, y], ga));
        expect(gt).toEqual(ga);
      }
      team.close();
    }
  }, 60_000);

  it('stateful: the final state of each lane comes back from the worker threads, the same bits as this thread alone and as one share', async () => {
    const stateful = (shares: number, w: readonly WorkerPort[] = []) => new Team(lstmKernel, { ...spec, stateful: true }, B, shares, w);
    const one = stateful(1), alone = stateful(3), team = stateful(3, [shareWorker(), shareWorker()]);
    const s1 = new Float64Array(B * 2 * shape.hidden), sa = new Float64Array(s1.length), st = new Float64Array(s1.length);
    for (let step = 0; step < 3; step++) {
      const { theta, x, y } = batch(20 + step);
      const g1 = new Float64Array(size), ga = new Float64Array(size), gt = new Float64Array(size);
      one.lossAndGrad(theta, [x, y, s1], g1);
      expect(team.lossAndGrad(theta, [x, y, st], gt)).toBe(alone.lossAndGrad(theta, [x, y, sa], ga));
      expect(gt).toEqual(ga);
      // Lanes in every share carried their state on (the last share is a worker's), bit for bit as one share does.
      expect(sa).toEqual(s1);
      expect(st).toEqual(sa);
      expect(Math.min(...Array.from({ length: B }, (_, b) => Math.abs(st[(2 * b + 1) * shape.hidden])))).toBeGreaterThan(0);
    }
    team.close();
  }, 60_000);

  it('a released worker ends by itself; a failing worker makes the step throw instead of hanging', async () => {
    const w = shareWorker();
    const exited = new Promise<number>((resolve) => w.once('exit', resolve));
    const team = lstmTeam(2, [w]);
    const { theta, x, y } = batch(3);
    team.lossAndGrad(theta, [x, y], new Float64Array(size));
    team.close();
    expect(await exited).toBe(0);
    expect(() => team.lossAndGrad(theta, [x, y], new Float64Array(size))).toThrow(/used after close/);

    // A worker handed an impossible share (batch 0) fails while building its workspace.
    const bad = shareWorker();
    bad.on('error', () => {}); // its RangeError is expected
    const broken: WorkerPort = { postMessage: (m) => bad.postMessage({ ...(m as TeamInit), batch: 0 }) };
    const team2 = lstmTeam(2, [broken]);
    expect(() => team2.lossAndGrad(theta, [x, y], new Float64Array(size))).toThrow(/a worker thread failed/);
    team2.close();
  }, 60_000);
});

/** Least squares ½·mean (a·x_i + b − y_i)² over samples (x_i, y_i): a second kernel, not the LSTM's. */
const lineKernel: TeamKernel<{ scale: number }> = {
  name: 'line',
  size: () => 2,
  widths: () => [1, 1],
  create: ({ scale }, batch) => (theta, [x, y], grad) => {
    let loss = 0;
    grad.fill(0);
    for (let i = 0; i < batch; i++) {
      const r = theta[0] * x[i] + theta[1] - y[i];
      loss += (scale * r * r) / 2;
      grad[0] += scale * r * x[i];
      grad[1] += scale * r;
    }
    grad[0] /= batch;
    grad[1] /= batch;
    return loss / batch;
  },
};

describe('Team over any kernel', () => {
  it('combines the shares of another kernel to its closed-form full-batch loss and gradient', () => {
    const x = Float64Array.from({ length: 7 }, (_, i) => i);
    const y = Float64Array.from(x, (v) => 2 * v - 1 + (v % 2 ? 0.5 : -0.5));
    const theta = Float64Array.of(1.5, 0.25);
    // By hand: residuals r_i = 1.5 x_i + 0.25 − y_i; loss = mean r²/2, ∇ = (mean r x, mean r).
    const r = Array.from(x, (v, i) => 1.5 * v + 0.25 - y[i]);
    const loss = r.reduce((a, v) => a + v * v, 0) / 14;
    const g0 = r.reduce((a, v, i) => a + v * x[i], 0) / 7, g1 = r.reduce((a, v) => a + v, 0) / 7;
    for (const shares of [1, 2, 3, 7]) {
      const g = new Float64Array(2);
      const team = new Team(lineKernel, { scale: 1 }, 7, shares);
      expect(team.lossAndGrad(theta, [x, y], g)).toBeCloseTo(loss, 13);
      expect(g[0]).toBeCloseTo(g0, 13);
      expect(g[1]).toBeCloseTo(g1, 13);
    }
    expect(() => new Team(lineKernel, { scale: 1 }, 7, 2).lossAndGrad(theta, [x], new Float64Array(2))).toThrow(/got 1 inputs; the kernel takes 2/);
  });

  it('workers find kernels by name: the registry knows the LSTM, names the known ones, and an unknown name fails the step', async () => {
    expect(kernelNames()).toContain('lstm');
    expect(getKernel('lstm')).toBe(lstmKernel);
    expect(() => getKernel('gru')).toThrow(/no data-parallel kernel named "gru"; known: lstm/);
    // A kernel the worker does not know: its first step fails, and the host throws instead of hanging.
    const w = shareWorker();
    w.on('error', () => {}); // its Error is expected
    const team = new Team(lineKernel, { scale: 1 }, 4, 2, [w]);
    expect(() => team.lossAndGrad(Float64Array.of(1, 0), [new Float64Array(4), new Float64Array(4)], new Float64Array(2))).toThrow(/Team\(line\): a worker thread failed/);
    team.close();
  }, 60_000);
});

describe('Team over the closed-loop kernel', () => {
  it('worker threads give the same bits as this thread alone for either cell, on either backend', async () => {
    const C = 2, H = 5, Bl = 6, Tl = 8;
    for (const cell of ['lstm', 'gru'] as const) for (const backend of wasmSimdAvailable() ? ['js', 'wasm'] as const : ['js'] as const) {
      const loopSpec = { cell, shape: { channels: C, hidden: H }, steps: Tl, burnIn: 1, increments: [0.5, 2], backend };
      const rng = new Rng(7);
      const theta = new Float64Array(cellKinds[cell].layout(loopSpec.shape).size);
      cellKinds[cell].init(loopSpec.shape, theta, rng);
      const x = rng.fillNormal(new Float64Array(Bl * Tl * C)), y = rng.fillNormal(new Float64Array(Bl * Tl * C));
      const feed = Float64Array.from({ length: Bl * Tl }, (_, i) => (i % Tl < 3 ? 1 : 0));
      const alone = new Team(loopKernel, loopSpec, Bl, 3);
      const team = new Team(loopKernel, loopSpec, Bl, 3, [shareWorker(), shareWorker()]);
      const ga = new Float64Array(theta.length), gt = new Float64Array(theta.length);
      expect(team.lossAndGrad(theta, [x, y, feed], gt), `${cell} ${backend}`).toBe(alone.lossAndGrad(theta, [x, y, feed], ga));
      expect(gt).toEqual(ga);
      team.close();
    }
  }, 60_000);
});

describe('the LSTM family with worker threads', () => {
  it('fits the same model, bit for bit, with and without a worker (stateful windows too)', async () => {
    const t = Float64Array.from({ length: 300 }, (_, i) => i * 0.05);
    const train: Series = { t, y: [Float64Array.from(t, (s) => Math.sin(1.3 * s) + 0.4 * Math.cos(2.2 * s))], names: ['y'] };
    const spec = { family: 'lstm', config: { hidden: 8, window: 20, batch: 16, maxSteps: 40, evalEvery: 10 } };
    const lstmFamily = getFamily('lstm');
    expect(lstmFamily.workersFor!(spec.config)).toBe(1); // default shares: 2
    // Stateful windows through the fused kernel, then through the closed-loop one (increments).
    for (const extra of [{}, { stateful: true }, { stateful: true, increments: true }]) {
      const s = { ...spec, config: { ...spec.config, ...extra } };
      const alone = (await lstmFamily.fit(s, train, { seed: 5 })).toJSON();
      const shared = (await lstmFamily.fit(s, train, { seed: 5, workers: [shareWorker()] })).toJSON();
      expect(shared.params).toEqual(alone.params);
    }
  }, 60_000);
});
