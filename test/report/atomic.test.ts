import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/report/atomic.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lawful-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes text and bytes, replaces an existing file, and leaves no temporary file', () => {
    const path = join(dir, 'results.json');
    writeFileSync(path, 'old contents that are longer than the new ones');
    writeFileAtomic(path, '{"a":1}');
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}');
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256);
    writeFileAtomic(join(dir, 'figure.png'), bytes);
    expect(new Uint8Array(readFileSync(join(dir, 'figure.png')))).toEqual(bytes);
    expect(readdirSync(dir).sort()).toEqual(['figure.png', 'results.json']);
  });

  it('fails on a missing directory without creating anything', () => {
    const missing = join(dir, 'no-such-dir');
    expect(() => writeFileAtomic(join(missing, 'index.html'), '<html>')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes its temporary file when the final rename fails, leaving the target as it was', () => {
    // A non-empty directory cannot be replaced by a file: the data is written, the rename fails.
    const target = join(dir, 'figure.svg');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    expect(() => writeFileAtomic(target, '<svg/>')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['figure.svg']);
    expect(readdirSync(target)).toEqual(['keep']);
  });
});
