// Data-parallel LSTM gradients: shares combine to the full-batch loss and gradient, and
// worker threads change nothing but the speed (the same bits with and without them).
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/cli/workers.js';
import { Rng } from '../../src/core/rng.js';
import type { Series } from '../../src/data/series.js';
import { getFamily } from '../../src/models/index.js';
import { LstmWorkspace, initLstm, lstmLayout, lstmLossAndGrad } from '../../src/nn/lstm.js';
import { LstmTeam, shareSizes, type WorkerPort, type LstmTeamInit } from '../../src/nn/lstm-team.js';

const shape = { input: 2, hidden: 6, output: 2 };
const B = 10, T = 12, BURN_IN = 3;
const { size } = lstmLayout(shape);

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

describe('LstmTeam', () => {
  it('splits a batch into near-equal shares, larger first, and checks the sizes it is given', () => {
    expect(shareSizes(64, 2)).toEqual([32, 32]);
    expect(shareSizes(64, 3)).toEqual([22, 21, 21]);
    expect(shareSizes(5, 5)).toEqual([1, 1, 1, 1, 1]);
    expect(() => shareSizes(4, 5)).toThrow(/shares must be an integer in \[1, batch = 4\]/);
    expect(() => shareSizes(4, 0)).toThrow(RangeError);
    const { theta, x, y } = batch(2);
    const team = new LstmTeam(shape, B, T, BURN_IN, size, 2);
    expect(() => team.lossAndGrad(theta, x.subarray(1), y, new Float64Array(size))).toThrow(/x has 239 entries and target 240; batch 10 × steps 12 needs 240 and 240/);
    expect(() => team.lossAndGrad(theta, x, y, new Float64Array(size - 1))).toThrow(/grad has/);
  });

  it('one share is exactly lstmLossAndGrad; several combine to the full-batch loss and gradient', () => {
    const { theta, x, y } = batch(1);
    const full = new Float64Array(size);
    const loss = lstmLossAndGrad(theta, x, y, new LstmWorkspace(shape, B, T, BURN_IN), full);
    const one = new Float64Array(size);
    expect(new LstmTeam(shape, B, T, BURN_IN, size, 1).lossAndGrad(theta, x, y, one)).toBe(loss);
    expect(one).toEqual(full);
    for (const shares of [2, 3, 10]) {
      const g = new Float64Array(size);
      const l = new LstmTeam(shape, B, T, BURN_IN, size, shares).lossAndGrad(theta, x, y, g);
      expect(Math.abs(l - loss)).toBeLessThan(1e-14 * loss);
      let worst = 0;
      const scale = Math.max(...full.map(Math.abs));
      for (let i = 0; i < size; i++) worst = Math.max(worst, Math.abs(g[i] - full[i]));
      expect(worst / scale).toBeLessThan(1e-13);
    }
  });

  it('worker threads give the same bits as this thread alone, step after step', async () => {
    for (const [shares, nWorkers] of [[2, 1], [3, 2], [3, 1]] as const) {
      const alone = new LstmTeam(shape, B, T, BURN_IN, size, shares);
      const team = new LstmTeam(shape, B, T, BURN_IN, size, shares, Array.from({ length: nWorkers }, shareWorker));
      expect(team.workers).toBe(nWorkers);
      for (let step = 0; step < 3; step++) {
        const { theta, x, y } = batch(10 + step); // new θ and data each step: nothing stale is reused
        const ga = new Float64Array(size), gt = new Float64Array(size);
        expect(team.lossAndGrad(theta, x, y, gt)).toBe(alone.lossAndGrad(theta, x, y, ga));
        expect(gt).toEqual(ga);
      }
      team.close();
    }
  }, 60_000);

  it('a released worker ends by itself; a failing worker makes the step throw instead of hanging', async () => {
    const w = shareWorker();
    const exited = new Promise<number>((resolve) => w.once('exit', resolve));
    const team = new LstmTeam(shape, B, T, BURN_IN, size, 2, [w]);
    const { theta, x, y } = batch(3);
    team.lossAndGrad(theta, x, y, new Float64Array(size));
    team.close();
    expect(await exited).toBe(0);
    expect(() => team.lossAndGrad(theta, x, y, new Float64Array(size))).toThrow(/used after close/);

    // A worker handed an impossible share (batch 0) fails while building its workspace.
    const bad = shareWorker();
    bad.on('error', () => {}); // its RangeError is expected
    const broken: WorkerPort = { postMessage: (m) => bad.postMessage({ ...(m as LstmTeamInit), batch: 0 }) };
    const team2 = new LstmTeam(shape, B, T, BURN_IN, size, 2, [broken]);
    expect(() => team2.lossAndGrad(theta, x, y, new Float64Array(size))).toThrow(/a worker thread failed/);
    team2.close();
  }, 60_000);
});

describe('the LSTM family with worker threads', () => {
  it('fits the same model, bit for bit, with and without a worker', async () => {
    const t = Float64Array.from({ length: 300 }, (_, i) => i * 0.05);
    const train: Series = { t, y: [Float64Array.from(t, (s) => Math.sin(1.3 * s) + 0.4 * Math.cos(2.2 * s))], names: ['y'] };
    const spec = { family: 'lstm', config: { hidden: 8, window: 20, batch: 16, maxSteps: 40, evalEvery: 10 } };
    const lstmFamily = getFamily('lstm');
    const alone = (await lstmFamily.fit(spec, train, { seed: 5 })).toJSON();
    const shared = (await lstmFamily.fit(spec, train, { seed: 5, workers: [shareWorker()] })).toJSON();
    expect(lstmFamily.workersFor!(spec.config)).toBe(1); // default shares: 2
    expect(shared.params).toEqual(alone.params);
  }, 60_000);
});
