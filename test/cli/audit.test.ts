// `lawful audit`: the report card printed from a run's results.json carries the record's own
// numbers (coverage, CRPS, predicted and measured valid prediction time, the adversarial
// probe, the parameters with intervals), and a wrong argument is one line, exit 1.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReferenceExperiment } from '../../src/eval/reference-run.js';
import { formatMetric } from '../../src/report/format.js';
import { parseResults, serializeResults, type Results } from '../../src/report/results.js';
import { lawfulInProcess } from './in-process.js';

describe('lawful audit', () => {
  let dir: string;
  let results: Results;

  beforeAll(async () => {
    const run = await runReferenceExperiment({ noise: 0.05, models: ['persistence', 'fourier'] });
    results = parseResults(JSON.parse(JSON.stringify(run.results)));
    dir = mkdtempSync(join(tmpdir(), 'lawful-audit-'));
    writeFileSync(join(dir, 'results.json'), serializeResults(results));
  }, 60_000);

  it('prints, per model, the record’s accuracy, calibration, trust horizon, adversarial probe and parameters', async () => {
    const r = await lawfulInProcess(['audit', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const m of results.models) {
      const block = r.stdout.slice(r.stdout.indexOf(`${m.name} (${m.family})`));
      const x = m.metrics;
      expect(block).toContain(`beyond ${formatMetric(x.nrmseOut)}`);
      expect(block).toContain(`measured ${formatMetric(x.validPredictionTime)}; predicted ${formatMetric(x.predictedVpt!.time)}`);
      expect(block).toContain(`80% → ${formatMetric(x.coverage!['80'])}`);
      expect(block).toContain(`CRPS ${formatMetric(x.crps)}`);
    }
    const persistence = results.models.find((m) => m.family === 'persistence')!.metrics.adversarial!;
    expect(r.stdout).toContain(`ε 0.1: ${formatMetric(persistence.nrmseOut[2])} (random ${formatMetric(persistence.randomNrmseOut[2])})`);
    expect(r.stdout).toContain('amplification 1\n');
    // Fourier's frequencies with their 95% intervals, as describe() gave them.
    const w1 = (results.models.find((m) => m.family === 'fourier')!.describe.estimates as { name: string; interval: [number, number] }[]).find((e) => e.name === 'ω1')!;
    expect(r.stdout).toContain(`ω1 = `);
    expect(r.stdout).toContain(`[${Number(w1.interval[0].toPrecision(4))}, ${Number(w1.interval[1].toPrecision(4))}]`);
    // The same from the results.json file itself.
    expect((await lawfulInProcess(['audit', join(dir, 'results.json')])).stdout).toBe(r.stdout);
  });

  it('a path that is neither a results folder nor a run: one line, exit 1', async () => {
    const r = await lawfulInProcess(['audit', join(dir, 'nope'), '--store', join(dir, 'runs.db')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^lawful: /);
  });

  it('a damaged results.json names the file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema": 1');
    const r = await lawfulInProcess(['audit', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('bad.json');
  });

  it('--figure draws predicted against measured valid prediction time across runs, one point per model of each; a wrong extension is one line', async () => {
    const svgFile = join(dir, 'vpt.svg');
    const r = await lawfulInProcess(['audit', dir, join(dir, 'results.json'), '--figure', svgFile]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`== ${dir}\n`);
    const svg = readFileSync(svgFile, 'utf8');
    const withVpt = results.models.filter((m) => m.metrics.predictedVpt).length;
    expect(withVpt).toBeGreaterThan(0);
    expect(svg.match(/<path[^>]*aria-roledescription="point"/g) ?? []).toHaveLength(2 * withVpt);
    const png = join(dir, 'vpt.png');
    expect((await lawfulInProcess(['audit', dir, '--figure', png])).status).toBe(0);
    expect(readFileSync(png).subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const bad = await lawfulInProcess(['audit', dir, '--figure', join(dir, 'vpt.pdf')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^lawful: --figure: must end in \.svg or \.png/);
    expect(existsSync(join(dir, 'vpt.pdf'))).toBe(false);
  });
});
