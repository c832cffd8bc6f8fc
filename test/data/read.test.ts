// readDataset: bytes on disk → text → parser, with the fingerprint of the exact bytes.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { readDataset } from '../../src/data/read.js';

const dir = mkdtempSync(join(tmpdir(), 'lawful-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
const sha = (b: string | Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('readDataset', () => {
  it('reads a UTF-8 file with a BOM and CRLF; the fingerprint is that of the bytes', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('t [s],θ [rad]\r\n0,1\r\n1,2\r\n')]);
    const p = file('bom.csv', bytes);
    const ds = await readDataset(p);
    expect(ds.source).toBe(p);
    expect(ds.fingerprint).toBe(sha(bytes));
    expect(ds.units).toEqual({ t: 's', θ: 'rad' });
    expect([...ds.trajectories[0].series.y[0]]).toEqual([1, 2]);
  });

  it('reads UTF-16LE with a BOM (spreadsheet "Unicode text"): tab-separated', async () => {
    const body = Buffer.from('t\tx\r\n0\t1,5\r\n1\t2,5\r\n', 'utf16le');
    const ds = await readDataset(file('excel.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), body])));
    expect([...ds.trajectories[0].series.y[0]]).toEqual([1.5, 2.5]);
  });

  it('reads invalid UTF-8 as Latin-1 and says so', async () => {
    const ds = await readDataset(file('latin1.csv', Buffer.from('t,temp (\xb0C)\n0,20\n1,21\n', 'latin1')));
    expect(ds.units).toEqual({ temp: '°C' });
    expect(ds.warnings[0]).toMatch(/not valid UTF-8/);
  });

  it('dispatches on the extension: .tsv forces tabs, .json/.jsonl/.ndjson the JSON reader, others are sniffed', async () => {
    // With tabs forced, the commas stay inside the cells and read as decimal commas.
    const tsv = await readDataset(file('a.tsv', 't\tx\n0\t1,5\n1\t2\n'));
    expect([...tsv.trajectories[0].series.y[0]]).toEqual([1.5, 2]);
    const json = await readDataset(file('a.json', '{"t":[0,1],"x":[3,4]}'));
    expect([...json.trajectories[0].series.y[0]]).toEqual([3, 4]);
    // A JSON Lines file whose first line is a row of names: sniffed as CSV it would fail.
    const jsonl = await readDataset(file('a.jsonl', '["t", "x"]\n[0, 5]\n[1, 6]\n'));
    expect([...jsonl.trajectories[0].series.y[0]]).toEqual([5, 6]);
    const sniffed = await readDataset(file('a.data', '  [{"t":0,"x":1},{"t":1,"x":2}]'));
    expect([...sniffed.trajectories[0].series.t]).toEqual([0, 1]);
    const csvish = await readDataset(file('noext', 't x\n0 1\n1 2\n'));
    expect(csvish.trajectories[0].series.names).toEqual(['x']);
  });

  it('errors name the file: missing file, directory, Parquet, a bad cell', async () => {
    await expect(readDataset(join(dir, 'nope.csv'))).rejects.toThrow(new RegExp(`nope\\.csv: cannot read the file: no such file`));
    await expect(readDataset(dir)).rejects.toBeInstanceOf(DataError);
    await expect(readDataset(file('t.parquet', 'PAR1\0\0\0'))).rejects.toThrow(/t\.parquet: the Parquet file is truncated or corrupt/);
    const p = file('bad.csv', 't,x\n0,1\n1,1.2.3\n');
    await expect(readDataset(p)).rejects.toThrow(`${p}, line 3, column 2: x: "1.2.3" is not a number`);
  });
});
