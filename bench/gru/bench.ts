/**
 * One GRU training step at the LSTM bench's configuration (hidden 64, window 100, batch 64,
 * one channel, teacher-forced): forward + backward through time + an Adam update, lawful's
 * fused float64 GRU (nn/gru.ts on the closed-loop kernel; its WebAssembly SIMD backend, and
 * the TypeScript one beside it for the ratio) against PyTorch's
 * nn.GRU (float32, bench/lstm/peer_torch.py --cell gru) on 1 thread, measured in the same run.
 *
 *   npx tsx bench/gru/bench.ts [--reps 30] [--no-torch]
 */
import { join } from 'node:path';
import { Adam } from '../../src/core/optim/adam.js';
import { Rng } from '../../src/core/rng.js';
import { LoopWorkspace } from '../../src/nn/closed-loop.js';
import { gruCell } from '../../src/nn/gru.js';
import { BENCH_DIR, median, runPeer, timeRuns, writeResult } from '../common.js';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] || 30) || 30;
const withTorch = !args.includes('--no-torch');

const H = 64, T = 100, B = 64, C = 1, BURN_IN = 10;
const shape = { channels: C, hidden: H };
const rng = new Rng(0);
const { size } = gruCell.layout(shape);
const theta = new Float64Array(size);
gruCell.init(shape, theta, rng);
const x = rng.fillNormal(new Float64Array(B * T * C));
const target = rng.fillNormal(new Float64Array(B * T * C));
const feed = new Float64Array(B * T).fill(1);
const grad = new Float64Array(size);
const ws = new LoopWorkspace(gruCell, shape, B, T, BURN_IN, null, null, 'wasm');
const wsJs = new LoopWorkspace(gruCell, shape, B, T, BURN_IN, null, null, 'js');
const adam = new Adam(size, { lr: 3e-3, clipNorm: 1 });

const stepMs = async (w: LoopWorkspace) => 1e3 * median(await timeRuns(() => { w.lossAndGrad(theta, x, target, feed, grad); adam.step(theta, grad); }, reps, 5)); // 5 warm-up steps (JIT)
const jsMs = await stepMs(wsJs);
const lawfulMs = await stepMs(ws);
console.log(`lawful GRU, TypeScript GEMMs (float64): ${jsMs.toFixed(1)} ms/step (median of ${reps}; H=${H} T=${T} B=${B})`);
console.log(`lawful GRU, WebAssembly SIMD GEMMs (float64): ${lawfulMs.toFixed(1)} ms/step (median of ${reps}); ${(jsMs / lawfulMs).toFixed(2)}× the TypeScript backend`);

let torchMs: number | undefined;
if (withTorch) {
  try {
    torchMs = runPeer<{ ms_per_step: number }>(join(BENCH_DIR, 'lstm', 'peer_torch.py'), ['--cell', 'gru', '--reps', String(reps)]).ms_per_step;
  } catch (e) {
    console.log(`torch peer unavailable: ${(e as Error).message}`);
  }
}
if (torchMs !== undefined) {
  console.log(`PyTorch nn.GRU 1 thread (float32, measured now): ${torchMs.toFixed(1)} ms/step`);
  console.log(`ratio lawful / torch: ${(lawfulMs / torchMs).toFixed(2)}×`);
}
const ms = (v: number) => `${v.toFixed(1)} ms/step`;
writeResult(
  'gru',
  torchMs !== undefined
    ? [{ bench: 'gru', what: 'GRU training step (H 64, T 100, B 64) vs PyTorch nn.GRU 1 thread, measured now', lawful: ms(lawfulMs), peer: ms(torchMs), speedup: torchMs / lawfulMs, target: '', note: 'lawful float64 WebAssembly SIMD, PyTorch float32' }]
    : [],
  { lawfulMs, jsMs, torchMs: torchMs ?? null, reps },
);
