/**
 * One LSTM training step at the reference configuration (hidden 64, window 100, batch 64,
 * input 1, output 1): forward + backward through time + an Adam update, lawful's fused
 * kernel (TypeScript float64 fallback, WebAssembly SIMD float64, and the default WebAssembly
 * SIMD float32 — the LSTM's `precision: 'float32'` — on 1 thread and on 2 threads as `lawful
 * fit` runs it) against, measured in the same run on the same step: PyTorch on 1 and 2
 * threads (float32, peer_torch.py) and TensorFlow.js on its wasm backend (float32,
 * peer_tfjs.mjs, from the packages `npm run bench` installs into bench/.peers/tfjs; when
 * they are missing the reference's 801 ms per step is quoted instead, and labelled so).
 *
 *   npx tsx bench/lstm/bench.ts [--reps 30] [--no-torch] [--no-tfjs] [--tfjs-dir bench/.peers/tfjs]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/core/rng.js';
import { startWorker } from '../../src/cli/workers.js';
import { LstmWorkspace, initLstm, lstmLayout, lstmLossAndGrad } from '../../src/nn/lstm.js';
import { lstmKernel } from '../../src/nn/kernels.js';
import { Team } from '../../src/nn/team.js';
import { median, timeRuns, writeResult } from '../common.js';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] || 30) || 30;
const withTorch = !args.includes('--no-torch');
const withTfjs = !args.includes('--no-tfjs');
const tfjsDir = args.includes('--tfjs-dir') ? args[args.indexOf('--tfjs-dir') + 1] : 'bench/.peers/tfjs';
const TFJS_WASM_QUOTED_MS = 801; // docs/peer-baselines.md: the reference's TF.js step on its machine
const TORCH_REFERENCE_MS = 71.7; // docs/peer-baselines.md (2-vCPU Xeon), for comparison with the figure measured now

const H = 64, T = 100, B = 64, I = 1, O = 1, BURN_IN = 10;
const shape = { input: I, hidden: H, output: O };
const rng = new Rng(0);
const { size } = lstmLayout(shape);
const theta = new Float64Array(size);
initLstm(shape, theta, rng);
const x = rng.fillNormal(new Float64Array(B * T * I));
const target = rng.fillNormal(new Float64Array(B * T * O));
const grad = new Float64Array(size);
let ws = new LstmWorkspace(shape, B, T, BURN_IN, 'js');
const PRECISION = 'float32'; // the LSTM family's default (models/lstm/config.ts)

// Adam (Kingma & Ba 2015) inline, so the timing covers the same work as torch's step
// (clip_grad_norm + Adam) without depending on another module's progress.
const m = new Float64Array(size), v = new Float64Array(size);
let k = 0;
let lossAndGrad = (): number => lstmLossAndGrad(theta, x, target, ws, grad);
function trainStep(): number {
  const loss = lossAndGrad();
  let n2 = 0;
  for (let i = 0; i < size; i++) n2 += grad[i] * grad[i];
  const clip = Math.min(1, 1 / (Math.sqrt(n2) + 1e-6));
  k++;
  const c1 = 1 - 0.9 ** k, c2 = 1 - 0.999 ** k;
  for (let i = 0; i < size; i++) {
    const g = grad[i] * clip;
    m[i] = 0.9 * m[i] + 0.1 * g;
    v[i] = 0.999 * v[i] + 0.001 * g * g;
    theta[i] -= (3e-3 * m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8);
  }
  return loss;
}

/** Median milliseconds per training step, after 5 warm-up steps (JIT). */
async function timeSteps(): Promise<number> {
  return 1e3 * median(await timeRuns(trainStep, reps, 5));
}
const jsMs = await timeSteps();
console.log(`lawful, TypeScript kernels (float64): ${jsMs.toFixed(1)} ms/step (median of ${reps}; H=${H} T=${T} B=${B})`);
ws = new LstmWorkspace(shape, B, T, BURN_IN, 'auto', 'float64');
const f64Ms = await timeSteps();
console.log(`lawful, backend '${ws.backend}' (float64): ${f64Ms.toFixed(1)} ms/step`);
ws = new LstmWorkspace(shape, B, T, BURN_IN, 'auto', PRECISION);
const lawfulMs = await timeSteps();
const prec = ws.precision;
console.log(`lawful, default backend '${ws.backend}' (${prec}): ${lawfulMs.toFixed(1)} ms/step (${(f64Ms / lawfulMs).toFixed(2)}× its float64 step)`);
// What `lawful fit` does on two cores: the batch in 2 shares, one on a worker thread.
const worker = startWorker('share-worker');
const team = new Team(lstmKernel, { shape, steps: T, burnIn: BURN_IN, precision: PRECISION }, B, 2, [worker]);
lossAndGrad = () => team.lossAndGrad(theta, [x, target], grad);
const twoMs = await timeSteps();
team.close();
await worker.terminate();
console.log(`lawful, 2 shares on 2 threads (${prec}): ${twoMs.toFixed(1)} ms/step (${(lawfulMs / twoMs).toFixed(2)}× its 1-thread step)`);

const here = dirname(fileURLToPath(import.meta.url));
/** Runs a peer and returns its RESULT's ms_per_step, or undefined (saying why). */
function peer(name: string, command: string, peerArgs: string[]): number | undefined {
  const r = spawnSync(command, [...peerArgs, '--reps', String(reps)], { encoding: 'utf8' });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (line) return JSON.parse(line.slice(7)).ms_per_step;
  console.log(`${name} peer unavailable: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  return undefined;
}
const torchMs = withTorch ? peer('torch', '/usr/bin/python3', [join(here, 'peer_torch.py')]) : undefined;
const torch2Ms = withTorch ? peer('torch', '/usr/bin/python3', [join(here, 'peer_torch.py'), '--threads', '2']) : undefined;
let tfjsMs: number | undefined;
if (withTfjs && existsSync(join(tfjsDir, 'node_modules/@tensorflow/tfjs-backend-wasm'))) {
  tfjsMs = peer('TF.js', process.execPath, [join(here, 'peer_tfjs.mjs'), tfjsDir]);
} else if (withTfjs) {
  console.log(`TF.js peer not installed in ${tfjsDir} (npm run bench installs it)`);
}
if (torchMs !== undefined) {
  console.log(`PyTorch 1 thread (float32, measured now): ${torchMs.toFixed(1)} ms/step`);
  console.log(`ratio lawful / torch (1 thread each): ${(lawfulMs / torchMs).toFixed(2)}× (target ≤ 1); float64: ${(f64Ms / torchMs).toFixed(2)}×`);
}
if (torch2Ms !== undefined) {
  console.log(`PyTorch 2 threads (float32, measured now): ${torch2Ms.toFixed(1)} ms/step; lawful 2 threads / torch 2 threads: ${(twoMs / torch2Ms).toFixed(2)}×`);
}
console.log(`PyTorch 1 thread, reference machine: ${TORCH_REFERENCE_MS} ms/step (quoted from docs/peer-baselines.md); lawful / reference: ${(lawfulMs / TORCH_REFERENCE_MS).toFixed(2)}×`);
const tfjsMeasured = tfjsMs !== undefined;
const tfjs = tfjsMs ?? TFJS_WASM_QUOTED_MS;
console.log(tfjsMeasured ? `TF.js 4.22 wasm backend (float32, measured now): ${tfjs.toFixed(1)} ms/step` : `TF.js-wasm: ${tfjs} ms/step (quoted from docs/peer-baselines.md, not measured)`);
console.log(`speed-up over TF.js-wasm: ${(tfjs / lawfulMs).toFixed(1)}× (target ≥ 5)`);

const ms = (x: number) => `${x.toFixed(1)} ms/step`;
writeResult(
  'lstm',
  [
    ...(torchMs !== undefined
      ? [
          { bench: 'lstm', what: 'LSTM training step (H 64, T 100, B 64) vs PyTorch 1 thread, measured now', lawful: ms(lawfulMs), peer: ms(torchMs), speedup: torchMs / lawfulMs, target: '≥ 1×', note: `lawful ${prec}, PyTorch float32` },
          { bench: 'lstm', what: 'same step, lawful float64, vs PyTorch 1 thread', lawful: ms(f64Ms), peer: ms(torchMs), speedup: torchMs / f64Ms, target: '', note: 'lawful float64, PyTorch float32' },
        ]
      : []),
    ...(torch2Ms !== undefined
      ? [{ bench: 'lstm', what: 'same step on 2 threads (2 batch shares) vs PyTorch 2 threads', lawful: ms(twoMs), peer: ms(torch2Ms), speedup: torch2Ms / twoMs, target: '', note: `lawful ${prec}, PyTorch float32` }]
      : []),
    {
      bench: 'lstm',
      what: tfjsMeasured ? 'same step vs TF.js wasm backend, measured now' : 'same step vs TF.js-wasm (quoted, not measured)',
      lawful: ms(lawfulMs),
      peer: ms(tfjs),
      speedup: tfjs / lawfulMs,
      target: '≥ 5×',
      note: `lawful ${prec}, TF.js float32`,
    },
  ],
  { lawfulMs, precision: prec, lawfulFloat64Ms: f64Ms, lawfulTwoThreadsMs: twoMs, lawfulTypeScriptMs: jsMs, backend: ws.backend, torchMs: torchMs ?? null, torchTwoThreadsMs: torch2Ms ?? null, tfjsMs: tfjsMs ?? null, tfjsWasmQuotedMs: TFJS_WASM_QUOTED_MS, reps },
);
