// The demo's scenario registry: names resolve or fail with the list, the CLI refuses a flag
// that belongs to another scenario, and the pendulum scenario is the reference experiment.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { getScenario, scenarios } from '../../src/eval/scenarios/index.js';
import { referenceModels } from '../../src/eval/reference-run.js';
import { lawfulInProcess } from '../cli/in-process.js';

describe('demo scenarios', () => {
  it('every scenario has a unique name, a summary and default families that are registered', () => {
    const names = scenarios.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toBe('pendulums');
    for (const s of scenarios) {
      expect(s.summary.length, s.name).toBeGreaterThan(10);
      expect(s.models().length, s.name).toBeGreaterThan(0);
    }
    expect(getScenario('pendulums').models()).toEqual(referenceModels());
  });

  it('an unknown name is a ConfigError naming --scenario and listing the scenarios', () => {
    expect(() => getScenario('pendulum')).toThrow(ConfigError);
    expect(() => getScenario('pendulum')).toThrow(/--scenario.*unknown scenario "pendulum"; scenarios are pendulums/);
  });

  it('lawful demo --scenario nope exits 2 with one line and no stack trace', async () => {
    const r = await lawfulInProcess(['demo', '--scenario', 'nope', '--out', join(mkdtempSync(join(tmpdir(), 'lawful-sc-')), 'out')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown scenario "nope"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('the pendulum scenario runs the reference experiment and records which scenario ran', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-sc-'));
    const r = await lawfulInProcess(['demo', '--scenario', 'pendulums', '--models', 'fourier,persistence', '--out', join(dir, 'out'), '--store', join(dir, 'runs.db')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/True modes, rad\/s/);
    const results = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8'));
    expect(results.models.map((m: { name: string }) => m.name)).toEqual(['fourier', 'persistence']);
    expect(results.config.system).toBe('coupled-pendulums');
    const shown = await lawfulInProcess(['runs', 'list', '--store', join(dir, 'runs.db'), '--json']);
    expect(shown.stdout).toMatch(/"scenario":\s*"pendulums"/);
  }, 60_000);
});
