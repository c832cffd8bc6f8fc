/**
 * One UDE training step — the loss of a solve and its gradient through the solver — on the
 * Lotka–Volterra case of Rackauckas et al. (2020): prey' = a·prey + N₁, predator' = −d·predator
 * + N₂, N an MLP 2 → 32 → 32 → 2 (tanh), RK4 with dt = 0.01 over t ∈ [0, 3] (300 steps), 31
 * observations, the gradient in (a, d, weights, z₀). lawful: the trajectory layer's discrete
 * adjoint (models/ude on models/trajectory); the peer: the same step in PyTorch (float64, 1
 * thread, autograd through a hand-written RK4 loop, peer_torch.py), measured in the same run
 * on the same θ, and its loss and gradient compared with lawful's.
 *
 *   npx tsx bench/ude/bench.ts [--reps 10] [--no-torch]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/core/rng.js';
import { compileSystem } from '../../src/equations/index.js';
import { solve } from '../../src/ode/solve.js';
import { trajectoryLoss } from '../../src/models/trajectory/paths.js';
import { resolveUdeConfig } from '../../src/models/ude/config.js';
import { udeProblem } from '../../src/models/ude/problem.js';
import { flag, median, runPeer, timeRuns, writeResult } from '../common.js';

const args = process.argv.slice(2);
const reps = flag(args, '--reps', 10);
const HIDDEN = [32, 32];
const DT = 0.01;

const t = Float64Array.from({ length: 31 }, (_, i) => i * 0.1);
const truth = compileSystem("param a = 1.3\nparam b = 0.9\nparam c = 0.8\nparam d = 1.8\nprey' = a*prey - b*prey*predator\npredator' = c*prey*predator - d*predator");
const sol = solve({ term: truth.term(), solver: 'dopri5', t0: 0, t1: 3, y0: Float64Array.of(0.44249296, 4.6280594), theta: Float64Array.of(1.3, 0.9, 0.8, 1.8), saveAt: t, rtol: 1e-10, atol: 1e-12 });
const y = [0, 1].map((c) => Float64Array.from(t, (_, i) => sol.y[2 * i + c]));

const config = resolveUdeConfig({ equations: "param a = 1.3\nparam d = 1.8\nprey' = a*prey\npredator' = -d*predator", network: { states: null, hidden: HIDDEN, activation: 'tanh' } });
// Standardisation 0 and 1, so the peer's network reads the raw state as lawful's does.
const p = udeProblem(config, ['prey', 'predator'], new Float64Array(2), Float64Array.of(1, 1));
const path = trajectoryLoss(p.model, { t, y }, { solver: { solver: 'rk4', dt: DT } });
const rng = new Rng(0);
const theta = new Float64Array(p.model.layout.size);
theta[0] = 1.3;
theta[1] = 1.8;
for (let i = 2; i < theta.length - 2; i++) theta[i] = 0.2 * (rng.uniform() - 0.5);
theta[theta.length - 2] = y[0][0];
theta[theta.length - 1] = y[1][0];
const grad = new Float64Array(theta.length);
const loss = path.lossAndGrad(theta, grad);
const lawfulMs = 1e3 * median(await timeRuns(() => path.lossAndGrad(theta, grad), reps, 3));
console.log(`UDE step (MLP 2-${HIDDEN.join('-')}-2, RK4 ${Math.round(3 / DT)} steps, ${theta.length} parameters): lawful ${lawfulMs.toFixed(2)} ms (median of ${reps}; loss ${loss.toExponential(6)})`);

if (!args.includes('--no-torch')) {
  const dir = mkdtempSync(join(tmpdir(), 'lawful-ude-bench-'));
  const file = join(dir, 'problem.json');
  writeFileSync(file, JSON.stringify({ t: Array.from(t), y: y.map((c) => Array.from(c)), dt: DT, hidden: HIDDEN, theta: Array.from(theta) }));
  const here = dirname(fileURLToPath(import.meta.url));
  const peer = runPeer<{ ms_per_step: number; loss: number; grad: number[]; torch: string }>(join(here, 'peer_torch.py'), [file, '--reps', String(reps)], 900);
  let worst = 0;
  for (let i = 0; i < grad.length; i++) worst = Math.max(worst, Math.abs(grad[i] - peer.grad[i]) / Math.max(1e-12, Math.abs(peer.grad[i]), Math.abs(grad[i])));
  console.log(`PyTorch ${peer.torch} (float64, 1 thread, autograd through RK4): ${peer.ms_per_step.toFixed(2)} ms; same loss to ${(Math.abs(peer.loss - loss) / loss).toExponential(1)} relative, gradient entries to ${worst.toExponential(1)} relative (worst)`);
  console.log(`ratio torch / lawful: ${(peer.ms_per_step / lawfulMs).toFixed(1)}× (measured in the same run; the machine may be shared)`);
  writeResult(
    'ude',
    [{ bench: 'ude', what: `UDE step (loss + gradient through RK4, MLP 2-${HIDDEN.join('-')}-2) vs PyTorch autograd, measured now`, lawful: `${lawfulMs.toFixed(2)} ms`, peer: `${peer.ms_per_step.toFixed(2)} ms`, speedup: peer.ms_per_step / lawfulMs, target: '', note: 'both float64, 1 thread' }],
    { lawfulMs, torchMs: peer.ms_per_step, lossRelativeDifference: Math.abs(peer.loss - loss) / loss, worstGradientRelativeDifference: worst, reps },
  );
}
