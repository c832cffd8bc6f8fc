/**
 * One training step of the rollout-trained LSTM at the architectures scenario's recipe
 * (src/eval/scenarios/architectures.ts: blocks of 10 samples, hidden 32, batch 32, a warm-up
 * of 10 blocks then a free run of 89, increments from the last sample seen, loss from block
 * 2 on): forward through the free run, backpropagation through it and an Adam step, lawful's
 * closed-loop kernel (src/nn/closed-loop.ts with the LSTM cell, float64, 1 thread; its
 * WebAssembly SIMD backend, and the TypeScript one beside it for the ratio) against PyTorch's LSTMCell unrolled through the same free run with autograd
 * (peer_rollout_torch.py, float64, 1 and 2 threads), measured in the same run. The peer's
 * loss and gradient at the shared weights are compared with lawful's first.
 *
 *   npx tsx bench/lstm/rollout.ts [--reps 20] [--no-torch]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Adam } from '../../src/core/optim/adam.js';
import { paramsToJSON } from '../../src/core/params.js';
import { Rng } from '../../src/core/rng.js';
import { lstmCell } from '../../src/nn/closed-loop-lstm.js';
import { LoopWorkspace } from '../../src/nn/closed-loop.js';
import { median, runStepPeer, sameComputation, timeRuns, writeResult, type SummaryRow } from '../common.js';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] || 20) || 20;
const withTorch = !args.includes('--no-torch');

const C = 10, H = 32, B = 32, WINDOW = 10, HORIZON = 89, BURN_IN = 2, T = WINDOW + HORIZON;
const shape = { channels: C, hidden: H };
const rng = new Rng(0);
const { layout, size } = lstmCell.layout(shape);
const theta = new Float64Array(size);
lstmCell.init(shape, theta, rng);
const x = rng.fillNormal(new Float64Array(B * T * C));
const target = rng.fillNormal(new Float64Array(B * T * C));
const feed = Float64Array.from({ length: B * T }, (_, i) => (i % T < WINDOW ? 1 : 0));
const inc = Array.from({ length: C }, () => 0.3);
const incrementFrom = Array.from({ length: C }, () => C - 1);
const ws = new LoopWorkspace(lstmCell, shape, B, T, BURN_IN, inc, incrementFrom, 'wasm');
const wsJs = new LoopWorkspace(lstmCell, shape, B, T, BURN_IN, inc, incrementFrom, 'js');
const grad = new Float64Array(size);

const dir = mkdtempSync(join(tmpdir(), 'lawful-bench-rollout-'));
const init = join(dir, 'init.json');
writeFileSync(init, JSON.stringify({
  channels: C, hidden: H, steps: T, batch: B, window: WINDOW, burnIn: BURN_IN, incrementFrom, inc,
  ...paramsToJSON(theta, layout), x: Array.from(x), target: Array.from(target),
}));
const loss0 = ws.lossAndGrad(theta, x, target, feed, grad);
const grad0 = Float64Array.from(grad);
const adam = new Adam(size, { lr: 1e-3 });
const stepMs = async (w: LoopWorkspace) => 1e3 * median(await timeRuns(() => { w.lossAndGrad(theta, x, target, feed, grad); adam.step(theta, grad); }, reps, 3));
const jsMs = await stepMs(wsJs);
const lawfulMs = await stepMs(ws);
console.log(`lawful rollout LSTM (float64 TypeScript GEMMs, 1 thread): ${jsMs.toFixed(1)} ms/step (median of ${reps}; blocks of ${C}, hidden ${H}, batch ${B}, ${WINDOW} warm-up + ${HORIZON} free steps)`);
console.log(`lawful rollout LSTM (float64 WebAssembly SIMD GEMMs, 1 thread): ${lawfulMs.toFixed(1)} ms/step (median of ${reps}); ${(jsMs / lawfulMs).toFixed(2)}× the TypeScript backend`);

const rows: SummaryRow[] = [];
if (withTorch) {
  for (const threads of [1, 2]) {
    const r = runStepPeer(join(dirname(fileURLToPath(import.meta.url)), 'peer_rollout_torch.py'), init, reps, threads);
    if (!r) continue;
    if (threads === 1) console.log(sameComputation(loss0, grad0, r));
    console.log(`PyTorch ${r.torch} LSTMCell BPTT (float64, ${threads} thread${threads > 1 ? 's' : ''}, measured now): ${r.ms_per_step.toFixed(1)} ms/step; speed-up of lawful (1 thread): ${(r.ms_per_step / lawfulMs).toFixed(2)}×`);
    rows.push({
      bench: 'lstm-rollout', what: `rollout LSTM step (blocks of ${C}, hidden ${H}, batch ${B}, ${T} steps) vs PyTorch LSTMCell BPTT ${threads} thread${threads > 1 ? 's' : ''}, measured now`,
      lawful: `${lawfulMs.toFixed(1)} ms/step`, peer: `${r.ms_per_step.toFixed(1)} ms/step`, speedup: r.ms_per_step / lawfulMs, target: '', note: 'both float64; lawful on 1 thread, WebAssembly SIMD',
    });
  }
}
rmSync(dir, { recursive: true, force: true });
writeResult('lstm-rollout', rows, { lawfulMs, jsMs, reps });
