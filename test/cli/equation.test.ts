// `lawful fit --model equation --equation …`: a user's system, from a .eq file or inline, fitted
// through the CLI with the recovered constants in results.json, and mistakes in the system
// refused in one line that keeps line:column.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seriesToCsv } from '../../src/data/csv-write.js';
import { simulate } from '../../src/systems/simulate.js';
import { lawful } from './run.js';

const LV = `# Lotka–Volterra, states named like the data's columns
param a = 1 in [0, 5]
param b = 0.5 in [0, 5]
param c = 1 in [0, 5]
param d = 0.5 in [0, 5]
prey' = a*prey - b*prey*predators
predators' = d*prey*predators - c*predators
`;

describe('lawful fit --model equation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lawful-eq-'));
  const data = join(dir, 'lv.csv');
  const params = { alpha: 1.5, beta: 1, gamma: 3, delta: 1, x0: [1, 1] };
  writeFileSync(data, seriesToCsv(simulate('lotka-volterra', { until: 10, dt: 0.05, params }).series));

  it('recovers the four constants of Lotka–Volterra from a .eq file within 1%', () => {
    writeFileSync(join(dir, 'lv.eq'), LV);
    const out = join(dir, 'out');
    const r = lawful(['fit', data, '--model', 'equation', '--equation', join(dir, 'lv.eq'), '--out', out]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const values = Object.fromEntries(results.models[0].describe.values.map((v: { name: string; value: number }) => [v.name, v.value]));
    const truth = { a: 1.5, b: 1, c: 3, d: 1 };
    for (const [k, v] of Object.entries(truth)) expect(Math.abs(values[k] - v) / v, k).toBeLessThan(0.01);
    expect(results.models[0].metrics.validPredictionTime).toBe(results.split.until);
  }, 120_000);

  it('takes the system inline, and adds the family when no --model is named', () => {
    const inline = LV.replace(/^#.*\n/, '');
    const r = lawful(['fit', data, '--equation', inline, '--out', join(dir, 'inline')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^equation\s+6\s/m);
  }, 120_000);

  it('refuses a mistake in the system in one line with its line and column, before reading data', () => {
    const r = lawful(['fit', join(dir, 'missing.csv'), '--model', 'equation', '--equation', "param k = 1\nx' = -k*q"]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^lawful: --equation: unknown name "q" at 2:9 — states are x; parameters are k$/m);
  });

  it('refuses --equation beside families that leave the equation model out', () => {
    const r = lawful(['fit', data, '--model', 'fourier', '--equation', "x' = -x"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--equation.*add --model equation/);
  });
});
