/**
 * Fitting the four Lotka–Volterra constants (α, β, γ, δ = 1.5, 1, 3, 1) and the two initial
 * states to clean data on t ∈ [0, 10] (101 samples) (issue 9): lawful's equation family
 * (discrete adjoint through dopri5, L-BFGS over growing windows) against scipy's
 * `least_squares` over `solve_ivp` RK45, the same rtol/atol, the same bounds and the same
 * starts, each run to convergence. Prints per start the wall time (median of --reps), the
 * largest relative error of the four constants, and the ratio of the total times.
 *
 *   npx tsx bench/equation/bench.ts [--reps 3]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSystem } from '../../src/equations/index.js';
import { fitProblem } from '../../src/models/equation-fit.js';
import { equationProblem } from '../../src/models/equation-problem.js';
import { solve } from '../../src/ode/solve.js';
import { BENCH_DIR, OUT_DIR, flag, fmtE, fmtS, median, runPeer, timeRuns, writeResult } from '../common.js';
import { mkdirSync } from 'node:fs';

interface PeerStart { seconds: number[]; median_s: number; x: number[]; nfev: number; success: boolean }
interface PeerResult { scipy: string; numpy: string; starts: PeerStart[] }

const args = process.argv.slice(2);
const reps = Math.max(1, flag(args, '--reps', 3));
const rtol = 1e-8;
const atol = 1e-10;
const TRUTH = [1.5, 1, 3, 1];
const LOWER = [0.1, 0.1, 0.1, 0.1, -10, -10];
const UPPER = [5, 5, 10, 5, 10, 10];
// Starts: the constants off by −33% … +50%, initial states at the first samples (what lawful guesses).
const STARTS = [
  [1, 0.6, 2, 0.6],
  [2, 1.5, 4, 1.5],
  [1.2, 0.8, 2.5, 0.8],
  [2, 0.7, 4, 0.7],
];

const truthSystem = compileSystem("prey' = 1.5*prey - prey*predator\npredator' = prey*predator - 3*predator");
const t = Float64Array.from({ length: 101 }, (_, i) => i / 10);
const sol = solve({ term: truthSystem.term(), solver: 'dopri5', t0: 0, t1: 10, y0: Float64Array.of(1, 1), theta: new Float64Array(0), saveAt: t, rtol: 1e-12, atol: 1e-14 });
const prey = t.map((_, i) => sol.y[2 * i]);
const predator = t.map((_, i) => sol.y[2 * i + 1]);
const data = { t, y: [prey, predator], names: ['prey', 'predator'] };

const text = (s: number[]) => `param alpha = ${s[0]} in [0.1, 5]
param beta = ${s[1]} in [0.1, 5]
param gamma = ${s[2]} in [0.1, 10]
param delta = ${s[3]} in [0.1, 5]
prey' = alpha*prey - beta*prey*predator
predator' = delta*prey*predator - gamma*predator`;

const worst = (x: ArrayLike<number>) => Math.max(...TRUTH.map((v, k) => Math.abs(x[k] - v) / v));

mkdirSync(OUT_DIR, { recursive: true });
const taskFile = join(OUT_DIR, 'equation_task.json');
writeFileSync(taskFile, JSON.stringify({ t: [...t], prey: [...prey], predator: [...predator], starts: STARTS.map((s) => [...s, prey[0], predator[0]]), lower: LOWER, upper: UPPER, rtol, atol }));

console.log(`# equation: Lotka–Volterra constants and x0 from 101 clean samples on [0, 10], rtol ${rtol}, atol ${atol}, ${STARTS.length} starts`);
const peer = runPeer<PeerResult>(join(BENCH_DIR, 'equation', 'peer_scipy.py'), ['--task', taskFile, '--reps', String(reps)], 900);

const rows: { start: number; lawful: number; lawfulErr: number; iterations: number; scipy: number; scipyErr: number; nfev: number }[] = [];
for (let s = 0; s < STARTS.length; s++) {
  const problem = equationProblem(compileSystem(text(STARTS[s])), data);
  const integ = { solver: 'dopri5', rtol, atol };
  const run = () => fitProblem(problem, data, integ, { maxIterations: 200 });
  const times = await timeRuns(run, reps, 1);
  const r = run();
  const p = peer.starts[s];
  rows.push({ start: s + 1, lawful: median(times), lawfulErr: worst(r.natural), iterations: r.iterations, scipy: p.median_s, scipyErr: p.success ? worst(p.x) : Infinity, nfev: p.nfev });
}
console.log('start  lawful wall  max rel err  L-BFGS its   scipy wall  max rel err  scipy nfev');
for (const r of rows) {
  console.log(`${String(r.start).padStart(5)} ${fmtS(r.lawful).padStart(12)} ${fmtE(r.lawfulErr).padStart(12)} ${String(r.iterations).padStart(11)} ${fmtS(r.scipy).padStart(12)} ${fmtE(r.scipyErr).padStart(12)} ${String(r.nfev).padStart(11)}`);
}
const lawfulTotal = rows.reduce((s, r) => s + r.lawful, 0);
const scipyTotal = rows.reduce((s, r) => s + r.scipy, 0);
const ratio = scipyTotal / lawfulTotal;
const allAccurate = rows.every((r) => r.lawfulErr < 0.01 && r.scipyErr < 0.01);
console.log(`lawful is ${ratio.toFixed(1)}× faster than scipy least_squares + solve_ivp over the ${rows.length} starts (total ${fmtS(lawfulTotal)} vs ${fmtS(scipyTotal)}); ${allAccurate ? 'both within 1% of every constant from every start' : 'NOT every start reached 1% on both sides: see the table'} (scipy ${peer.scipy})`);

const file = writeResult(
  'equation',
  [{ bench: 'equation', what: `LV 4 constants + x0, ${rows.length} starts: equation fit vs scipy least_squares/solve_ivp`, lawful: fmtS(lawfulTotal), peer: fmtS(scipyTotal), speedup: ratio, target: '≥ 10×', note: 'same data, bounds, starts, rtol/atol' }],
  { rtol, atol, reps, rows, scipy: peer },
);
console.log(`wrote ${file}`);
