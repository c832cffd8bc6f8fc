/**
 * Column names and units from a header, and the choice of the time, trajectory and
 * channel columns (ReadOptions). Browser-safe.
 */
import { ConfigError, DataError } from '../core/errors.js';
import type { Table } from './dataset.js';

/** A header name split into name and unit: `"t [s]"` → `{ name: 't', unit: 's' }`. */
export interface ColumnName {
  name: string;
  unit?: string;
  /** As written in the file. */
  raw: string;
}

const UNIT = /^(.*?)\s*(?:\[([^\]]*)\]|\(([^)]*)\))\s*$/;
const TIME_NAMES = ['t', 'time', 'times', 'timestamp'];
const TRAJECTORY_NAMES = ['trial', 'trajectory', 'run', 'id'];

/** Splits a trailing `[unit]` or `(unit)` off a header name. */
export function splitUnit(raw: string): ColumnName {
  const s = raw.trim();
  const m = UNIT.exec(s);
  if (m && m[1] !== '') {
    const unit = (m[2] ?? m[3]).trim();
    return unit === '' ? { name: m[1], raw } : { name: m[1], unit, raw };
  }
  return { name: s, raw };
}

/** Names of a table, units split off, empty names replaced by `c<column>`; duplicates are an error. */
export function columnNames(table: Table, file: string | undefined): ColumnName[] {
  const out = table.names.map((raw, j) => {
    const c = splitUnit(raw);
    return c.name === '' ? { ...c, name: `c${j + 1}` } : c;
  });
  const seen = new Map<string, number>();
  out.forEach((c, j) => {
    const prev = seen.get(c.name);
    if (prev !== undefined) {
      throw new DataError(`duplicate column name "${c.name}" (also column ${prev + 1})`, { file, ...table.namePositions[j] });
    }
    seen.set(c.name, j);
  });
  return out;
}

/** The columns a dataset is built from (0-based indices into the table). */
export interface ColumnChoice {
  time: number;
  trajectory: number | undefined;
  channels: number[];
  /** True when no column was named like time and the first column was taken. */
  timeGuessed: boolean;
  /** True when the trajectory column was chosen by its name, not by the trajectory option. */
  trajectoryGuessed: boolean;
}

/** What a column holds: any number at all, else any text, else only missing values. */
export type ColumnContent = 'numbers' | 'text' | 'empty';

/**
 * Resolves ReadOptions against the header. `content(j)` says what column j holds (used
 * only for the default channel list).
 */
export function chooseColumns(
  cols: ColumnName[],
  opts: { time?: string | number; channels?: string[]; trajectory?: string },
  table: Table,
  file: string | undefined,
  content: (j: number) => ColumnContent,
  warnings: string[],
): ColumnChoice {
  const where = { file, line: table.headerLine };
  const list = (idx: number[]) => idx.map((j) => `"${cols[j].name}"`).join(', ');
  const all = cols.map((_, j) => j);
  const find = (want: string, what: string, among: number[]): number => {
    const exact = among.find((j) => cols[j].name === want || cols[j].raw.trim() === want);
    if (exact !== undefined) return exact;
    const folded = among.filter((j) => cols[j].name.toLowerCase() === want.toLowerCase());
    if (folded.length === 1) return folded[0];
    throw new DataError(`${what} "${want}" does not exist; columns are ${list(among)}`, where);
  };

  let time: number;
  if (typeof opts.time === 'number') {
    if (!Number.isInteger(opts.time) || opts.time < 0) throw new ConfigError(`a column index must be an integer >= 0; got ${opts.time}`, 'time');
    if (opts.time >= cols.length) {
      throw new DataError(`time column index ${opts.time} is out of range: the file has ${cols.length} columns (${list(all)}), indices from 0`, where);
    }
    time = opts.time;
  } else if (opts.time !== undefined) {
    time = find(opts.time, 'time column', all);
  } else {
    const named = all.find((j) => TIME_NAMES.includes(cols[j].name.toLowerCase()));
    time = named ?? 0;
    if (named === undefined) warnings.push(`no column is named t/time/timestamp: using the first column "${cols[0].name}" as time`);
  }

  let trajectory: number | undefined;
  if (opts.trajectory === '') {
    trajectory = undefined;
  } else if (opts.trajectory !== undefined) {
    trajectory = find(opts.trajectory, 'trajectory column', all);
  } else {
    trajectory = all.find((j) => j !== time && TRAJECTORY_NAMES.includes(cols[j].name.toLowerCase()));
  }
  if (trajectory === time) throw new DataError(`column "${cols[time].name}" cannot be both the time and the trajectory column`, where);

  const rest = all.filter((j) => j !== time && j !== trajectory);
  let channels: number[];
  if (opts.channels !== undefined) {
    if (opts.channels.length === 0) throw new ConfigError('the list is empty: leave it out to read every numeric column', 'channels');
    channels = opts.channels.map((name) => {
      const j = cols.findIndex((c) => c.name === name || c.raw.trim() === name);
      if (j === time || j === trajectory) {
        throw new DataError(`channel "${name}" is the ${j === time ? 'time' : 'trajectory'} column; available channels are ${list(rest)}`, where);
      }
      return find(name, 'channel', rest);
    });
    const dup = channels.find((j, k) => channels.indexOf(j) !== k);
    if (dup !== undefined) throw new ConfigError(`"${cols[dup].name}" is listed twice`, 'channels');
  } else {
    channels = rest.filter((j) => content(j) === 'numbers');
    const text = rest.filter((j) => content(j) === 'text');
    const empty = rest.filter((j) => content(j) === 'empty');
    const skipped = [
      text.length ? `columns holding text, not numbers: ${list(text)}` : '',
      empty.length ? `columns holding only missing values: ${list(empty)}` : '',
    ].filter((w) => w !== '');
    if (channels.length === 0) {
      throw new DataError(
        `no numeric columns besides time "${cols[time].name}"${trajectory !== undefined ? ` and trajectory "${cols[trajectory].name}"` : ''}; columns are ${list(all)}${skipped.length ? ` (${skipped.join('; ')})` : ''}`,
        where,
      );
    }
    for (const w of skipped) warnings.push(`skipped ${w}`);
  }
  return {
    time,
    trajectory,
    channels,
    timeGuessed: opts.time === undefined && !TIME_NAMES.includes(cols[time].name.toLowerCase()),
    trajectoryGuessed: trajectory !== undefined && opts.trajectory === undefined,
  };
}
