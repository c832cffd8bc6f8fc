// `runs show` tells an intact output folder from one a later run replaced or one that mixes
// two runs (every results.json and saved model carries its run id); an interrupted run keeps
// the results of the models it finished.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunOutput } from '../../src/runs/output-check.js';
import type { RunRecord } from '../../src/runs/record.js';
import { RunStore } from '../../src/runs/store.js';
import { model, results, tempStore } from './fixtures.js';

const A = 'a'.repeat(16);
const B = 'b'.repeat(16);

function folder(files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'lawful-check-')), 'out');
  mkdirSync(dir);
  for (const [name, run] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify({ run }));
  return dir;
}

function record(id: string, dir: string, models: string[]): RunRecord {
  const files: Record<string, string> = { results: join(dir, 'results.json') };
  for (const m of models) files[`model:${m}`] = join(dir, `model-${m}.json`);
  return { id, command: 'fit', status: 'completed', startedAt: '', config: {}, argv: [], pid: 1, host: 'h', files };
}

describe('checkRunOutput', () => {
  it('an intact folder: every file carries the run id', () => {
    const dir = folder({ 'results.json': A, 'model-fourier.json': A });
    expect(checkRunOutput(record(A, dir, ['fourier']))).toEqual({ folder: dir, matching: 2, problems: [] });
  });

  it('a folder a later run replaced: names the files and the other run', () => {
    const dir = folder({ 'results.json': B, 'model-lstm.json': B });
    expect(checkRunOutput(record(A, dir, ['fourier']))!.problems).toEqual([
      'results.json is from run bbbbbbbb, not this one (a later run replaced the folder)',
      'model-fourier.json is gone',
    ]);
  });

  it('a folder mixing two runs: a saved model beside a results.json of another run', () => {
    const dir = folder({ 'results.json': A, 'model-fourier.json': A, 'model-lstm.json': B });
    expect(checkRunOutput(record(A, dir, ['fourier']))!.problems).toEqual([
      'model-lstm.json is from run bbbbbbbb but results.json from run aaaaaaaa: the folder mixes two runs',
    ]);
  });

  it('files written before run ids were recorded are not called foreign', () => {
    const dir = folder({ 'results.json': '', 'model-fourier.json': '' });
    writeFileSync(join(dir, 'results.json'), '{}');
    writeFileSync(join(dir, 'model-fourier.json'), '{}');
    expect(checkRunOutput(record(A, dir, ['fourier']))!.problems).toEqual([]);
  });
});

describe('an interrupted run keeps what it finished', () => {
  it('interrupt(reason, partial) stores the finished models\' results and files with the status interrupted', () => {
    const store = RunStore.open(tempStore());
    try {
      const h = store.begin({ command: 'fit', config: {}, argv: ['fit'] });
      const partial = { results: results('fit', [model('fourier', 'fourier', 0.1, 0.4, 12)]), files: { results: '/x/results.json' } };
      expect(h.interrupt('interrupted (Ctrl-C); cut short: lstm', partial)).toBe(true);
      const r = store.get(h.id);
      expect(r.status).toBe('interrupted');
      expect(r.error).toBe('interrupted (Ctrl-C); cut short: lstm');
      expect(r.results?.models.map((m) => m.name)).toEqual(['fourier']);
      expect(r.files).toEqual({ results: '/x/results.json' });
      expect(store.list({ text: 'fourier' }).map((x) => x.id)).toEqual([h.id]); // its model rows are searchable
    } finally {
      store.close();
    }
  });
});
