/**
 * Reading a data file from disk (Node only): bytes → text → the pure parsers, and the
 * fingerprint of the exact bytes (node:crypto). Dispatches on the extension:
 * .csv .tsv .txt .dat → parseCsv, .json .jsonl .ndjson → parseJson, .parquet (or bytes starting with PAR1)
 * → parseParquet in a worker thread with a time limit; other extensions are sniffed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigError, DataError } from '../core/errors.js';
import { parseCsv } from './csv.js';
import type { Dataset, ParseOptions, ReadOptions } from './dataset.js';
import { DATASETS, datasetPath, findDataset } from './datasets.js';
import { parseJson } from './json.js';
import type { ParquetJob, ParquetReply } from './parquet-worker.js';

const CSV_EXT = new Set(['.csv', '.tsv', '.tab', '.txt', '.dat']);

/** Options of `readDataset`: those of every reader plus the Node reader's own. */
export interface NodeReadOptions extends ReadOptions {
  /**
   * Time limit for decoding a Parquet file, in milliseconds, counted from the moment the
   * decoder thread starts on the bytes. hyparquet (1.33) can loop forever on corrupt data
   * pages, so the decoder runs in a worker thread that is terminated when this runs out,
   * and the read fails with a DataError naming the file. Default: 30 s plus 1 s per MB of
   * file — generous, since hyparquet decodes of the order of 100 MB/s; the 30 s floor
   * covers a slow, shared machine, and the 1 MB/s slope keeps a huge file from being cut
   * off while still stopping a hang. Example: `5_000`.
   */
  parquetTimeoutMs?: number;
}

/**
 * Reads and validates the data file at `path`, or the shipped data set of that name (see
 * `lawful datasets`; a file of the same name wins); throws a DataError naming file, line and column.
 */
export async function readDataset(pathOrName: string, opts: NodeReadOptions = {}): Promise<Dataset> {
  const { parquetTimeoutMs, ...readOpts } = opts;
  if (parquetTimeoutMs !== undefined && !(parquetTimeoutMs > 0 && Number.isFinite(parquetTimeoutMs))) {
    throw new ConfigError(`must be a positive, finite number of milliseconds; got ${parquetTimeoutMs}`, 'parquetTimeoutMs');
  }
  let path = pathOrName;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    // Only a path that names nothing may be a data set's name: a file of that name wins.
    const absent = (e as { code?: string }).code === 'ENOENT';
    const shipped = absent ? findDataset(pathOrName) : undefined;
    if (shipped === undefined) {
      const names = absent ? ` (nor is it the name of a shipped data set: ${DATASETS.map((d) => d.name).join(', ')})` : '';
      throw new DataError(`cannot read the file: ${fileProblem(e)}${names}`, { file: path });
    }
    path = datasetPath(shipped);
    bytes = await readFile(path);
  }
  const fingerprint = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const ext = extname(path).toLowerCase();
  const parseOpts: ParseOptions = { ...readOpts, file: path, fingerprint };
  if (ext === '.parquet' || ext === '.pq' || (bytes.length >= 4 && bytes.toString('latin1', 0, 4) === 'PAR1')) {
    return parseParquetInWorker(bytes, parseOpts, parquetTimeoutMs ?? 30_000 + bytes.length / 1e3);
  }
  const warnings: string[] = [];
  const text = decode(bytes, warnings);
  if (ext === '.tsv' || ext === '.tab') parseOpts.delimiter ??= '\t';
  const isJson = ext === '.json' || ext === '.jsonl' || ext === '.ndjson' || (!CSV_EXT.has(ext) && /^\s*[[{]/.test(text.replace(/^\uFEFF/, '')));
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

// Under tsx (tests, `npx tsx`) the worker is TypeScript: it registers tsx's loader first
// (as src/cli/fit-pool.ts does); from dist/ it is the compiled .js next to this file.
const underTsx = import.meta.url.endsWith('.ts');
const workerUrl = new URL(underTsx ? './parquet-worker.ts' : './parquet-worker.js', import.meta.url);

function startWorker(): Worker {
  if (!underTsx) return new Worker(workerUrl);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(boot, { eval: true });
}

/**
 * parseParquet in a worker thread, terminated after `timeoutMs` of decoding. The bytes
 * move to the worker (transferred, not copied, when they fill their buffer); errors come
 * back as name, message and location and are rebuilt here, so a DataError thrown in the
 * worker is a DataError with the same message and location on this side.
 */
function parseParquetInWorker(bytes: Uint8Array, opts: ParseOptions, timeoutMs: number): Promise<Dataset> {
  const file = opts.file;
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const buffer = whole ? (bytes.buffer as ArrayBuffer) : new Uint8Array(bytes).buffer;
  return new Promise<Dataset>((resolve, reject) => {
    const worker = startWorker();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const finish = (outcome: Dataset | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    worker.on('message', (m: ParquetReply) => {
      if (m.type === 'started') {
        timer = setTimeout(() => {
          const s = Number((timeoutMs / 1e3).toPrecision(3));
          finish(new DataError(`could not decode the Parquet file within ${s} s: the file's data pages look corrupt`, { file }));
        }, timeoutMs);
      } else if (m.type === 'done') finish(m.dataset);
      else finish(rebuildError(m));
    });
    worker.on('error', (e: Error & { code?: string }) => {
      // A corrupt footer can ask for more memory than the decoder's heap holds.
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') finish(new DataError('the Parquet file is corrupt: decoding it ran out of memory', { file }));
      else finish(new Error(`the Parquet decoder thread failed: ${e.message}`, { cause: e }));
    });
    worker.on('exit', (code) => finish(new Error(`the Parquet decoder thread exited with code ${code} before answering`)));
    worker.postMessage({ bytes: buffer, opts } satisfies ParquetJob, [buffer]);
  });
}

/** The worker's error as thrown there: a DataError with the same message and location, else an Error of the same name. */
function rebuildError(m: Extract<ParquetReply, { type: 'error' }>): Error {
  if (m.name === 'DataError' && m.location !== undefined) {
    // DataError prefixes its message with the location; strip it so the constructor adds it back once.
    const prefix = new DataError('', m.location).message;
    const err = new DataError(m.message.startsWith(prefix) ? m.message.slice(prefix.length) : m.message, m.location);
    err.message = m.message;
    return err;
  }
  const err = new Error(m.message);
  err.name = m.name;
  return err;
}

/** Why a file could not be read, in a few words ("no such file", …), from a Node fs error. */
export function fileProblem(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return String((e as Error).message);
}
