/**
 * From a raw `Table` to a validated `Dataset`, shared by every format: choose columns,
 * read every cell strictly, handle missing values as asked, split trajectories and check
 * that each clock is strictly increasing. Either the whole file is read or a DataError
 * names the first problem (file, line, column); nothing is half-read. Browser-safe.
 */
import { ConfigError, DataError } from '../core/errors.js';
import { readIsoSeconds, readNumber } from './cells.js';
import { chooseColumns, columnNames } from './columns.js';
import type { ColumnContent } from './columns.js';
import type { Dataset, ParseOptions, Table, Trajectory } from './dataset.js';
import { interpolateGaps } from './fill.js';
import { cellResolution, describeResolution, fitRegularGrid } from './regular.js';
import { offGrid } from './series.js';

/** A trajectory needs two samples to have a clock at all. */
const MIN_SAMPLES = 2;
/** How many missing positions a message lists. */
const SHOW = 5;

/** Builds the dataset of `table`; `fingerprint` is passed through. */
export function buildDataset(table: Table, opts: ParseOptions, fingerprint: string): Dataset {
  const file = opts.file;
  const fill = opts.fill ?? 'error';
  if (fill !== 'error' && fill !== 'interpolate' && fill !== 'drop') {
    throw new ConfigError(`must be 'error', 'interpolate' or 'drop'; got ${JSON.stringify(fill)}`, 'fill');
  }
  const warnings = [...table.warnings];
  const lineLabel = table.lineLabel ?? 'line';
  const at = (r: number, c: number) => ({ file, ...table.position(r, c), lineLabel });
  if (table.nRows === 0) {
    throw new DataError('the file has a header but no data rows', { file, line: table.headerLine, column: 1 });
  }
  const cols = columnNames(table, file);
  const contents = new Map<number, ColumnContent>();
  const content = (j: number): ColumnContent => {
    let v = contents.get(j);
    if (v === undefined) {
      // A typed text column (Parquet strings) is text even where its cells look like numbers.
      const typed = table.textType?.(j) !== undefined;
      v = typed ? 'text' : 'empty';
      for (let r = 0; !typed && r < table.nRows && v !== 'numbers'; r++) {
        const k = readNumber(table.cell(r, j), table.decimalComma).kind;
        if (k === 'number' || k === 'nonfinite' || k === 'inexact') v = 'numbers';
        else if (k === 'text') v = 'text';
      }
      contents.set(j, v);
    }
    return v;
  };
  const choice = chooseColumns(cols, opts, table, file, content, warnings);
  const { time: tc, trajectory: jc, channels } = choice;
  for (const j of [tc, ...channels]) {
    const type = table.textType?.(j);
    if (type === undefined) continue;
    throw new DataError(
      `${cols[j].name}: a ${type} column cannot be ${j === tc ? 'the time' : 'a channel'}; only the trajectory id column may hold text`,
      { file, column: j + 1 },
    );
  }
  const n = table.nRows;
  const nc = channels.length;

  // Read every cell of the chosen columns, in file order so the first error is the first in the file.
  const t = new Float64Array(n);
  const y = channels.map(() => new Float64Array(n));
  const gap = channels.map(() => new Uint8Array(n));
  const rowMissing = new Uint8Array(n);
  const ids: string[] = new Array<string>(n).fill('0');
  const missing: string[] = [];
  let missingCount = 0;
  let firstMissing: { line: number; column: number } | undefined;
  let usedDates = false;
  /** The finest resolution any time cell is written with (see Dataset.timeResolution). */
  let resolution = table.timeResolution?.(tc);
  const exactResolution = resolution !== undefined;
  /** First missing time or trajectory id: [row, column]. */
  let keyMissing: [number, number] | undefined;
  const noteMissing = (r: number, j: number) => {
    rowMissing[r] = 1;
    missingCount++;
    const p = table.position(r, j);
    firstMissing ??= p;
    if (missing.length < SHOW) missing.push(`${lineLabel} ${p.line} column ${p.column} (${cols[j].name})`);
  };
  const readCell = (r: number, j: number, allowDate: boolean): number | undefined => {
    const raw = table.cell(r, j);
    const c = readNumber(raw, table.decimalComma);
    if (c.kind === 'number') return c.value;
    if (c.kind === 'missing') return undefined;
    if (c.kind === 'inexact') {
      throw new DataError(`${cols[j].name}: integer ${c.text} is beyond 2^53, where a float64 no longer holds every integer exactly`, at(r, j));
    }
    if (c.kind === 'nonfinite') {
      throw new DataError(`${cols[j].name}: ${JSON.stringify(c.text)} is not a finite float64 (overflow or infinity)`, at(r, j));
    }
    if (allowDate) {
      const s = readIsoSeconds(raw);
      if (s !== undefined) {
        usedDates = true;
        return s;
      }
    }
    throw new DataError(`${cols[j].name}: ${JSON.stringify(c.text.slice(0, 40))} is not a number`, at(r, j));
  };
  for (let r = 0; r < n; r++) {
    const tv = readCell(r, tc, true);
    if (tv === undefined) {
      noteMissing(r, tc);
      keyMissing ??= [r, tc];
    } else {
      t[r] = tv;
      if (!exactResolution) {
        const res = cellResolution(table.printed?.(r, tc) ?? table.cell(r, tc), table.decimalComma);
        if (res !== undefined && !(res >= (resolution ?? Infinity))) resolution = res;
      }
    }
    if (jc !== undefined) {
      const id = trajectoryId(table.cell(r, jc));
      if (id === undefined) {
        noteMissing(r, jc);
        keyMissing ??= [r, jc];
      } else ids[r] = id;
    }
    for (let c = 0; c < nc; c++) {
      const v = readCell(r, channels[c], false);
      if (v === undefined) {
        gap[c][r] = 1;
        noteMissing(r, channels[c]);
      } else y[c][r] = v;
    }
  }
  if (usedDates) warnings.push(`time "${cols[tc].name}" read as ISO 8601 dates, in seconds since 1970-01-01 UTC`);

  const missingText = () =>
    `${missingCount} missing value${missingCount === 1 ? '' : 's'} (empty, NaN, NA or null) at ${missing.join(', ')}${missingCount > SHOW ? ', …' : ''}`;
  if (missingCount > 0 && fill === 'error') {
    throw new DataError(`${missingText()}; pass --fill interpolate or --fill drop`, { file, ...firstMissing, lineLabel });
  }
  if (fill === 'interpolate' && keyMissing !== undefined) {
    const [r, j] = keyMissing;
    throw new DataError(`${cols[j].name}: a missing ${j === tc ? 'time' : 'trajectory id'} cannot be interpolated; pass --fill drop`, at(r, j));
  }

  // Rows of each trajectory, in order of first appearance.
  const groups = new Map<string, number[]>();
  for (let r = 0; r < n; r++) {
    if (fill === 'drop' && rowMissing[r]) continue;
    let g = groups.get(ids[r]);
    if (!g) groups.set(ids[r], (g = []));
    g.push(r);
  }
  if (missingCount > 0 && fill === 'drop') {
    const dropped = n - [...groups.values()].reduce((s, g) => s + g.length, 0);
    warnings.push(`dropped ${dropped} row${dropped === 1 ? '' : 's'} with ${missingText()}`);
  }
  if (groups.size === 0) {
    throw new DataError(`no rows left after dropping ${missingText()}`, { file, ...firstMissing, lineLabel });
  }

  const trajectories: Trajectory[] = [];
  let filled = 0;
  for (const [id, rows] of groups) {
    const which = jc === undefined ? 'the file' : `trajectory ${JSON.stringify(id)}`;
    for (let k = 1; k < rows.length; k++) {
      const a = t[rows[k - 1]];
      const b = t[rows[k]];
      if (b > a) continue;
      const prev = table.position(rows[k - 1], tc).line;
      const hints = [
        choice.timeGuessed ? `no column is named t or time, so the first column "${cols[tc].name}" was taken: choose one with --time` : '',
        jc === undefined ? 'if the file holds several runs, name their id column with the trajectory option' : '',
      ];
      const hint = hints.filter((h) => h !== '').map((h) => `; ${h}`).join('');
      throw new DataError(
        b === a
          ? `${cols[tc].name}: duplicate time ${b} in ${which} (also at ${lineLabel} ${prev})${hint}`
          : `${cols[tc].name}: time decreases in ${which}, ${b} after ${a} at ${lineLabel} ${prev}${hint}`,
        at(rows[k], tc),
      );
    }
    if (rows.length < MIN_SAMPLES) {
      const hint = choice.trajectoryGuessed ? ` (column "${cols[jc as number].name}" was taken as the trajectory id because of its name; name another with the trajectory option, or pass '' for none)` : '';
      throw new DataError(`${which} has only ${rows.length} sample; a time series needs at least ${MIN_SAMPLES}${hint}`, at(rows[0], tc));
    }
    const tt = Float64Array.from(rows, (r) => t[r]);
    const yy = y.map((col) => Float64Array.from(rows, (r) => col[r]));
    if (fill === 'interpolate' && missingCount > 0) {
      for (let c = 0; c < nc; c++) {
        const flags = Uint8Array.from(rows, (r) => gap[c][r]);
        const bad = interpolateGaps(tt, yy[c], flags);
        if (bad >= 0) {
          throw new DataError(
            `${cols[channels[c]].name}: missing value at the ${bad === 0 ? 'start' : 'end'} of ${which} cannot be interpolated; pass --fill drop`,
            at(rows[bad], channels[c]),
          );
        }
        for (let k = 0; k < flags.length; k++) filled += flags[k];
      }
    }
    // A uniform grid seen through the file's rounding (0.033, 0.067, 0.100, …) becomes that grid.
    const grid = resolution !== undefined && offGrid(tt) >= 0 ? fitRegularGrid(tt, resolution) : undefined;
    if (grid !== undefined) {
      for (let k = 0; k < tt.length; k++) tt[k] = grid.t0 + k * grid.step;
      const unit = cols[tc].unit ?? (usedDates || exactResolution ? 's' : undefined);
      const how = describeResolution(resolution as number, table.lineLabel === 'row' ? 'stored' : 'printed');
      warnings.push(`${jc === undefined ? '' : `${which}: `}timestamps ${how}; using the fitted step ${+grid.step.toPrecision(6)}${unit === undefined ? '' : ` ${unit}`}`);
    }
    trajectories.push({ id, series: { t: tt, y: yy, names: channels.map((j) => cols[j].name) } });
  }
  if (filled > 0) warnings.push(`interpolated ${filled} of ${missingText()} linearly in ${cols[tc].name}`);

  // fromEntries defines own properties, so even a column named __proto__ is kept as data.
  const units: Record<string, string> = Object.fromEntries(
    [tc, ...channels].flatMap((j) => (cols[j].unit === undefined ? [] : [[cols[j].name, cols[j].unit]])),
  );
  const out: Dataset = { source: file ?? '<text>', trajectories, units, warnings, fingerprint, timeColumn: cols[tc].name };
  if (jc !== undefined) out.trajectoryColumn = cols[jc].name;
  if (resolution !== undefined) out.timeResolution = resolution;
  return out;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A trajectory id as text: numbers normalised (`0.000e+000` → `'0'`); undefined if missing. */
function trajectoryId(raw: string | number | bigint | null): string | undefined {
  if (raw === null) return undefined;
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  const s = raw.trim();
  if (NUMBER.test(s)) return String(Number(s));
  return readNumber(s, false).kind === 'missing' ? undefined : s;
}
