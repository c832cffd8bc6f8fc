// Builders of run-store fixtures shared by the tests of test/runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelResult, Results } from '../../src/report/results.js';

/** A fresh store path in its own temporary folder (the folder does not exist yet, so open must create it). */
export function tempStore(): string {
  return join(mkdtempSync(join(tmpdir(), 'lawful-runs-')), 'nested', 'runs.db');
}

/** A model entry with the given metrics. */
export function model(name: string, family: string, nrmseIn: number | null, nrmseOut: number | null, validPredictionTime: number): ModelResult {
  return {
    name,
    family,
    parameters: 27,
    metrics: {
      rmseIn: nrmseIn, nrmseIn, inWindowMode: 'simulated', nrmseInFreeRun: nrmseIn,
      rmseOut: nrmseOut, nrmseOut, validPredictionTime, fitSeconds: 1.5,
    },
    describe: { equations: ["x' = v"], frequencies: [1, 1.6] },
  };
}

/** A valid results.json record of `command` with the given models. */
export function results(command: string, models: ModelResult[], source = 'simulated:coupled-pendulums'): Results {
  return {
    schema: 1,
    lawful: '0.1.0',
    command,
    seed: 7,
    config: { oscillators: 4, bank: [4, 2] },
    data: { source, fingerprint: `sha256:${'ab'.repeat(32)}`, truth: 'clean' },
    split: { trainFrom: 0, trainUntil: 10, until: 30 },
    models,
  };
}
