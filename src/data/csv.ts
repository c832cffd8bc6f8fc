/**
 * The CSV reader, pure and browser-safe: delimited text (`,` `;` tab `|` or runs of
 * blanks) → Dataset. Handles a UTF-8 byte-order mark, CRLF, comment lines (`#`, `%`),
 * quoted fields, decimal commas in `;`/tab/blank-separated files, units in the header
 * (`t [s]`), header-less files (names from a `# t x y` comment, else c1, c2, …).
 */
import { ConfigError, DataError } from '../core/errors.js';
import { buildDataset } from './build.js';
import { isMissingText, looksNumeric } from './cells.js';
import { tokenize } from './csv-tokenize.js';
import type { CsvRecord, Delimiter } from './csv-tokenize.js';
import type { Dataset, ParseOptions, Position, Table } from './dataset.js';
import { fingerprintText } from './sha256.js';

/** Candidates in order of preference when they fit equally well. */
const CANDIDATES: Delimiter[] = ['\t', ',', ';', '|', 'ws'];
/** Records looked at to detect the delimiter. */
const SAMPLE = 50;
const DECIMAL_COMMA = /^\s*[+-]?\d+,\d+(?:[eE][+-]?\d+)?\s*$/;

/** Parses delimited text into a Dataset, or throws a DataError naming file, line and column. */
export function parseCsv(text: string, opts: ParseOptions = {}): Dataset {
  const file = opts.file;
  const fingerprint = opts.fingerprint ?? fingerprintText(text);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new DataError('the file is empty', { file, line: 1, column: 1 });
  if (body.includes('\0')) throw new DataError('the file holds NUL bytes: it is binary, not text', { file, line: lineOf(body, body.indexOf('\0')), column: 1 });

  const warnings: string[] = [];
  // Excel's "sep=;" first line declares the delimiter; blank it out (line numbers stay).
  const sep = /^[ \t]*sep=([,;\t|])[ \t]*(?=\r|\n|$)/i.exec(body);
  const text0 = sep ? ' '.repeat(sep[0].length) + body.slice(sep[0].length) : body;
  const delim = opts.delimiter !== undefined ? delimiterOption(opts.delimiter) : sep ? (sep[1] as Delimiter) : detectDelimiter(text0, file);
  const decimalComma = delim !== ',';
  const { records, leadingComments } = tokenize(text0, delim, file);
  if (records.length === 0) throw new DataError('the file holds only comments and blank lines', { file, line: 1, column: 1 });

  const first = records[0];
  const hasHeader = first.fields.some((f) => !looksNumeric(f, decimalComma) && !isMissingText(f));
  const width = first.fields.length;
  let names: string[];
  let namePositions: Position[];
  if (hasHeader) {
    names = first.fields;
    namePositions = names.map((_, j) => ({ line: first.line, column: j + 1 }));
  } else {
    names = namesFromComment(leadingComments, delim, width) ?? first.fields.map((_, j) => `c${j + 1}`);
    namePositions = names.map((_, j) => ({ line: first.line, column: j + 1 }));
    warnings.push(
      leadingComments.length && names[0] !== 'c1'
        ? `no header row: column names taken from the comment line above the data (${names.join(', ')})`
        : `no header row: columns named c1 … c${width}`,
    );
  }
  const rows: CsvRecord[] = hasHeader ? records.slice(1) : records;
  for (const r of rows) {
    if (r.fields.length === width) continue;
    const few = r.fields.length < width;
    const trailing = !few && r.fields.slice(width).every((f) => f.trim() === '') ? ' (a trailing delimiter?)' : '';
    throw new DataError(
      `expected ${width} cells like the ${hasHeader ? 'header' : 'first row'} (line ${first.line}), found ${r.fields.length}${trailing}`,
      { file, line: r.line, column: few ? r.fields.length + 1 : width + 1 },
    );
  }
  if (decimalComma && rows.slice(0, SAMPLE).some((r) => r.fields.some((f) => DECIMAL_COMMA.test(f)))) {
    warnings.push('decimal commas read as decimal points (1,5 = 1.5)');
  }

  const table: Table = {
    names,
    namePositions,
    headerLine: first.line,
    nRows: rows.length,
    cell: (r, c) => rows[r].fields[c],
    position: (r, c) => ({ line: rows[r].line, column: c + 1 }),
    decimalComma,
    warnings,
  };
  return buildDataset(table, opts, fingerprint);
}

/** Reads the delimiter option: one of `,` `;` `|`, a tab (or the two characters `\t`), or `' '` for blanks. */
function delimiterOption(d: string): Delimiter {
  if (d === ',' || d === ';' || d === '|' || d === '\t') return d;
  if (d === '\\t' || d.toLowerCase() === 'tab') return '\t';
  if (d === ' ' || d.toLowerCase() === 'whitespace' || d.toLowerCase() === 'space') return 'ws';
  throw new ConfigError(`must be one of , ; | tab or ' ' (blanks); got ${JSON.stringify(d)}`, 'delimiter');
}

/**
 * Picks the delimiter that splits the first records into the same number (≥ 2) of cells
 * most consistently and makes the data cells numbers most often; ties go to the earlier
 * candidate. Falls back to `,` (one column) when no candidate splits anything.
 */
function detectDelimiter(text: string, file: string | undefined): Delimiter {
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const d of CANDIDATES) {
    let records: CsvRecord[];
    try {
      records = tokenize(text, d, file, SAMPLE).records;
    } catch {
      continue; // an unterminated quote: the real tokenize reports it
    }
    if (records.length === 0) continue;
    const counts = new Map<number, number>();
    for (const r of records) counts.set(r.fields.length, (counts.get(r.fields.length) ?? 0) + 1);
    let mode = 0;
    let modeCount = 0;
    for (const [k, c] of counts) if (c > modeCount || (c === modeCount && k > mode)) [mode, modeCount] = [k, c];
    if (mode < 2) continue;
    const data = records.length > 1 ? records.slice(1) : records;
    let cells = 0;
    let numbers = 0;
    for (const r of data) {
      for (const f of r.fields) {
        cells++;
        if (looksNumeric(f, d !== ',') || isMissingText(f)) numbers++;
      }
    }
    const score = (modeCount / records.length) * (cells ? numbers / cells : 0) + 1e-9;
    if (score > bestScore * (1 + 1e-12)) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** Column names from the last comment line above the data, if it has exactly `width` words. */
function namesFromComment(comments: string[], delim: Delimiter, width: number): string[] | undefined {
  const last = comments.at(-1);
  if (last === undefined) return undefined;
  const words = delim === 'ws' ? last.trim().split(/[ \t]+/) : last.split(delim).map((w) => w.trim());
  return words.length === width && words.every((w) => w !== '') ? words : undefined;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
