/**
 * Issue 12's bars on the noisy reference experiment (`lawful demo --noise 0.05`): the bank
 * at K = 4 (default settings otherwise), scored against the clean signal beyond the window.
 *
 * Measured on this branch (see the report): the 80% interval covers 98% of the truth (the
 * bar is 70–90%: not met — the bands are too wide, PIT piled in the middle); the predicted
 * VPT 10.4 [10.4, 10.9] against the measured 10.2 (bar: within 4 time units — met). The
 * noisy fit itself extrapolates poorly (NRMSE beyond the window ≈ 1.5), so its covariance has
 * poorly determined directions whose linearised spread grows fast; the bands are honest about
 * the forecast being wrong, but over-wide.
 */
import { describe, expect, it } from 'vitest';
import { sliceSeries } from '../../src/data/series.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { referenceData } from '../../src/eval/reference-experiment.js';
import { oscillatorBankFamily } from '../../src/models/oscillator-bank.js';

describe('calibration of the bank on the noisy reference experiment', () => {
  it('K = 4 at noise 0.05: predicted VPT within 4 time units of the measured one; 80% coverage measured (bar 70–90% not met: ≈ 98%)', async () => {
    const d = referenceData({ noise: 0.05 });
    const train = sliceSeries(d.observed, d.split.trainFrom, d.split.trainUntil);
    const f = await oscillatorBankFamily.fit({ family: 'oscillator-bank', config: { ...oscillatorBankFamily.defaults, oscillators: 4 } }, train, { seed: 0 });
    const m = evaluate(f, { observed: d.observed, truth: d.truth, split: d.split }).metrics;
    expect(m.noiseIncluded).toBe(false);
    expect(Math.abs(m.predictedVpt!.time - m.validPredictionTime)).toBeLessThan(4);
    expect(m.predictedVpt!.interval[0]).toBeLessThanOrEqual(m.predictedVpt!.time);
    expect(m.predictedVpt!.interval[1]).toBeGreaterThanOrEqual(m.predictedVpt!.time);
    // The truth of today's coverage, kept so a change shows: over-covering, not under-covering.
    const c80 = m.coverage!['80'];
    expect(c80).toBeGreaterThan(0.7);
    expect(c80).toBeLessThan(1);
    expect(m.coverage!['50']).toBeLessThan(c80);
    expect(c80).toBeLessThanOrEqual(m.coverage!['95']);
    // The noise σ the bank estimated from its residuals is near the truth's 0.05 (it fits the window to about the noise).
    const u = (f.toJSON().extra as { uncertainty: { noiseSd: number[] } }).uncertainty;
    expect(u.noiseSd[0]).toBeGreaterThan(0.04);
    expect(u.noiseSd[0]).toBeLessThan(0.1);
  }, 120_000);

  it('the clean experiment: the intervals collapse to the arithmetic floor and the predicted VPT is the horizon, as measured', async () => {
    const d = referenceData({ noise: 0 });
    const train = sliceSeries(d.observed, d.split.trainFrom, d.split.trainUntil);
    const f = await oscillatorBankFamily.fit({ family: 'oscillator-bank', config: { ...oscillatorBankFamily.defaults, oscillators: 4 } }, train, { seed: 0 });
    const m = evaluate(f, { observed: d.observed, truth: d.truth, split: d.split }).metrics;
    expect(m.validPredictionTime).toBe(d.split.until);
    expect(m.predictedVpt!.time).toBe(d.split.until);
    expect(m.crps!).toBeLessThan(1e-6);
  }, 120_000);
});
