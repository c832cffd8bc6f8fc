/**
 * Reading a data file from disk (Node only): bytes → text → the pure parsers, and the
 * fingerprint of the exact bytes (node:crypto). Dispatches on the extension:
 * .csv .tsv .txt .dat → parseCsv, .json → parseJson, .parquet (or bytes starting with PAR1)
 * → parseParquet; other extensions are sniffed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataError } from '../core/errors.js';
import { parseCsv } from './csv.js';
import type { Dataset, ReadOptions } from './dataset.js';
import { parseJson } from './json.js';
import { parseParquet } from './parquet.js';

const CSV_EXT = new Set(['.csv', '.tsv', '.tab', '.txt', '.dat']);

/** Reads and validates the data file at `path`; throws a DataError naming file, line and column. */
export async function readDataset(path: string, opts: ReadOptions = {}): Promise<Dataset> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
    throw new DataError(`cannot read the file: ${why}`, { file: path });
  }
  const fingerprint = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const ext = extname(path).toLowerCase();
  const parseOpts = { ...opts, file: path, fingerprint };
  if (ext === '.parquet' || ext === '.pq' || (bytes.length >= 4 && bytes.toString('latin1', 0, 4) === 'PAR1')) {
    return parseParquet(bytes, parseOpts);
  }
  const warnings: string[] = [];
  const text = decode(bytes, warnings);
  if (ext === '.tsv' || ext === '.tab') parseOpts.delimiter ??= '\t';
  const isJson = ext === '.json' || (!CSV_EXT.has(ext) && /^\s*[[{]/.test(text.replace(/^\uFEFF/, '')));
  const ds = isJson ? parseJson(text, parseOpts) : parseCsv(text, parseOpts);
  ds.warnings.unshift(...warnings);
  return ds;
}

/**
 * UTF-8 (with or without BOM); UTF-16 with a BOM (spreadsheet "Unicode text" exports);
 * otherwise Latin-1, with a warning, so a stray `°` in a header does not stop the read.
 */
function decode(bytes: Buffer, warnings: string[]): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    // ignoreBOM keeps a UTF-8 BOM in the text; the parsers skip it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    warnings.push('the file is not valid UTF-8: read as Latin-1');
    return bytes.toString('latin1');
  }
}
