/**
 * One Hamiltonian-network training step (Greydanus et al. 2019) at the papers' configuration —
 * H(q, p) an MLP 2 → 200 → 200 → 1 with tanh, batch 750 (the mass–spring's 25 trajectories of
 * 30 points) — the loss on the symplectic gradient, its gradient in the weights by lawful's
 * hand-written second-order pass (nn/mlp.ts), and an Adam step, float64, against PyTorch's
 * double backward on the same network, weights and batch (peer_torch.py, float64, 1 and 2
 * threads), measured in the same run. The peer's loss and gradient at the shared starting
 * weights are compared with lawful's first, so both sides time the same computation.
 *
 *   npx tsx bench/hnn/bench.ts [--reps 20] [--no-torch]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Adam } from '../../src/core/optim/adam.js';
import { paramsToJSON } from '../../src/core/params.js';
import { Rng } from '../../src/core/rng.js';
import { hamiltonianNet } from '../../src/models/vector-field/nets.js';
import { median, runStepPeer, sameComputation, timeRuns, writeResult, type StepPeerResult } from '../common.js';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] || 20) || 20;
const withTorch = !args.includes('--no-torch');

const ROWS = 750, HIDDEN = [200, 200];
const net = hamiltonianNet(1, HIDDEN, 'tanh');
const { layout, size } = net;
const rng = new Rng(0);
const theta = new Float64Array(size);
net.init(theta, rng);
const x = rng.fillNormal(new Float64Array(ROWS * 2));
const dx = rng.fillNormal(new Float64Array(ROWS * 2));
const ws = net.workspace(ROWS);
const grad = new Float64Array(size);

const dir = mkdtempSync(join(tmpdir(), 'lawful-bench-hnn-'));
const init = join(dir, 'init.json');
writeFileSync(init, JSON.stringify({ dims: [2, ...HIDDEN, 1], ...paramsToJSON(theta, layout), x: Array.from(x), dx: Array.from(dx) }));
const loss0 = net.lossAndGrad(theta, x, dx, ws, grad);
const grad0 = Float64Array.from(grad);

const adam = new Adam(size, { lr: 1e-3 });
const step = () => {
  net.lossAndGrad(theta, x, dx, ws, grad);
  adam.step(theta, grad);
};
const lawfulMs = 1e3 * median(await timeRuns(step, reps, 3)); // 3 warm-up steps (JIT)
console.log(`lawful (float64, 1 thread): ${lawfulMs.toFixed(1)} ms/step (median of ${reps}; MLP 2→200→200→1 tanh, batch ${ROWS})`);

const here = dirname(fileURLToPath(import.meta.url));
const peers: { threads: number; r: StepPeerResult }[] = [];
if (withTorch) {
  for (const threads of [1, 2]) {
    const r = runStepPeer(join(here, 'peer_torch.py'), init, reps, threads);
    if (r) peers.push({ threads, r });
  }
}
rmSync(dir, { recursive: true, force: true });
if (peers.length) console.log(sameComputation(loss0, grad0, peers[0].r));
for (const { threads, r } of peers) {
  console.log(`PyTorch ${r.torch} double backward (float64, ${threads} thread${threads > 1 ? 's' : ''}, measured now): ${r.ms_per_step.toFixed(1)} ms/step; speed-up of lawful (1 thread): ${(r.ms_per_step / lawfulMs).toFixed(2)}×${threads === 1 ? ' (target ≥ 3)' : ''}`);
}
const ms = (v: number) => `${v.toFixed(1)} ms/step`;
writeResult(
  'hnn',
  peers.map(({ threads, r }) => ({
    bench: 'hnn',
    what: `HNN training step (MLP 2→200→200→1 tanh, batch ${ROWS}, double backward) vs PyTorch ${threads} thread${threads > 1 ? 's' : ''}, measured now`,
    lawful: ms(lawfulMs),
    peer: ms(r.ms_per_step),
    speedup: r.ms_per_step / lawfulMs,
    target: threads === 1 ? '≥ 3×' : '',
    note: 'both float64; lawful on 1 thread',
  })),
  { lawfulMs, torch: peers.map(({ threads, r }) => ({ threads, ms: r.ms_per_step })), reps },
);
