// `lawful fit … --model sindy` writes the discovered system as discovered.eq beside the saved
// model, and `lawful fit … --model equation --equation <out>/discovered.eq` refits it: the
// Lotka–Volterra round trip (discovered, written, parsed, refitted) with the coefficients of
// both fits agreeing with each other and with the truth.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seriesToCsv } from '../../src/data/csv-write.js';
import { compileSystem } from '../../src/equations/index.js';
import { simulate } from '../../src/systems/simulate.js';
import { lawful } from './run.js';

describe('lawful fit --model sindy → discovered.eq → --model equation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lawful-sindy-eq-'));
  const data = join(dir, 'lv.csv');
  // x' = αx − βxy, y' = δxy − γy, written as columns prey and predators.
  const truth = { alpha: 1.5, beta: 1, gamma: 3, delta: 1 };
  writeFileSync(data, seriesToCsv(simulate('lotka-volterra', { until: 10, dt: 0.02, params: { ...truth, x0: [1, 1] } }).series));

  it('writes discovered.eq, which parses to the discovered model and refits to the same coefficients', () => {
    const out = join(dir, 'sindy');
    const r = lawful(['fit', data, '--model', 'sindy', '--out', out]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/model-sindy\.json\) with discovered\.eq/);
    const text = readFileSync(join(out, 'discovered.eq'), 'utf8');
    const system = compileSystem(text);
    expect(system.states).toEqual(['prey', 'predators']);
    // The parameters are SINDy's nonzero coefficients at full precision, in its order.
    const saved = JSON.parse(readFileSync(join(out, 'model-sindy.json'), 'utf8'));
    const [C, P] = saved.layout[0].shape;
    const xi = (saved.params as number[]).slice(0, C * P).filter((v) => v !== 0);
    expect(system.params.map((p) => p.initial)).toEqual(xi);
    // The four true terms, each coefficient within 0.5% of the truth.
    const want = { prey: { prey: truth.alpha, 'prey*predators': -truth.beta }, predators: { predators: -truth.gamma, 'prey*predators': truth.delta } };
    const terms = (equations: string[]) =>
      Object.fromEntries(equations.map((e) => {
        const [lhs, rhs] = e.split(' = ');
        return [lhs.slice(0, -1), rhs];
      }));
    expect(terms(system.equations())).toEqual({ prey: 'c1*prey + c2*prey*predators', predators: 'c3*predators + c4*prey*predators' });
    const sindy = [xi[0], xi[1], xi[2], xi[3]];
    const expected = [want.prey.prey, want.prey['prey*predators'], want.predators.predators, want.predators['prey*predators']];
    sindy.forEach((v, k) => expect(Math.abs(v - expected[k]) / Math.abs(expected[k])).toBeLessThan(0.005));

    // Refit it as an equation model, in a new folder, from the written file.
    const out2 = join(dir, 'equation');
    const r2 = lawful(['fit', data, '--model', 'equation', '--equation', join(out, 'discovered.eq'), '--out', out2]);
    expect(r2.stderr).not.toMatch(/\n\s+at /);
    expect(r2.status).toBe(0);
    const results = JSON.parse(readFileSync(join(out2, 'results.json'), 'utf8'));
    const values = results.models[0].describe.values.map((v: { value: number }) => v.value) as number[];
    // Refitted through the solver: the truth to 0.1%, SINDy's finite-difference estimate to 0.5%.
    values.forEach((v, k) => {
      expect(Math.abs(v - expected[k]) / Math.abs(expected[k]), `c${k + 1}`).toBeLessThan(1e-3);
      expect(Math.abs(v - sindy[k]) / Math.abs(sindy[k]), `c${k + 1}`).toBeLessThan(0.005);
    });
    expect(existsSync(join(out2, 'discovered.eq'))).toBe(false);
  }, 120_000);

  it('a second sindy fit into the same folder replaces it (discovered.eq counts as lawful\'s own file)', () => {
    const out = join(dir, 'again');
    expect(lawful(['fit', data, '--model', 'sindy', '--out', out]).status).toBe(0);
    const r = lawful(['fit', data, '--model', 'sindy', '--train-fraction', '0.5', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(join(out, 'discovered.eq'))).toBe(true);
  }, 60_000);

  it('a discrete map writes no .eq (the equation language writes ODEs)', () => {
    const out = join(dir, 'map');
    const r = lawful(['fit', data, '--model', 'sindy', '--config', '{"sindy": {"discrete": true}}', '--out', out]);
    expect(r.status).toBe(0);
    expect(existsSync(join(out, 'model-sindy.json'))).toBe(true);
    expect(existsSync(join(out, 'discovered.eq'))).toBe(false);
  }, 60_000);
});
