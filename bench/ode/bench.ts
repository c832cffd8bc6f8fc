/**
 * Dormand–Prince 5(4) on Lorenz-63 over [0, 100] (issue 2): lawful's `solve` with 'dopri5'
 * against scipy's `solve_ivp` RK45 (the same Dormand & Prince 1980 pair) and DOP853 (Hairer's
 * 8(5,3)), same rtol and atol, same 10001 save points (dense output), measured in the same run.
 * Prints wall times (median of --reps runs after warm-up), steps, function evaluations, the
 * largest error against a tight reference on t ≤ 20 (scipy DOP853 at rtol = atol = 1e-13;
 * beyond t = 20 the Lyapunov growth, e^{0.9 t}, makes any two solvers disagree), and the ratios.
 *
 *   npx tsx bench/ode/bench.ts [--rtol 1e-8] [--atol 1e-8] [--reps 7]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { solve } from '../../src/ode/solve.js';
import type { Solution } from '../../src/ode/solve.js';
import { getSystem } from '../../src/systems/index.js';
import { BENCH_DIR, OUT_DIR, flag, fmtE, fmtS, median, runPeer, timeRuns, writeResult } from '../common.js';

interface PeerMethod { seconds: number[]; median_s: number; accepted_steps: number; nfev: number; max_err_t20: number; max_err_t10: number }
interface PeerResult { scipy: string; numpy: string; reference: { method: string; nfev: number; seconds: number }; RK45: PeerMethod; DOP853: PeerMethod }

const args = process.argv.slice(2);
const rtol = flag(args, '--rtol', 1e-8);
// Lorenz states are O(10), so with atol = rtol the relative part dominates the error norm.
const atol = flag(args, '--atol', 1e-8);
const reps = Math.max(5, flag(args, '--reps', 7));

const sys = getSystem('lorenz').build(); // σ = 10, ρ = 28, β = 8/3, y0 = (1, 1, 1)
const saveAt = Float64Array.from({ length: 10001 }, (_, i) => i / 100);
const run = (rt: number, at: number): Solution =>
  solve({ term: sys.term, solver: 'dopri5', t0: 0, t1: 100, y0: sys.y0, theta: sys.theta, rtol: rt, atol: at, saveAt });

console.log(`# ODE: Dormand–Prince on Lorenz-63, [0, 100], rtol ${rtol}, atol ${atol}, ${saveAt.length} save points`);
const refFile = join(OUT_DIR, 'lorenz_reference.json');
const peer = runPeer<PeerResult>(join(BENCH_DIR, 'ode', 'peer_scipy.py'), ['--rtol', String(rtol), '--atol', String(atol), '--reps', '5', '--ref', refFile]);
const ref = JSON.parse(readFileSync(refFile, 'utf8')) as { t: number[]; y: number[][] };

/** Largest |y − ref| over the save points with t ≤ tMax (every component). */
function maxErr(sol: Solution, tMax: number): number {
  let e = 0;
  for (let i = 0; i < ref.t.length && ref.t[i] <= tMax + 1e-9; i++) {
    for (let k = 0; k < 3; k++) e = Math.max(e, Math.abs(sol.y[i * 3 + k] - ref.y[i][k]));
  }
  return e;
}

const times = await timeRuns(() => run(rtol, atol), reps, 3);
const sol = run(rtol, atol);
const lawful = { seconds: times, median_s: median(times), stats: sol.stats, max_err_t20: maxErr(sol, 20), max_err_t10: maxErr(sol, 10) };
// The reference checked by an independent implementation: lawful dopri5 at the same tight tolerance.
const tight = run(1e-13, 1e-13);
const refAgreement = maxErr(tight, 20);

const rows = [
  ['lawful dopri5', lawful.median_s, sol.stats.accepted, sol.stats.fevals, lawful.max_err_t10, lawful.max_err_t20],
  ['scipy RK45', peer.RK45.median_s, peer.RK45.accepted_steps, peer.RK45.nfev, peer.RK45.max_err_t10, peer.RK45.max_err_t20],
  ['scipy DOP853', peer.DOP853.median_s, peer.DOP853.accepted_steps, peer.DOP853.nfev, peer.DOP853.max_err_t10, peer.DOP853.max_err_t20],
] as const;
console.log('solver          median wall   accepted steps  f evals  max err t≤10  max err t≤20');
for (const [name, s, st, fe, e10, e20] of rows) {
  console.log(`${name.padEnd(15)} ${fmtS(s).padStart(11)} ${String(st).padStart(16)} ${String(fe).padStart(8)} ${fmtE(e10).padStart(13)} ${fmtE(e20).padStart(13)}`);
}
const vsRK45 = peer.RK45.median_s / lawful.median_s;
const vsDOP853 = peer.DOP853.median_s / lawful.median_s;
console.log(`lawful dopri5 is ${vsRK45.toFixed(1)}× faster than scipy RK45 and ${vsDOP853.toFixed(1)}× faster than scipy DOP853 (wall, median of ${reps} lawful / 5 scipy runs)`);
console.log(`reference: ${ref.t.length} points, scipy DOP853 rtol = atol = 1e-13; lawful dopri5 at 1e-13 agrees with it to ${fmtE(refAgreement)} on t ≤ 20 (scipy ${peer.scipy})`);

const note = 'float64 both; same rtol/atol and save points';
const file = writeResult(
  'ode',
  [
    { bench: 'ode', what: `Lorenz [0,100] rtol ${rtol}: dopri5 vs scipy RK45`, lawful: fmtS(lawful.median_s), peer: fmtS(peer.RK45.median_s), speedup: vsRK45, target: '', note },
    { bench: 'ode', what: `Lorenz [0,100] rtol ${rtol}: dopri5 vs scipy DOP853`, lawful: fmtS(lawful.median_s), peer: fmtS(peer.DOP853.median_s), speedup: vsDOP853, target: '', note },
  ],
  { rtol, atol, reps, lawful, scipy: peer, referenceAgreement: refAgreement },
);
console.log(`wrote ${file}`);
