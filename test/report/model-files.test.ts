// Files a model writes beside its saved form (Fitted.files, e.g. SINDy's discovered.eq):
// named as given when one model of the run has that name, with the model's name before the
// extension when several do, and a name outside lawful's own files refused with nothing written.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputFolder } from '../../src/report/output-folder.js';
import { writeRunOutput, type RunOutput } from '../../src/report/run-output.js';
import { exampleResults } from './fixtures.js';

function output(modelFiles: RunOutput['modelFiles']): RunOutput {
  const results = exampleResults();
  const t = Float64Array.from({ length: 31 }, (_, i) => i);
  const y = t.map((v) => Math.sin(v));
  return { results, truth: { t, y: [y], names: ['y'] }, split: results.split, predictions: results.models.map(() => [y]), modelFiles };
}

describe('model files in the output folder', () => {
  it('one model: discovered.eq as named; the folder then counts as lawful\'s own', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lawful-files-')), 'out');
    const files = await writeRunOutput(dir, output([{ 'discovered.eq': "x' = -x\n" }, undefined]));
    expect(files['file:oscillator-bank K=4:discovered.eq']).toBe(join(dir, 'discovered.eq'));
    expect(readFileSync(join(dir, 'discovered.eq'), 'utf8')).toBe("x' = -x\n");
    expect(() => checkOutputFolder(dir)).not.toThrow();
  }, 30_000);

  it('two models with the same file: each under its model\'s name', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lawful-files-')), 'out');
    await writeRunOutput(dir, output([{ 'discovered.eq': 'a\n' }, { 'discovered.eq': 'b\n' }]));
    expect(readFileSync(join(dir, 'discovered-oscillator-bank-K=4.eq'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(dir, 'discovered-LSTM.eq'), 'utf8')).toBe('b\n');
    expect(existsSync(join(dir, 'discovered.eq'))).toBe(false);
  }, 30_000);

  it('a name that is not one of lawful\'s files is refused and nothing is written', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'lawful-files-'));
    await expect(writeRunOutput(join(parent, 'out'), output([{ 'notes.txt': 'x' }, undefined]))).rejects.toThrow(/notes\.txt/);
    expect(readdirSync(parent)).toEqual([]);
  }, 30_000);
});
