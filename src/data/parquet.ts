/**
 * The Parquet reader, pure and browser-safe: bytes → Dataset through hyparquet (pure
 * JavaScript, no native code, runs in a Web Worker) and the shared build step, so column
 * choice, missing values (Parquet nulls), fill, trajectories, units in names and the
 * clock checks behave exactly as for CSV. Parquet has no lines: positions are 1-based
 * row indices and messages say "row".
 *
 * Column types: FLOAT, DOUBLE, INT32, INT64 (exact up to 2^53, an error beyond), DECIMAL
 * and FLOAT16 are numbers; TIMESTAMP, INT96 and DATE are seconds since 1970-01-01 UTC (as
 * the CSV reader reads ISO 8601 times); strings (and booleans) may only be the
 * trajectory id. Nested columns are text to the builder and so cannot be read as data.
 *
 * Compression: every codec that writers use today is decoded — UNCOMPRESSED, SNAPPY
 * (pyarrow's and pandas' default), ZSTD (polars' and DuckDB's default), GZIP, BROTLI, LZ4
 * and LZ4_RAW — through hyparquet-compressors (pure JavaScript plus a small WebAssembly
 * snappy inlined in the package, so still browser-safe). LZO, which no current writer
 * produces, is a DataError naming the codec.
 */
import { parquetMetadata, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { FileMetaData, ParquetParsers, SchemaElement } from 'hyparquet';
import { DataError } from '../core/errors.js';
import { buildDataset } from './build.js';
import { splitUnit } from './columns.js';
import type { Dataset, ParseOptions, Table } from './dataset.js';
import { sha256Hex } from './sha256.js';

/** Every Parquet file starts and ends with these four bytes (Apache Parquet format spec). */
const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

/** How a top-level column is read: as numbers, as a clock in seconds, or as text. */
type ColumnKind = { kind: 'number' } | { kind: 'time'; resolution: number } | { kind: 'text'; type: string };

/** Timestamps and dates straight to seconds since the epoch, instead of hyparquet's Date objects (which drop sub-millisecond digits). */
const SECONDS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (ms: bigint) => Number(ms) / 1e3,
  timestampFromMicroseconds: (us: bigint) => Number(us) / 1e6,
  timestampFromNanoseconds: (ns: bigint) => Number(ns) / 1e9,
  dateFromDays: (days: number) => days * 86400,
};

/**
 * Parses the bytes of a Parquet file into a Dataset, or throws a DataError naming file, row
 * and column. The decoding runs synchronously despite the Promise: hyparquet (1.33) can loop
 * forever on corrupt data pages, and nothing here can interrupt it. Callers that read
 * untrusted files must therefore run it where it can be stopped: in a browser, in a Web
 * Worker that the page terminates after a time limit; in Node, `readDataset` (read.ts)
 * already runs it in a worker thread with a time limit (`parquetTimeoutMs`).
 */
export async function parseParquet(bytes: ArrayBuffer | Uint8Array, opts: ParseOptions = {}): Promise<Dataset> {
  const file = opts.file;
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const fingerprint = opts.fingerprint ?? `sha256:${sha256Hex(u8)}`;
  if (MAGIC.some((b, i) => u8[i] !== b)) {
    throw new DataError('not a Parquet file: it does not start with the bytes PAR1', { file });
  }
  // Header magic, footer length (4 bytes), footer magic: 12 bytes at the very least.
  if (u8.length < 12 || MAGIC.some((b, i) => u8[u8.length - 4 + i] !== b)) {
    throw new DataError('the Parquet file is truncated or corrupt: it does not end with the bytes PAR1', { file });
  }
  // hyparquet reads from an ArrayBuffer; copy only when the view does not cover its whole buffer.
  const buffer = u8.byteOffset === 0 && u8.byteLength === u8.buffer.byteLength && u8.buffer instanceof ArrayBuffer ? u8.buffer : new Uint8Array(u8).buffer;

  let metadata: FileMetaData;
  let rows: unknown[][];
  try {
    metadata = parquetMetadata(buffer);
    checkChunks(metadata, file);
    rows = await new Promise<unknown[][]>((resolve, reject) => {
      parquetRead({ file: buffer, metadata, compressors, parsers: SECONDS, utf8: true, onComplete: resolve }).catch(reject);
    });
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`the Parquet file is corrupt or uses a feature hyparquet cannot decode (${messageOf(e)})`, { file });
  }
  const { names, kinds } = topLevelColumns(metadata.schema, file);
  const nRows = Number(metadata.num_rows);
  if (rows.length !== nRows || rows.some((row) => !Array.isArray(row) || row.length !== names.length)) {
    throw new DataError(`the Parquet file is corrupt: its footer declares ${nRows} rows of ${names.length} columns, ${rows.length} rows were decoded`, { file });
  }
  if (nRows === 0) throw new DataError(`the file has columns (${names.map((n) => JSON.stringify(n)).join(', ')}) but no rows`, { file });

  const table: Table = {
    names,
    namePositions: names.map((_, j) => ({ column: j + 1 })),
    headerLine: undefined,
    nRows,
    cell: (r, c) => cellOf(rows[r][c], kinds[c]),
    position: (r, c) => ({ line: r + 1, column: c + 1 }),
    lineLabel: 'row',
    timeResolution: (c) => {
      const k = kinds[c];
      return k.kind === 'time' ? k.resolution : undefined;
    },
    textType: (c) => {
      const k = kinds[c];
      return k.kind === 'text' ? k.type : undefined;
    },
    decimalComma: false,
    warnings: [],
  };
  const ds = buildDataset(table, opts, fingerprint);
  const tc = names.findIndex((n, j) => (splitUnit(n).name || `c${j + 1}`) === ds.timeColumn);
  if (tc >= 0 && kinds[tc].kind === 'time') {
    ds.warnings.push(`time "${ds.timeColumn}" read from a Parquet timestamp/date column, in seconds since 1970-01-01 UTC`);
  }
  return ds;
}

/**
 * Every column chunk must use a codec we can decode and belong to a top-level column of
 * the schema. hyparquet 1.33 reads
 * a chunk that does not (a corrupt footer) but never awaits it, so its failure would
 * surface as an unhandled rejection instead of an error here.
 */
function checkChunks(metadata: FileMetaData, file: string | undefined): void {
  const top = new Set(topLevelColumns(metadata.schema, file).names);
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const head = chunk.meta_data?.path_in_schema[0];
      if (head === undefined || !top.has(head)) {
        throw new DataError(`the Parquet file is corrupt: a column chunk belongs to no column of the schema (${JSON.stringify(head ?? null)})`, { file });
      }
      const codec = chunk.meta_data?.codec;
      if (codec !== undefined && codec !== 'UNCOMPRESSED' && !(codec in compressors)) {
        throw new DataError(`column "${head}" is compressed with ${codec}, which lawful cannot decode (it reads UNCOMPRESSED, ${Object.keys(compressors).join(', ')}); rewrite the file with another codec`, { file });
      }
    }
  }
}

/** Names and kinds of the top-level columns; the schema list is flattened depth-first under a root. */
function topLevelColumns(schema: SchemaElement[], file: string | undefined): { names: string[]; kinds: ColumnKind[] } {
  const names: string[] = [];
  const kinds: ColumnKind[] = [];
  const root = schema[0];
  if (root === undefined) throw new DataError('the Parquet file is corrupt: its schema is empty', { file });
  let i = 1;
  for (let c = 0; c < (root.num_children ?? 0); c++) {
    const el = schema[i];
    if (el === undefined) throw new DataError('the Parquet file is corrupt: its schema lists fewer columns than it declares', { file });
    names.push(el.name);
    kinds.push(kindOf(el));
    i = skipSubtree(schema, i, file);
  }
  return { names, kinds };
}

/** Index just past the subtree rooted at `i`. */
function skipSubtree(schema: SchemaElement[], i: number, file: string | undefined): number {
  let pending = 1;
  while (pending > 0) {
    const el = schema[i];
    if (el === undefined) throw new DataError('the Parquet file is corrupt: its schema lists fewer columns than it declares', { file });
    pending += (el.num_children ?? 0) - 1;
    i++;
  }
  return i;
}

function kindOf(el: SchemaElement): ColumnKind {
  const ctype = el.converted_type;
  const ltype = el.logical_type?.type;
  if ((el.num_children ?? 0) > 0 || el.repetition_type === 'REPEATED') return { kind: 'text', type: 'nested (list or struct)' };
  if (ctype === 'DATE' || ltype === 'DATE') return { kind: 'time', resolution: 86400 };
  if (ctype === 'TIMESTAMP_MILLIS' || ctype === 'TIMESTAMP_MICROS' || ltype === 'TIMESTAMP') return { kind: 'time', resolution: timestampResolution(el) };
  if (el.type === 'INT96' && ctype === undefined) return { kind: 'time', resolution: 1e-9 };
  if (ctype === 'DECIMAL' || ltype === 'FLOAT16') return { kind: 'number' };
  if (ctype === undefined || ctype.startsWith('INT_') || ctype.startsWith('UINT_')) {
    if (el.type === 'FLOAT' || el.type === 'DOUBLE' || el.type === 'INT32' || el.type === 'INT64') return { kind: 'number' };
  }
  if (el.type === 'BYTE_ARRAY' && (ctype === undefined || ctype === 'UTF8' || ctype === 'ENUM' || ltype === 'STRING')) return { kind: 'text', type: 'string' };
  const name = [el.type, ctype ?? ltype].filter((s) => s !== undefined).join(' ');
  return { kind: 'text', type: name === 'BOOLEAN' ? 'boolean' : name || 'untyped' };
}

/** Seconds per tick of a TIMESTAMP column (the logical type's unit, else the converted type's). */
function timestampResolution(el: SchemaElement): number {
  const lt = el.logical_type as { unit?: string } | undefined;
  const unit = lt?.unit ?? (el.converted_type === 'TIMESTAMP_MICROS' ? 'MICROS' : 'MILLIS');
  return unit === 'NANOS' ? 1e-9 : unit === 'MICROS' ? 1e-6 : 1e-3;
}

/** A decoded value as a raw cell for the build step. */
function cellOf(v: unknown, k: ColumnKind): string | number | bigint | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return k.kind === 'text' ? String(v) : v;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  // Anything else (a nested value, raw bytes from a corrupt page) is text, which no number column accepts.
  return Array.isArray(v) ? '[list]' : v instanceof Uint8Array ? '[bytes]' : '{struct}';
}

function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 200 ? `${m.slice(0, 200)}…` : m;
}
