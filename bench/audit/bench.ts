/**
 * What the audit costs in `lawful demo` (issue 12): per family of the default demo, the fit,
 * the bare scoring (its forecast beyond the window and its in-window predictions) and the
 * full evaluation with the audit (intervals and their calibration, backtests, the
 * adversarial probe, the predicted valid prediction time), all in this process, one after
 * another. The audit's cost is full − bare evaluation; for the oscillator bank the fit also
 * computes the parameter covariance its intervals come from, timed from the fit's own
 * "Gauss–Newton covariance" progress report to its end; its forecasts carry their quantiles,
 * so the bank's bare scoring holds part of its intervals' cost, and the bench also prints the
 * bound that counts all its scoring as audit. The target: the bank's intervals and
 * probes add at most 50% to its fit time.
 *
 *   npx tsx bench/audit/bench.ts [--reps 3] [--models oscillator-bank,fourier,...]
 */
import { sliceSeries } from '../../src/data/series.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { familyConfig } from '../../src/eval/family-config.js';
import { referenceData } from '../../src/eval/reference-experiment.js';
import { referenceModels } from '../../src/eval/reference-run.js';
import { getFamily } from '../../src/models/index.js';
import { median, writeResult } from '../common.js';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] || 3) || 3;
const models = args.includes('--models') ? args[args.indexOf('--models') + 1].split(',') : referenceModels();

const data = referenceData({});
const { split, observed, truth } = data;
const train = sliceSeries(observed, split.trainFrom, split.trainUntil);
const b = truth.t.findIndex((v) => v > split.trainUntil);
const beyond = truth.t.slice(b);
const warm = sliceSeries(observed, split.trainFrom, split.trainFrom + 0.1 * (split.trainUntil - split.trainFrom));
const inside = truth.t.slice(warm.t.length, b);
const seconds = async (fn: () => unknown) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};

interface Row { model: string; fit: number; covariance: number; bare: number; full: number }
const rows: Row[] = [];
for (const family of models) {
  const fam = getFamily(family);
  const config = familyConfig(family, undefined, models);
  const setting = { oscillators: data.config.oscillators, nonlinear: false, sizes: [data.config.oscillators, 2] };
  const variants = fam.capabilities?.referenceVariants?.(config, setting) ?? [{ suffix: '', config }];
  for (const v of variants) {
    const name = `${family}${v.suffix ? ` ${v.suffix}` : ''}`;
    const times: Row[] = [];
    for (let r = 0; r < (family === 'lstm' ? 1 : reps); r++) {
      let covarianceFrom = NaN;
      const t0 = performance.now();
      const fitted = await fam.fit({ family, config: v.config }, train, { seed: 0, onProgress: (p) => { if (p.stage === 'Gauss–Newton covariance') covarianceFrom = performance.now(); } });
      const end = performance.now();
      const bare = await seconds(() => {
        fitted.forecast(beyond, train);
        if (fitted.inWindowMode === 'one-step') {
          fitted.predictOneStep?.(train);
          fitted.forecast(inside, warm);
        } else fitted.forecast(truth.t.slice(0, b), train);
      });
      const full = await seconds(() => evaluate(fitted, { observed, truth, split }));
      times.push({ model: name, fit: (end - t0) / 1000, covariance: Number.isNaN(covarianceFrom) ? 0 : (end - covarianceFrom) / 1000, bare, full });
    }
    const med = (k: keyof Omit<Row, 'model'>) => median(times.map((t) => t[k]));
    rows.push({ model: name, fit: med('fit'), covariance: med('covariance'), bare: med('bare'), full: med('full') });
  }
}
const ms = (s: number) => (s < 1 ? `${(1e3 * s).toFixed(1)} ms` : `${s.toFixed(2)} s`);
console.log(`The audit's cost in the default demo (median of ${reps}; the LSTM once), this process, one fit after another:\n`);
console.log('| model | fit (of which covariance) | bare scoring | evaluation with the audit | audit = intervals + probes | audit / fit |');
console.log('|---|---|---|---|---|---|');
let fitTotal = 0, auditTotal = 0, evalTotal = 0;
for (const r of rows) {
  const audit = r.full - r.bare + r.covariance;
  fitTotal += r.fit - r.covariance;
  auditTotal += audit;
  evalTotal += r.bare;
  console.log(`| ${r.model} | ${ms(r.fit)}${r.covariance ? ` (${ms(r.covariance)})` : ''} | ${ms(r.bare)} | ${ms(r.full)} | ${ms(audit)} | ${r.fit - r.covariance < 0.01 ? '— (fit under 10 ms)' : `${((100 * audit) / (r.fit - r.covariance)).toFixed(0)}%`} |`);
}
const share = auditTotal / (fitTotal + auditTotal + evalTotal);
console.log(`\nThe audit's share of the demo's compute: ${(100 * share).toFixed(1)}% (fits ${ms(fitTotal)}, bare scoring ${ms(evalTotal)}, audit ${ms(auditTotal)})`);
const bank = rows.find((r) => r.model.startsWith('oscillator-bank K=4'));
if (bank) {
  const extra = (bank.full - bank.bare + bank.covariance) / (bank.fit - bank.covariance);
  // Its forecasts carry their quantiles, so the bare scoring holds part of the intervals' cost too: counted whole, an upper bound.
  const bound = (bank.full + bank.covariance) / (bank.fit - bank.covariance);
  console.log(`oscillator-bank K=4: its intervals and probes add ${(100 * extra).toFixed(0)}% to its fit, at most ${(100 * bound).toFixed(0)}% counting all its scoring (target ≤ 50%)`);
}
writeResult('audit', [], { reps, rows, share });
