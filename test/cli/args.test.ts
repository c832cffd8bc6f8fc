// Both forms of the family list and of --config, in process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelList, readFamilyConfigs } from '../../src/cli/args.js';

describe('modelList', () => {
  it('joins --model (repeatable, commas allowed) and --models a,b, in order', () => {
    expect(modelList(['fourier', 'lstm'], undefined)).toEqual(['fourier', 'lstm']);
    expect(modelList(undefined, 'fourier, lstm')).toEqual(['fourier', 'lstm']);
    expect(modelList(['fourier,persistence'], 'lstm')).toEqual(['fourier', 'persistence', 'lstm']);
    expect(modelList(undefined, undefined)).toBeUndefined();
  });
});

describe('readFamilyConfigs', () => {
  it('takes inline JSON or the path of a JSON file, and names which one is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-args-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, '{"fourier": {"terms": 6}}');
    expect(readFamilyConfigs(file)).toEqual({ fourier: { terms: 6 } });
    expect(readFamilyConfigs(' {"fourier": {"terms": 6}}')).toEqual({ fourier: { terms: 6 } });
    expect(() => readFamilyConfigs('{"fourier": ')).toThrow(/^--config: the inline JSON is not valid JSON: /);
    expect(() => readFamilyConfigs(join(dir, 'none.json'))).toThrow(/^--config: cannot read .*none\.json: no such file$/);
    writeFileSync(file, '[1]');
    expect(() => readFamilyConfigs(file)).toThrow(`--config: ${file} must hold an object of family → config`);
  });
});
