/**
 * How the oscillator bank scales with the number of pendulums N (issue 9, "large"): the
 * reference experiment with N = 4, 8, 16 pendulums (modes spread as in the default; every
 * pendulum observed unless --observe sum), a bank of K = N oscillators, linear and pendulum.
 *
 * For each N it prints the time of one loss + gradient evaluation on the training window (the
 * linear bank's exact propagator: an expm and its Fréchet derivative, O(N³), plus N_t steps of
 * O(N²); the pendulum bank's RK4 and its adjoint, O(N + pairs) = O(N²) per step), the full fit's
 * wall time and its beyond-window NRMSE and valid prediction time; then the log-log slope of
 * the evaluation time against N. Not a test: the machine is shared, compare slopes.
 *
 * First, the nonlinear demo's own bank fits (`lawful demo --nonlinear`: N = 4 pendulums seen
 * as y = Σ θᵢ, banks of K = 4 and 2 pendulums), with their fit times.
 *
 *   npx tsx bench/bank/scaling.ts [--reps 20] [--observe all|sum] [--fit-max-linear 16] [--fit-max-nonlinear 8] [--no-demo]
 */
import { evaluate } from '../../src/eval/evaluate.js';
import { referenceData } from '../../src/eval/reference-experiment.js';
import { oscillatorBankFamily } from '../../src/models/oscillator-bank.js';
import { BankLoss } from '../../src/models/oscillator-bank/loss.js';
import { BankLayout, startFromModes } from '../../src/models/oscillator-bank/params.js';
import { esprit } from '../../src/models/spectral/esprit.js';
import type { Series } from '../../src/data/series.js';
import { flag, median, timeRuns } from '../common.js';

const args = process.argv.slice(2);
const reps = flag(args, '--reps', 20);
const observe = args.includes('--observe') && args[args.indexOf('--observe') + 1] === 'sum' ? 'sum' : 'all';
const fitMax = { linear: flag(args, '--fit-max-linear', 16), nonlinear: flag(args, '--fit-max-nonlinear', 8) };
const sizes = [4, 8, 16];

/** Least-squares slope of log y against log x. */
function slope(x: number[], y: number[]): number {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((v, i) => {
    num += (v - mx) * (ly[i] - my);
    den += (v - mx) ** 2;
  });
  return num / den;
}

interface Row {
  N: number;
  kind: string;
  evalMs: number;
  perStepUs: number;
  fitS: number;
  nrmseIn: number;
  nrmseOut: number;
  vpt: number;
}

/** Fits a bank of K oscillators on the reference data's window; fit time and evaluate()'s metrics. */
async function fitAndScore(data: ReturnType<typeof referenceData>, K: number, nonlinear: boolean) {
  const b = data.observed.t.findIndex((x) => x > data.split.trainUntil + 1e-9);
  const train: Series = { t: data.observed.t.slice(0, b), y: data.observed.y.map((c) => c.slice(0, b)), names: data.observed.names };
  const t0 = performance.now();
  const fitted = await oscillatorBankFamily.fit({ family: 'oscillator-bank', config: { ...oscillatorBankFamily.defaults, oscillators: K, nonlinear } }, train, { seed: 0 });
  const fitS = (performance.now() - t0) / 1e3;
  return { fitS, ...evaluate(fitted, { observed: data.observed, truth: data.truth, split: data.split }).metrics };
}

if (!args.includes('--no-demo')) {
  const demo = referenceData({ nonlinear: true });
  for (const K of [4, 2]) {
    const m = await fitAndScore(demo, K, true);
    console.log(`demo --nonlinear  bank K=${K}  fit ${m.fitS.toPrecision(3)} s  NRMSE in ${m.nrmseIn.toPrecision(3)} beyond ${m.nrmseOut.toPrecision(3)}  VPT ${m.validPredictionTime.toPrecision(3)}`);
  }
}

const rows: Row[] = [];
for (const nonlinear of [false, true]) {
  const kind = nonlinear ? 'pendulum' : 'linear';
  for (const N of sizes) {
    const data = referenceData({ oscillators: N, nonlinear, observe });
    const b = data.observed.t.findIndex((x) => x > data.split.trainUntil + 1e-9);
    const train: Series = { t: data.observed.t.slice(0, b), y: data.observed.y.map((c) => c.slice(0, b)), names: data.observed.names };
    const dt = train.t[1] - train.t[0];
    // One loss + gradient at the ESPRIT start (W, b projected, as the fit evaluates it).
    const lay = new BankLayout(N, train.y.length);
    const est = esprit(train.t, train.y, { order: N, offset: true });
    const theta = startFromModes(lay, est.modes, est.offset, undefined, nonlinear).slice(0, lay.nDynamic);
    const loss = new BankLoss(lay, train.y, dt, { nonlinear, substeps: 1 });
    const grad = new Float64Array(lay.nDynamic);
    const evalS = median(await timeRuns(() => loss.evaluate(theta, grad, true), reps, 3));
    const row: Row = { N, kind, evalMs: 1e3 * evalS, perStepUs: (1e6 * evalS) / (train.t.length - 1), fitS: NaN, nrmseIn: NaN, nrmseOut: NaN, vpt: NaN };
    if (N <= fitMax[nonlinear ? 'nonlinear' : 'linear']) {
      const m = await fitAndScore(data, N, nonlinear);
      row.fitS = m.fitS;
      row.nrmseIn = m.nrmseIn;
      row.nrmseOut = m.nrmseOut;
      row.vpt = m.validPredictionTime;
    }
    rows.push(row);
    const f = (v: number, d = 3) => (Number.isFinite(v) ? v.toPrecision(d) : '—');
    console.log(
      `${kind.padEnd(8)} N=${String(N).padStart(2)} C=${train.y.length}  loss+grad ${f(row.evalMs)} ms (${f(row.perStepUs)} µs/step)  ` +
        `fit ${f(row.fitS)} s  NRMSE in ${f(row.nrmseIn)} beyond ${f(row.nrmseOut)}  VPT ${f(row.vpt)}`,
    );
  }
  const mine = rows.filter((r) => r.kind === kind);
  console.log(`${kind}: loss+grad time ∝ N^${slope(mine.map((r) => r.N), mine.map((r) => r.evalMs)).toFixed(2)} (log-log slope over N = ${sizes.join(', ')})`);
}
