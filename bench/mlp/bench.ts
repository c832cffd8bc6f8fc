/**
 * One training step of the autoregressive MLP (src/models/mlp.ts) at the architectures
 * scenario's size — 8 delays of one channel, hidden [64, 64] tanh, batch 64 — trained one
 * step ahead (H = 1) and through its own free run (H = 32): forward, the hand-written
 * gradient through the free run, an Adam step, float64, against PyTorch autograd through the
 * same unrolled network, weights and batch (peer_torch.py, float64, 1 and 2 threads), in the
 * same run. The peer's loss and gradient at the shared weights are compared with lawful's
 * first, so both sides time the same computation.
 *
 *   npx tsx bench/mlp/bench.ts [--reps 30] [--no-torch]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Adam } from '../../src/core/optim/adam.js';
import { paramsToJSON } from '../../src/core/params.js';
import { Rng } from '../../src/core/rng.js';
import { MlpRollout } from '../../src/models/mlp.js';
import { initMlp, mlpLayout, type MlpShape } from '../../src/nn/mlp.js';
import { median, runStepPeer, sameComputation, timeRuns, writeResult, type SummaryRow } from '../common.js';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] || 30) || 30;
const withTorch = !args.includes('--no-torch');
const here = dirname(fileURLToPath(import.meta.url));

const D = 8, C = 1, B = 64, HIDDEN = [64, 64];
const shape: MlpShape = { input: D * C, hidden: HIDDEN, output: C, activation: 'tanh' };
const { layout, size } = mlpLayout(shape);
const incStd = Float64Array.of(0.3);
const rows: SummaryRow[] = [];
const dir = mkdtempSync(join(tmpdir(), 'lawful-bench-mlp-'));

for (const H of [1, 32]) {
  const rng = new Rng(H);
  const theta = new Float64Array(size);
  initMlp(shape, theta, rng);
  const observed = rng.fillNormal(new Float64Array(B * D * C));
  const truth = rng.fillNormal(new Float64Array(B * H * C));
  const roll = new MlpRollout(shape, D, B, H, incStd);
  const grad = new Float64Array(size);
  const lossAndGrad = (th: Float64Array) => {
    for (let b = 0; b < B; b++) roll.slots.set(observed.subarray(b * D * C, (b + 1) * D * C), b * (D + H) * C);
    grad.fill(0);
    roll.run(th, B, H);
    return roll.backward(th, B, H, truth, grad);
  };
  const init = join(dir, `init-${H}.json`);
  writeFileSync(init, JSON.stringify({ dims: [D * C, ...HIDDEN, C], delays: D, horizon: H, channels: C, ...paramsToJSON(theta, layout), observed: Array.from(observed), truth: Array.from(truth), incStd: Array.from(incStd) }));
  const loss0 = lossAndGrad(theta);
  const grad0 = Float64Array.from(grad);
  const adam = new Adam(size, { lr: 1e-3 });
  const lawfulMs = 1e3 * median(await timeRuns(() => { lossAndGrad(theta); adam.step(theta, grad); }, reps, 5));
  const what = H === 1 ? 'one step' : `free run of ${H} steps`;
  console.log(`lawful MLP, ${what} (float64, 1 thread): ${lawfulMs.toFixed(2)} ms/step (median of ${reps}; ${D} delays, hidden ${HIDDEN.join('×')}, batch ${B})`);
  if (!withTorch) continue;
  for (const threads of [1, 2]) {
    const r = runStepPeer(join(here, 'peer_torch.py'), init, reps, threads);
    if (!r) continue;
    if (threads === 1) console.log(`  ${sameComputation(loss0, grad0, r)}`);
    console.log(`  PyTorch ${r.torch} autograd (float64, ${threads} thread${threads > 1 ? 's' : ''}, measured now): ${r.ms_per_step.toFixed(2)} ms/step; speed-up of lawful (1 thread): ${(r.ms_per_step / lawfulMs).toFixed(2)}×`);
    rows.push({
      bench: 'mlp', what: `MLP training step, ${what} (8 delays, hidden 64×64 tanh, batch 64) vs PyTorch ${threads} thread${threads > 1 ? 's' : ''}, measured now`,
      lawful: `${lawfulMs.toFixed(2)} ms/step`, peer: `${r.ms_per_step.toFixed(2)} ms/step`, speedup: r.ms_per_step / lawfulMs, target: '', note: 'both float64; lawful on 1 thread',
    });
  }
}
rmSync(dir, { recursive: true, force: true });
writeResult('mlp', rows, { reps });
