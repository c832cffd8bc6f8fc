/**
 * The JSON reader, pure and browser-safe. Accepted shapes:
 * - columns: `{ "t": [0, 0.1, …], "theta [rad]": [ … ] }` (all arrays equally long);
 * - records: `[{ "t": 0, "theta": 1.2 }, …]` (every record has the keys of the first);
 * - rows: `[["t", "theta"], [0, 1.2], …]` (first row of names optional);
 * - JSON Lines (NDJSON): one record `{ "t": 0, "theta": 1.2 }` or row `[0, 1.2]` per line.
 * `null` and `NaN` are missing values (see ReadOptions.fill).
 */
import { DataError } from '../core/errors.js';
import { buildDataset } from './build.js';
import type { Dataset, ParseOptions, Position, Table } from './dataset.js';
import { LineIndex, parseJsonNodes } from './json-parse.js';
import type { JsonNode } from './json-parse.js';
import { fingerprintText } from './sha256.js';

/** Parses JSON text into a Dataset, or throws a DataError naming file, line and column. */
export function parseJson(text: string, opts: ParseOptions = {}): Dataset {
  const file = opts.file;
  const fingerprint = opts.fingerprint ?? fingerprintText(text);
  // Keep the BOM as a blank so offsets (and columns) stay those of the file.
  const body = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const lines = new LineIndex(body);
  const root = parseJsonNodes(body, lines, file);
  const where = (at: number) => ({ file, ...lines.position(at) });
  let grid: Grid;
  if (root.kind === 'object') grid = fromColumns(root, where);
  else if (root.kind === 'array') grid = fromArray(root, where);
  else throw new DataError('expected an object of columns or an array of records', where(root.at));

  const nRows = grid.columns.length ? grid.columns[0].length : 0;
  const table: Table = {
    names: grid.names,
    namePositions: grid.nameAt.map((a) => lines.position(a)),
    headerLine: lines.position(grid.headerAt).line,
    nRows,
    cell: (r, c) => cellOf(grid.columns[c][r]),
    printed: (r, c) => {
      const v = grid.columns[c][r];
      return v.kind === 'number' ? v.text : undefined;
    },
    position: (r, c): Position => lines.position(grid.columns[c][r].at),
    decimalComma: false,
    warnings: grid.warnings,
  };
  return buildDataset(table, opts, fingerprint);
}

/** Columns of value nodes, with where their names are written. */
interface Grid {
  names: string[];
  nameAt: number[];
  headerAt: number;
  columns: JsonNode[][];
  warnings: string[];
}

type Where = (at: number) => { file: string | undefined; line: number; column: number };

function fromColumns(root: Extract<JsonNode, { kind: 'object' }>, where: Where): Grid {
  if (root.entries.length === 0) throw new DataError('the object has no columns', where(root.at));
  const columns: JsonNode[][] = [];
  for (const e of root.entries) {
    if (e.value.kind !== 'array') throw new DataError(`column ${JSON.stringify(e.key)} must be an array of values, found ${e.value.kind}`, where(e.value.at));
    columns.push(e.value.items);
  }
  const first = root.entries[0];
  for (const e of root.entries) {
    const len = (e.value as Extract<JsonNode, { kind: 'array' }>).items.length;
    const want = columns[0].length;
    if (len !== want) {
      throw new DataError(`column ${JSON.stringify(e.key)} has ${len} values but ${JSON.stringify(first.key)} has ${want}: arrays of unequal length`, where(e.value.at));
    }
  }
  return { names: root.entries.map((e) => e.key), nameAt: root.entries.map((e) => e.keyAt), headerAt: root.at, columns, warnings: [] };
}

function fromArray(root: Extract<JsonNode, { kind: 'array' }>, where: Where): Grid {
  const items = root.items;
  if (items.length === 0) throw new DataError('the array holds no records', where(root.at));
  const head = items[0];
  if (head.kind === 'object') return fromRecords(items, where);
  if (head.kind !== 'array') throw new DataError(`expected records {…} or rows […], found ${head.kind}`, where(head.at));
  const named = head.items.length > 0 && head.items.every((v) => v.kind === 'string');
  const width = head.items.length;
  const rows = named ? items.slice(1) : items;
  const columns: JsonNode[][] = Array.from({ length: width }, () => []);
  for (const row of rows) {
    if (row.kind !== 'array') throw new DataError(`expected a row […], found ${row.kind}`, where(row.at));
    if (row.items.length !== width) throw new DataError(`row has ${row.items.length} values, the first row has ${width}`, where(row.at));
    row.items.forEach((v, c) => columns[c].push(v));
  }
  const names = named ? head.items.map((v) => (v as Extract<JsonNode, { kind: 'string' }>).value) : head.items.map((_, j) => `c${j + 1}`);
  const warnings = named ? [] : [`rows without a row of names: columns named c1 … c${width}`];
  return { names, nameAt: head.items.map((v) => v.at), headerAt: head.at, columns, warnings };
}

function fromRecords(items: JsonNode[], where: Where): Grid {
  const head = items[0] as Extract<JsonNode, { kind: 'object' }>;
  const names = head.entries.map((e) => e.key);
  const index = new Map(names.map((k, j) => [k, j]));
  const columns: JsonNode[][] = names.map(() => []);
  for (let r = 0; r < items.length; r++) {
    const rec = items[r];
    if (rec.kind !== 'object') throw new DataError(`record ${r + 1} is ${rec.kind}, not an object {…}`, where(rec.at));
    for (const e of rec.entries) {
      if (!index.has(e.key)) throw new DataError(`record ${r + 1} has key ${JSON.stringify(e.key)}, which the first record does not have`, where(e.keyAt));
    }
    if (rec.entries.length !== names.length) {
      const have = new Set(rec.entries.map((e) => e.key));
      const lacking = names.filter((k) => !have.has(k));
      throw new DataError(`record ${r + 1} has no key ${lacking.map((k) => JSON.stringify(k)).join(', ')} (use null for a missing value)`, where(rec.at));
    }
    for (const e of rec.entries) columns[index.get(e.key) as number].push(e.value);
  }
  return { names, nameAt: head.entries.map((e) => e.keyAt), headerAt: head.at, columns, warnings: [] };
}

/** A JSON value as a raw cell: numbers, strings and null pass, anything else becomes text that is not a number. */
function cellOf(v: JsonNode): string | number | null {
  if (v.kind === 'number' || v.kind === 'string') return v.value;
  if (v.kind === 'literal') return v.value === null ? null : String(v.value);
  return v.kind === 'array' ? '[array]' : '{object}';
}
