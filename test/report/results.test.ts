import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { parseResults, ResultsSchema, serializeResults } from '../../src/report/results.js';
import { exampleResults } from './fixtures.js';

/** results.json as a reader sees it: serialised, then parsed back. */
function asRead(): Record<string, unknown> & { models: Record<string, unknown>[] } {
  return JSON.parse(serializeResults(exampleResults()));
}

describe('results.json schema', () => {
  it('accepts a valid record and round-trips it, non-finite metrics as null', () => {
    const json = asRead();
    const parsed = parseResults(json);
    expect(parsed.models[0].metrics.nrmseOut).toBe(5.6e-8);
    expect(parsed.models[0].describe.equations).toEqual(["x1'' = -2.2e-2 x1' - 1.55 x1"]);
    // JSON has no NaN or Infinity: a diverged metric is written, and read back, as null.
    expect(parsed.models[1].metrics.rmseOut).toBeNull();
    expect(parsed.models[1].metrics.nrmseOut).toBeNull();
    expect(parseResults(JSON.parse(serializeResults(parsed)))).toEqual(parsed);
  });

  it('keeps fields it does not know (the shape grows by adding fields)', () => {
    const json = asRead();
    json.hostname = 'worker-3';
    (json.models[0].metrics as Record<string, unknown>).energyDrift = 1e-9;
    const parsed = parseResults(json) as unknown as typeof json;
    expect(parsed.hostname).toBe('worker-3');
    expect((parsed.models[0].metrics as Record<string, unknown>).energyDrift).toBe(1e-9);
  });

  it('rejects a missing metric with a message naming the field', () => {
    const json = asRead();
    delete (json.models[1].metrics as Record<string, unknown>).validPredictionTime;
    expect(() => parseResults(json)).toThrow(DataError);
    expect(() => parseResults(json)).toThrow(/^results\.json: models\[1\]\.metrics\.validPredictionTime: /);
    expect(ResultsSchema.safeParse(json).success).toBe(false);
  });

  it('names every bad field: a non-finite number in memory, a bad fingerprint, a split out of order', () => {
    const r = exampleResults();
    r.data.fingerprint = 'md5:abc';
    r.split = { trainFrom: 0, trainUntil: 40, until: 30 };
    r.models[0].metrics.validPredictionTime = Infinity; // would silently become null in JSON
    let message = '';
    try {
      serializeResults(r);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/data\.fingerprint: expected "sha256:"/);
    expect(message).toMatch(/split: needs trainFrom < trainUntil <= until/);
    expect(message).toMatch(/models\[0\]\.metrics\.validPredictionTime/);
  });

  it('rejects an unknown in-window mode and a fractional parameter count', () => {
    const json = asRead();
    (json.models[0].metrics as Record<string, unknown>).inWindowMode = 'teacher';
    json.models[1].parameters = 2.5;
    expect(() => parseResults(json, 'run 42')).toThrow(/^run 42: models\[0\]\.metrics\.inWindowMode: .*; models\[1\]\.parameters: /);
  });
});
