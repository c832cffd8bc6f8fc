/**
 * SINDy on Lorenz-63 (issue 10): lawful's `fitSindy` against a numpy peer written the way
 * PySINDy works (bench/sindy/peer_numpy.py: finite differences, polynomial library, STLSQ by
 * `lstsq` on the tall matrix), at 5k, 100k and 1M samples of the same data (σ 10, ρ 28,
 * β 8/3, x0 = (−8, 8, 27), dt = 0.002, written by lawful to bench/out/ and read by both);
 * then simulating the model discovered from 5k samples over t ∈ [0, 15] every dt: lawful's
 * forecast (dopri5, rtol 1e-10, atol 1e-12) and dopri5 at the peer's tolerances, against
 * `solve_ivp` LSODA over a Python right-hand side at rtol = atol = 1e-12 (PySINDy's
 * `simulate` defaults). Both fits use second-order differences (PySINDy's default), degree-2
 * polynomials and threshold 0.1. Reference (PySINDy itself, 2 cores): fit 11–12 ms at 5k,
 * 145–179 ms at 100k, 2.1–2.3 s at 1M; simulate 15.5 s. Targets: fit ≥ 5× at 100k and 1M,
 * simulate ≥ 100×.
 *
 *   npx tsx bench/sindy/bench.ts [--reps 5] [--max 1000000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitSindy } from '../../src/models/sindy/fit.js';
import { sindyFamily } from '../../src/models/sindy.js';
import { buildLibrary } from '../../src/models/sindy/library/index.js';
import { compiledTerm } from '../../src/models/sindy/simulate.js';
import { solve } from '../../src/ode/solve.js';
import type { Series } from '../../src/data/series.js';
import { simulate } from '../../src/systems/simulate.js';
import { BENCH_DIR, OUT_DIR, flag, fmtS, median, runPeer, timeRuns, timeRunsCpu, writeResult, type SummaryRow } from '../common.js';

interface PeerResult {
  numpy: string;
  scipy: string;
  fit: Record<string, { seconds: number[]; median_s: number; cpu_seconds: number[]; median_cpu_s: number; coef: number[][] }>;
  simulate: { seconds: number; nfev: number; end: number[]; y_at_1: number[] };
  simulate_dop853: { seconds: number; nfev: number };
}

const args = process.argv.slice(2);
const reps = Math.max(3, flag(args, '--reps', 5));
const max = flag(args, '--max', 1_000_000);
const dt = 0.002;
const sizes = [5000, 100_000, 1_000_000].filter((n) => n <= max);
const config = {
  library: { kind: 'polynomial', degree: 2 },
  differentiation: { method: 'finite-difference', order: 2 },
  optimizer: { method: 'stlsq', threshold: 0.1, ridge: 0.05 },
} as const;

console.log(`# SINDy: Lorenz-63, dt ${dt}, sizes ${sizes.join(', ')}; degree-2 polynomials, FD order 2, STLSQ 0.1`);
const t0 = performance.now();
const { series: full } = simulate('lorenz', { params: { x0: [-8, 8, 27] }, until: (sizes[sizes.length - 1] - 1) * dt, dt });
console.log(`data: ${full.t.length} samples simulated in ${fmtS((performance.now() - t0) / 1e3)}`);
mkdirSync(OUT_DIR, { recursive: true });
const data = new Map<number, Series>();
for (const n of sizes) {
  const s: Series = { t: full.t.subarray(0, n), y: full.y.map((c) => c.subarray(0, n)), names: full.names };
  data.set(n, s);
  const rows = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) rows[i * 3 + c] = s.y[c][i];
  writeFileSync(join(OUT_DIR, `sindy_lorenz_${n}.f64`), rows);
}

const peer = runPeer<PeerResult>(join(BENCH_DIR, 'sindy', 'peer_numpy.py'), ['--data', OUT_DIR, '--sizes', sizes.join(','), '--dt', String(dt), '--reps', String(reps)], 900);

const rows: SummaryRow[] = [];
const fits: Record<string, unknown> = {};
console.log('size        lawful fit    numpy fit    speed-up   (CPU time: lawful  numpy  speed-up)   max |Δξ| lawful vs numpy');
for (const n of sizes) {
  const s = data.get(n)!;
  const { wall: times, cpu } = await timeRunsCpu(() => fitSindy([s], config), n >= 1_000_000 ? Math.max(3, reps >> 1) : reps, 1);
  const coef = fitSindy([s], config).coef;
  const p = peer.fit[String(n)];
  const diff = Math.max(...coef.flatMap((row, c) => Array.from(row, (v, k) => Math.abs(v - p.coef[c][k]))));
  const speedup = p.median_s / median(times);
  const cpuSpeedup = p.median_cpu_s / median(cpu);
  console.log(`${String(n).padEnd(10)} ${fmtS(median(times)).padStart(11)} ${fmtS(p.median_s).padStart(12)} ${speedup.toFixed(1).padStart(9)}×   ${fmtS(median(cpu)).padStart(14)} ${fmtS(p.median_cpu_s).padStart(10)} ${cpuSpeedup.toFixed(1).padStart(6)}×     ${diff.toExponential(1)}`);
  fits[n] = { seconds: times, median_s: median(times), cpu_seconds: cpu, median_cpu_s: median(cpu), coef: coef.map((r) => Array.from(r)), peer: p };
  rows.push({ bench: 'sindy', what: `Lorenz fit, ${n} samples`, lawful: fmtS(median(times)), peer: fmtS(p.median_s), speedup, target: n >= 100_000 ? '≥ 5×' : '', note: `numpy lstsq STLSQ peer; CPU time ${cpuSpeedup.toFixed(1)}×` });
}

// Simulation of the model discovered from the smallest data set.
const small = data.get(sizes[0])!;
const model = await sindyFamily.fit({ family: 'sindy', config: { ...sindyFamily.defaults, ...config } }, small, { seed: 0 });
const until = 15;
const saveAt = Float64Array.from({ length: Math.round(until / dt) + 1 }, (_, i) => Math.round(i * dt * 1e12) / 1e12);
// The first forecast compiles the discovered system (once per model); later ones reuse it.
const firstStart = performance.now();
model.forecast(saveAt, small);
const firstForecast = (performance.now() - firstStart) / 1e3;
const simTimes = await timeRuns(() => model.forecast(saveAt, small), reps, 1);
const fitted = fitSindy([small], config);
const vars = ['x', 'y', 'z'];
const { term, theta } = compiledTerm(vars, buildLibrary(config.library).names(vars), fitted.coef)!;
const tight = () => solve({ term, solver: 'dop853', t0: 0, t1: until, y0: fitted.x0, theta, saveAt, rtol: 1e-12, atol: 1e-12, maxSteps: 1e6 });
const tightTimes = await timeRuns(tight, reps, 1);
const sol = tight();
const simSpeed = peer.simulate.seconds / median(simTimes);
const tightSpeed = peer.simulate.seconds / median(tightTimes);
const at1 = Math.round(1 / dt);
const agree = Math.max(...[0, 1, 2].map((c) => Math.abs(sol.y[at1 * 3 + c] - peer.simulate.y_at_1[c])));
const p8 = peer.simulate_dop853;
console.log(`simulate [0, ${until}], ${saveAt.length} save points: lawful forecast (rtol 1e-10) ${fmtS(median(simTimes))} (first call, compiling: ${fmtS(firstForecast)}), compiled dop853 at 1e-12 ${fmtS(median(tightTimes))} (${sol.stats.accepted} steps, ${sol.stats.fevals} f evals)`);
console.log(`  numpy peer at 1e-12: LSODA ${fmtS(peer.simulate.seconds)} (${peer.simulate.nfev} f evals), DOP853 ${fmtS(p8.seconds)} (${p8.nfev} f evals)`);
console.log(`  speed-up ${simSpeed.toFixed(0)}× (forecast), ${tightSpeed.toFixed(0)}× (same tolerances), ${(p8.seconds / median(tightTimes)).toFixed(0)}× against scipy's DOP853; states at t = 1 agree to ${agree.toExponential(1)}`);
rows.push({ bench: 'sindy', what: `simulate discovered Lorenz [0, ${until}]`, lawful: fmtS(median(tightTimes)), peer: fmtS(peer.simulate.seconds), speedup: tightSpeed, target: '≥ 100×', note: 'compiled dop853 vs LSODA, both rtol = atol = 1e-12' });

const file = writeResult('sindy', rows, { dt, sizes, reps, fits, simulate: { forecast_s: simTimes, firstForecast_s: firstForecast, tight_s: tightTimes, stats: sol.stats, peer: peer.simulate, peerDop853: p8, agreeAtT1: agree }, numpy: peer.numpy, scipy: peer.scipy });
console.log(`wrote ${file}`);
