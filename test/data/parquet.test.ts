// The Parquet reader: files written here with hyparquet-writer (no binary fixtures) read
// back to the exact doubles, behave as the same table written as CSV, and every problem is
// a DataError naming the file, the row and the column.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import type { CompressionCodec } from 'hyparquet';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { parseCsv } from '../../src/data/csv.js';
import type { Dataset, ParseOptions } from '../../src/data/dataset.js';
import { parseParquet } from '../../src/data/parquet.js';
import { readDataset } from '../../src/data/read.js';
import { assertSeries } from '../../src/data/series.js';
import { lawful } from '../cli/run.js';

const FILE = 'x.parquet';

type Compressors = Partial<Record<CompressionCodec, (input: Uint8Array) => Uint8Array>>;

/** A Zstandard frame (RFC 8878) of raw blocks: magic, single-segment header with the 8-byte content size, blocks of at most 128 KiB. */
function zstdStored(input: Uint8Array): Uint8Array {
  const out: number[] = [0x28, 0xb5, 0x2f, 0xfd, 0xe0];
  for (let i = 0; i < 8; i++) out.push(Number((BigInt(input.length) >> BigInt(8 * i)) & 0xffn));
  const max = 128 * 1024;
  for (let at = 0; at === 0 || at < input.length; at += max) {
    const size = Math.min(max, input.length - at);
    const header = (size << 3) | (0 << 1) | (at + size >= input.length ? 1 : 0); // Block_Type 0 = raw
    out.push(header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, ...input.subarray(at, at + size));
  }
  return Uint8Array.from(out);
}

/** An LZ4 block of one sequence of literals only (the format's last sequence): token, length bytes, the bytes. */
function lz4Literals(input: Uint8Array): Uint8Array {
  const out: number[] = [Math.min(15, input.length) << 4];
  if (input.length >= 15) {
    let rest = input.length - 15;
    for (; rest >= 255; rest -= 255) out.push(255);
    out.push(rest);
  }
  return Uint8Array.from([...out, ...input]);
}

function parquet(columns: ColumnSource[]): Uint8Array {
  return new Uint8Array(parquetWriteBuffer({ columnData: columns }));
}

const read = (bytes: Uint8Array | ArrayBuffer, opts: ParseOptions = {}) => parseParquet(bytes, { file: FILE, ...opts });

/** Two runs of three rows, a null, int32 time and int64 data: the seed of the corruption tests. */
function sixRows(): Uint8Array {
  return parquet([
    { name: 'run', data: ['a', 'a', 'a', 'b', 'b', 'b'], type: 'STRING' },
    { name: 't', data: Int32Array.from([0, 1, 2, 0, 1, 2]), type: 'INT32' },
    { name: 'y', data: [0.5, null, 1.5, 2, 3, 4], type: 'DOUBLE', nullable: true },
    { name: 'n', data: BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 6n]), type: 'INT64' },
  ]);
}

/** Offset of the footer (the file's metadata); the data pages lie between the leading PAR1 and it. */
function footerStartOf(bytes: Uint8Array): number {
  return bytes.length - 8 - new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
}

/** Awaits `p`, which must reject with a DataError naming FILE and, if given, the row and column. */
async function rejects(p: Promise<unknown>, want: { row?: number; column?: number; match: RegExp }): Promise<DataError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a DataError').toBeInstanceOf(DataError);
  const err = caught as DataError;
  expect(err.location.file).toBe(FILE);
  expect(err.message.startsWith(`${FILE}`)).toBe(true);
  if (want.row !== undefined) {
    expect(err.location.line).toBe(want.row);
    expect(err.message).toContain(`row ${want.row}`);
    expect(err.message).not.toMatch(/\bline\b/);
  }
  if (want.column !== undefined) {
    expect(err.location.column).toBe(want.column);
    expect(err.message).toContain(`column ${want.column}`);
  }
  expect(err.message).toMatch(want.match);
  return err;
}

describe('parseParquet', () => {
  it('round-trips doubles exactly, with float, int32, int64 and units in the names', async () => {
    const rng = new Rng(7);
    const n = 200;
    const t = Float64Array.from({ length: n }, (_, i) => i * 0.1 + 1e-3 * rng.uniform());
    const x = Float64Array.from({ length: n }, () => rng.normal() * 1e3);
    const f = Float32Array.from({ length: n }, () => rng.normal());
    const k = Int32Array.from({ length: n }, (_, i) => i * 7 - 300);
    const big = BigInt64Array.from({ length: n }, (_, i) => 2n ** 53n - BigInt(i)); // the largest exact integers
    const ds = await read(
      parquet([
        { name: 'time [s]', data: t, type: 'DOUBLE' },
        { name: 'x [m]', data: x, type: 'DOUBLE' },
        { name: 'f', data: f, type: 'FLOAT' },
        { name: 'k', data: k, type: 'INT32' },
        { name: 'big', data: big, type: 'INT64' },
      ]),
    );
    expect(ds.timeColumn).toBe('time');
    expect(ds.units).toEqual({ time: 's', x: 'm' });
    expect(ds.trajectories).toHaveLength(1);
    const s = ds.trajectories[0].series;
    expect(s.names).toEqual(['x', 'f', 'k', 'big']);
    // Bit-identical: Float64Array equality compares every double.
    expect(s.t).toEqual(t);
    expect(s.y[0]).toEqual(x);
    expect(s.y[1]).toEqual(Float64Array.from(f));
    expect(s.y[2]).toEqual(Float64Array.from(k));
    expect(s.y[3][0]).toBe(2 ** 53);
    expect(s.y[3]).toEqual(Float64Array.from(big, Number));
    expect(ds.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('reads a Node Buffer that is a view into a larger pool (as readFileSync may return)', async () => {
    const bytes = sixRows();
    const pool = new Uint8Array(bytes.length + 12).fill(0xff);
    pool.set(bytes, 7);
    const pooled = Buffer.from(pool.buffer, 7, bytes.length);
    expect(pooled.byteOffset).toBe(7);
    expect(await parseParquet(pooled, { fill: 'interpolate' })).toStrictEqual(await parseParquet(bytes, { fill: 'interpolate' }));
  });

  describe('compressed files', () => {
    /** The same table under every codec: int32 time, doubles with a null, a trajectory column. */
    function table(codec: CompressionCodec, compressors: Compressors = {}): Uint8Array {
      const rng = new Rng(11);
      const n = 3000; // several kilobytes per column, so the compressors really work
      return new Uint8Array(
        parquetWriteBuffer({
          codec,
          compressors,
          columnData: [
            { name: 'run', data: Array.from({ length: n }, (_, i) => (i < n / 2 ? 'a' : 'b')), type: 'STRING' },
            { name: 't', data: Int32Array.from({ length: n }, (_, i) => i % (n / 2)), type: 'INT32' },
            { name: 'y', data: Array.from({ length: n }, (_, i) => (i === 17 ? null : Math.sin(i / 50) + 1e-3 * rng.normal())), type: 'DOUBLE', nullable: true },
          ],
        }),
      );
    }
    const plain = () => read(table('UNCOMPRESSED'), { fill: 'interpolate' });

    // Node 20's zlib writes GZIP and BROTLI; ZSTD and LZ4_RAW are written as valid frames of
    // stored (uncompressed) blocks, which the decoders must still walk through.
    const codecs: [CompressionCodec, Compressors][] = [
      ['SNAPPY', {}],
      ['GZIP', { GZIP: (b) => new Uint8Array(gzipSync(b)) }],
      ['BROTLI', { BROTLI: (b) => new Uint8Array(brotliCompressSync(b)) }],
      ['ZSTD', { ZSTD: zstdStored }],
      ['LZ4_RAW', { LZ4_RAW: lz4Literals }],
    ];
    for (const [codec, compressors] of codecs) {
      it(`${codec}: reads the same series as the uncompressed file`, async () => {
        const bytes = table(codec, compressors);
        const footer = parquetMetadata(new Uint8Array(bytes).buffer);
        expect(footer.row_groups[0].columns.map((c) => c.meta_data?.codec)).toEqual([codec, codec, codec]);
        const ds = await read(bytes, { fill: 'interpolate' });
        const want = await plain();
        expect(ds.trajectories.map((tr) => tr.id)).toEqual(['a', 'b']);
        expect(ds.trajectories.map((tr) => tr.series)).toStrictEqual(want.trajectories.map((tr) => tr.series));
        expect(ds.fingerprint).not.toBe(want.fingerprint); // other bytes, same numbers
      });
    }

    it('a codec it cannot decode (LZO) is a DataError naming the column and the codec', async () => {
      const lzo = table('LZO', { LZO: (b) => b }); // the bytes are never looked at: the footer decides
      await rejects(read(lzo), { match: /column "run" is compressed with LZO, which lawful cannot decode \(it reads UNCOMPRESSED, SNAPPY, GZIP/ });
    });
  });

  it('reads a string trajectory column and splits the runs', async () => {
    const ds = await read(
      parquet([
        { name: 'run', data: ['a', 'a', 'a', 'b', 'b'], type: 'STRING' },
        { name: 't', data: [0, 1, 2, 0, 1], type: 'DOUBLE' },
        { name: 'y', data: [1, 2, 3, 4, 5], type: 'DOUBLE' },
      ]),
    );
    expect(ds.trajectoryColumn).toBe('run');
    expect(ds.trajectories.map((tr) => tr.id)).toEqual(['a', 'b']);
    expect([...ds.trajectories[1].series.t]).toEqual([0, 1]);
    expect([...ds.trajectories[1].series.y[0]]).toEqual([4, 5]);
  });

  it('reads a timestamp time column as seconds since the epoch, like ISO times in CSV', async () => {
    const ms = [1_700_000_000_000, 1_700_000_000_250, 1_700_000_001_000];
    const ds = await read(
      parquet([
        { name: 'timestamp', data: ms.map((m) => new Date(m)), type: 'TIMESTAMP' },
        { name: 'y', data: [1, 2, 3], type: 'DOUBLE' },
      ]),
    );
    expect([...ds.trajectories[0].series.t]).toEqual(ms.map((m) => m / 1000));
    expect(ds.warnings.join('\n')).toMatch(/timestamp.*seconds since 1970-01-01 UTC/);
    const csv = parseCsv(`timestamp,y\n${ms.map((m, i) => `${new Date(m).toISOString()},${i + 1}`).join('\n')}\n`);
    expect(ds.trajectories[0].series.t).toEqual(csv.trajectories[0].series.t);
  });

  describe('nulls are missing values', () => {
    const bytes = parquet([
      { name: 't', data: [0, 1, 2, 3, 4], type: 'DOUBLE' },
      { name: 'y', data: [0, 10, null, null, 40], type: 'DOUBLE', nullable: true },
    ]);

    it("fill 'error' (default): names their count, rows and column", async () => {
      const err = await rejects(read(bytes), { row: 3, column: 2, match: /2 missing values .* at row 3 column 2 \(y\), row 4 column 2 \(y\); pass --fill interpolate or --fill drop/ });
      expect(err.location.lineLabel).toBe('row');
    });

    it("fill 'interpolate': linear in t", async () => {
      const ds = await read(bytes, { fill: 'interpolate' });
      expect([...ds.trajectories[0].series.y[0]]).toEqual([0, 10, 20, 30, 40]);
      expect(ds.warnings.join('\n')).toMatch(/interpolated 2 of 2 missing values/);
    });

    it("fill 'drop': drops the rows", async () => {
      const ds = await read(bytes, { fill: 'drop' });
      expect([...ds.trajectories[0].series.t]).toEqual([0, 1, 4]);
      expect(ds.warnings.join('\n')).toMatch(/dropped 2 rows/);
    });

    it('a null at the end cannot be interpolated', async () => {
      const end = parquet([
        { name: 't', data: [0, 1, 2], type: 'DOUBLE' },
        { name: 'y', data: [0, 1, null], type: 'DOUBLE', nullable: true },
      ]);
      await rejects(read(end, { fill: 'interpolate' }), { row: 3, column: 2, match: /y: missing value at the end/ });
    });
  });

  it('decreasing and duplicate times name the row', async () => {
    const dec = parquet([
      { name: 't', data: [0, 1, 2, 1.5], type: 'DOUBLE' },
      { name: 'y', data: [0, 1, 2, 3], type: 'DOUBLE' },
    ]);
    await rejects(read(dec), { row: 4, column: 1, match: /t: time decreases in the file, 1\.5 after 2 at row 3/ });
    const dup = parquet([
      { name: 't', data: Int32Array.from([0, 1, 1]), type: 'INT32' },
      { name: 'y', data: [0, 1, 2], type: 'DOUBLE' },
    ]);
    await rejects(read(dup), { row: 3, column: 1, match: /t: duplicate time 1 in the file \(also at row 2\)/ });
  });

  it('a string column is never data, even when its strings look like numbers', async () => {
    const bytes = parquet([
      { name: 't', data: [0, 1, 2], type: 'DOUBLE' },
      { name: 'y', data: [0, 1, 2], type: 'DOUBLE' },
      { name: 'label', data: ['1.5', '2.5', '3.5'], type: 'STRING' },
    ]);
    await rejects(read(bytes, { channels: ['y', 'label'] }), { column: 3, match: /label: a string column cannot be a channel; only the trajectory id/ });
    await rejects(read(bytes, { time: 'label' }), { column: 3, match: /label: a string column cannot be the time/ });
    const ds = await read(bytes);
    expect(ds.trajectories[0].series.names).toEqual(['y']);
    expect(ds.warnings.join('\n')).toMatch(/skipped columns holding text, not numbers: "label"/);
  });

  it('int64 beyond 2^53 is an error naming the column and row; within it, exact', async () => {
    const bytes = parquet([
      { name: 't', data: [0, 1, 2], type: 'DOUBLE' },
      { name: 'count', data: BigInt64Array.from([1n, -(2n ** 53n), 2n ** 53n + 1n]), type: 'INT64' },
      { name: 'y', data: [0, 1, 2], type: 'DOUBLE' },
    ]);
    await rejects(read(bytes), { row: 3, column: 2, match: /count: integer 9007199254740993 is beyond 2\^53/ });
    // A column that is not read does not matter.
    const ds = await read(bytes, { channels: ['y'] });
    expect(ds.trajectories[0].series.names).toEqual(['y']);
    // An int64 trajectory id beyond 2^53 is kept exactly, as text.
    const ids = await read(
      parquet([
        { name: 'id', data: BigInt64Array.from([2n ** 60n + 1n, 2n ** 60n + 1n, 2n ** 60n + 3n, 2n ** 60n + 3n]), type: 'INT64' },
        { name: 't', data: [0, 1, 0, 1], type: 'DOUBLE' },
        { name: 'y', data: [0, 1, 2, 3], type: 'DOUBLE' },
      ]),
    );
    expect(ids.trajectories.map((tr) => tr.id)).toEqual([String(2n ** 60n + 1n), String(2n ** 60n + 3n)]);
  });

  it('truncated files, other bytes and an empty table are DataErrors naming the file', async () => {
    const bytes = parquet([
      { name: 't', data: [0, 1, 2, 3], type: 'DOUBLE' },
      { name: 'y', data: [0, 1, 2, 3], type: 'DOUBLE' },
    ]);
    for (let cut = 0; cut < bytes.length; cut += 7) await rejects(read(bytes.subarray(0, cut)), { match: /Parquet/ });
    await rejects(read(bytes.subarray(0, bytes.length - 1)), { match: /truncated or corrupt/ });
    await rejects(read(new TextEncoder().encode('t,y\n0,1\n')), { match: /not a Parquet file: it does not start with the bytes PAR1/ });
    // The footer kept, the middle cut out: the footer's offsets point into nothing.
    const holed = new Uint8Array([...bytes.subarray(0, 20), ...bytes.subarray(60)]);
    await rejects(read(holed), { match: /corrupt/ });
    const empty = parquet([
      { name: 't', data: new Float64Array(0), type: 'DOUBLE' },
      { name: 'y', data: new Float64Array(0), type: 'DOUBLE' },
    ]);
    await rejects(read(empty), { match: /columns \("t", "y"\) but no rows/ });
  });

  it('the same table as CSV and as Parquet gives identical series (trajectories, nulls interpolated, units)', async () => {
    const rng = new Rng(11);
    const rows: Array<[string, number, number | null, number]> = [];
    for (const run of ['r1', 'r2']) {
      for (let i = 0; i < 50; i++) rows.push([run, i * 0.05 + (run === 'r2' ? 100 : 0), i % 10 === 3 ? null : rng.normal(), rng.uniform() * 1e-3]);
    }
    const csv = ['trajectory,t [s],theta [rad],omega', ...rows.map((r) => r.map((v) => (v === null ? 'NaN' : String(v))).join(','))].join('\n');
    const pq = parquet([
      { name: 'trajectory', data: rows.map((r) => r[0]), type: 'STRING' },
      { name: 't [s]', data: rows.map((r) => r[1]), type: 'DOUBLE' },
      { name: 'theta [rad]', data: rows.map((r) => r[2]), type: 'DOUBLE', nullable: true },
      { name: 'omega', data: rows.map((r) => r[3]), type: 'DOUBLE' },
    ]);
    for (const fill of ['interpolate', 'drop'] as const) {
      const a = parseCsv(csv, { fill });
      const b = await parseParquet(pq, { fill });
      expect(b.trajectories).toEqual(a.trajectories);
      expect(b.units).toEqual(a.units);
      expect(b.trajectoryColumn).toBe(a.trajectoryColumn);
      expect(b.timeColumn).toBe(a.timeColumn);
    }
    expect(parseCsv(csv, { fill: 'interpolate' }).trajectories[0].series.t).toHaveLength(50);
  });

  it('random bytes, bare or framed by PAR1, and corrupt footers give a valid Dataset or a DataError (1,500 runs)', async () => {
    const valid = sixRows();
    const tally = { ok: 0, dataError: 0 };
    const framed = fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array([0x50, 0x41, 0x52, 0x31, ...b, 0x50, 0x41, 0x52, 0x31]));
    // Up to 3 bytes of the footer (the file's metadata) overwritten. Corrupting the data
    // pages is left out: hyparquet 1.33 can loop forever on some corrupt pages, which only
    // readDataset's worker thread can stop (tested below, one such file).
    const footerStart = footerStartOf(valid);
    const corruptFooter = fc.array(fc.tuple(fc.nat(valid.length - 9 - footerStart), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }).map((edits) => {
      const b = valid.slice();
      for (const [i, v] of edits) b[footerStart + i] = v;
      return b;
    });
    const inputs = fc.oneof(fc.uint8Array({ maxLength: 300 }), framed, corruptFooter, fc.constant(valid));
    await fc.assert(
      fc.asyncProperty(inputs, fc.constantFrom('error', 'interpolate', 'drop') as fc.Arbitrary<'error' | 'interpolate' | 'drop'>, async (bytes, fill) => {
        let ds: Dataset;
        try {
          ds = await read(bytes, { fill });
        } catch (e) {
          if (!(e instanceof DataError)) throw new Error(`not a DataError: ${String(e)}`, { cause: e });
          expect(e.location.file).toBe(FILE);
          tally.dataError++;
          return;
        }
        for (const { series } of ds.trajectories) {
          assertSeries(series);
          for (const a of [series.t, ...series.y]) for (const v of a) expect(Number.isFinite(v)).toBe(true);
        }
        tally.ok++;
      }),
      { numRuns: 1500, seed: 42 },
    );
    // Both outcomes were reached.
    expect(tally.ok + tally.dataError).toBe(1500);
    expect(tally.ok).toBeGreaterThan(0);
    expect(tally.dataError).toBeGreaterThan(0);
    console.log(`parquet property: ${tally.ok} read, ${tally.dataError} DataErrors`);
  }, 30_000);
});

describe('readDataset and lawful fit on a .parquet file', () => {
  /** y = e^{-0.02t} cos(1.3t) on [0, 20] every 0.05, as Parquet. */
  function decayingCosine(): Uint8Array {
    const t = Float64Array.from({ length: 401 }, (_, i) => i * 0.05);
    return parquet([
      { name: 'time [s]', data: t, type: 'DOUBLE' },
      { name: 'y', data: t.map((s) => Math.exp(-0.02 * s) * Math.cos(1.3 * s)), type: 'DOUBLE' },
    ]);
  }

  it('readDataset dispatches on .parquet and on the PAR1 magic, fingerprinting the bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-pq-'));
    const bytes = decayingCosine();
    for (const name of ['a.parquet', 'a.bin']) {
      writeFileSync(join(dir, name), bytes);
      const ds = await readDataset(join(dir, name));
      expect(ds.source).toBe(join(dir, name));
      expect(ds.trajectories[0].series.t).toHaveLength(401);
      expect(ds.fingerprint).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    }
    writeFileSync(join(dir, 'bad.parquet'), 't,y\n0,1\n1,2\n');
    await expect(readDataset(join(dir, 'bad.parquet'))).rejects.toThrow(/bad\.parquet: not a Parquet file/);
  });

  it('lawful fit some.parquet --model fourier runs end to end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-pq-fit-'));
    const path = join(dir, 'some.parquet');
    writeFileSync(path, decayingCosine());
    const out = join(dir, 'out');
    const r = lawful(['fit', path, '--model', 'fourier', '--train-until', '10', '--out', out]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/fourier\s+\d+/);
    expect(existsSync(join(out, 'model-fourier.json'))).toBe(true);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { data: { source: string }; split: unknown; models: Array<{ family: string }> };
    expect(results.data.source).toContain('some.parquet');
    expect(results.split).toEqual({ trainFrom: 0, trainUntil: 10, until: 20 });
    expect(results.models.map((m) => m.family)).toEqual(['fourier']);
  }, 60_000);

  it('corrupt data pages on which hyparquet loops forever give a DataError naming the file once parquetTimeoutMs runs out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-pq-hang-'));
    const valid = sixRows();
    const corrupt = valid.slice();
    corrupt[73] = 152;
    corrupt[410] = 51;
    // Byte 73 sits in a data page (between the leading PAR1 and the footer) and alone makes
    // hyparquet 1.33 spin in readRleBitPackedHybrid; byte 410 is in the footer, which still parses.
    expect(73).toBeGreaterThan(4);
    expect(73).toBeLessThan(footerStartOf(valid));
    expect(footerStartOf(corrupt)).toBe(footerStartOf(valid));
    const path = join(dir, 'spins.parquet');
    writeFileSync(path, corrupt);
    let caught: unknown;
    try {
      await readDataset(path, { parquetTimeoutMs: 300, fill: 'interpolate' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DataError);
    const err = caught as DataError;
    expect(err.location).toEqual({ file: path });
    expect(err.message).toBe(`${path}: could not decode the Parquet file within 0.3 s: the file's data pages look corrupt`);
    // The same file before the edits reads, under the same limit.
    writeFileSync(path, valid);
    const ds = await readDataset(path, { parquetTimeoutMs: 10_000, fill: 'interpolate' });
    expect([...ds.trajectories[1].series.y[0]]).toEqual([2, 3, 4]);
    expect([...ds.trajectories[0].series.y[0]]).toEqual([0.5, 1, 1.5]); // the null interpolated
    await expect(readDataset(path, { parquetTimeoutMs: 0 })).rejects.toThrow(/parquetTimeoutMs: must be a positive, finite number of milliseconds; got 0/);
  });

  it('a valid file reads identically through readDataset (worker thread) and parseParquet (in process)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-pq-same-'));
    const rng = new Rng(13);
    const n = 300;
    const run = Array.from({ length: n }, (_, i) => (i < n / 2 ? 'r1' : 'r2'));
    const t = Float64Array.from({ length: n }, (_, i) => (i % (n / 2)) * 0.01 + 1e-4 * rng.uniform());
    const x = Array.from({ length: n }, (_, i) => (i % 17 === 5 ? null : rng.normal() * 1e-3));
    const big = BigInt64Array.from({ length: n }, (_, i) => 2n ** 53n - BigInt(i));
    const bytes = parquet([
      { name: 'run', data: run, type: 'STRING' },
      { name: 'time [s]', data: t, type: 'DOUBLE' },
      { name: 'x [m]', data: x, type: 'DOUBLE', nullable: true },
      { name: 'big', data: big, type: 'INT64' },
    ]);
    const path = join(dir, 'same.parquet');
    writeFileSync(path, bytes);
    const fingerprint = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    for (const fill of ['interpolate', 'drop'] as const) {
      const viaWorker = await readDataset(path, { fill });
      const direct = await parseParquet(bytes, { file: path, fingerprint, fill });
      // toStrictEqual compares every double with Object.is (so -0 ≠ 0) and every key, undefined ones too.
      expect(viaWorker).toStrictEqual(direct);
      expect(viaWorker.trajectories.map((tr) => tr.id)).toEqual(['r1', 'r2']);
      expect(viaWorker.trajectories[1].series.y[1][0]).toBe(2 ** 53 - n / 2);
      expect(viaWorker.trajectories[0].series.t).toBeInstanceOf(Float64Array);
    }
  });

  it('errors raised in the worker arrive as DataErrors with the same message and location as in process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-pq-err-'));
    const twoCols = (y: ColumnSource) => parquet([{ name: 't', data: [0, 1, 2], type: 'DOUBLE' }, y]);
    const cases: Array<[string, Uint8Array, ParseOptions, RegExp]> = [
      ['nulls.parquet', twoCols({ name: 'y', data: [0, null, 2], type: 'DOUBLE', nullable: true }), {}, /row 2, column 2: 1 missing value/],
      ['huge.parquet', twoCols({ name: 'c', data: BigInt64Array.from([1n, 2n, 2n ** 53n + 1n]), type: 'INT64' }), {}, /row 3, column 2: c: integer 9007199254740993 is beyond 2\^53/],
      ['text.parquet', twoCols({ name: 'label', data: ['a', 'b', 'c'], type: 'STRING' }), { channels: ['label'] }, /column 2: label: a string column cannot be a channel/],
      ['cut.parquet', sixRows().subarray(0, 100), {}, /truncated or corrupt/],
    ];
    for (const [name, bytes, opts, match] of cases) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const fingerprint = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      const outcomes = await Promise.allSettled([readDataset(path, opts), parseParquet(bytes, { ...opts, file: path, fingerprint })]);
      const [viaWorker, direct] = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as unknown) : undefined));
      expect(viaWorker).toBeInstanceOf(DataError);
      expect(direct).toBeInstanceOf(DataError);
      const [a, b] = [viaWorker as DataError, direct as DataError];
      expect(a.name).toBe('DataError');
      expect(a.message).toBe(b.message);
      expect(a.location).toStrictEqual(b.location);
      expect(a.message.startsWith(`${path}, `) || a.message.startsWith(`${path}: `)).toBe(true);
      expect(a.message).toMatch(match);
    }
  });
});
