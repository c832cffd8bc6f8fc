/**
 * What a reader returns (`Dataset`), what it is asked for (`ReadOptions`), and the
 * intermediate `Table` that every file format is turned into before one shared builder
 * (build.ts) selects columns, converts cells, fills gaps and checks the clock.
 * Browser-safe.
 */
import type { Series } from './series.js';

/**
 * How the readers choose and validate columns. Messages name an option as the `lawful`
 * command spells it (`--fill drop` is `fill: 'drop'` here, `--time t` is `time: 't'`).
 */
export interface ReadOptions {
  /**
   * Name (or 0-based index) of the time column. Default: a column named t, time, times
   * or timestamp (case-insensitive, units stripped), else the first column.
   * Example: `'t'`, `1`.
   */
  time?: string | number;
  /**
   * Channels to keep, by name, in this order. Default: every numeric column except the
   * time and trajectory columns. Example: `['theta', 'omega']`.
   */
  channels?: string[];
  /**
   * Column that identifies trajectories (several runs in one file). Default: a column
   * named trial, trajectory, run or id if present; otherwise the file is one trajectory.
   * `''`: no trajectory column, even if one is named like that (e.g. an `id` row index).
   */
  trajectory?: string;
  /**
   * What to do with missing values (empty cells, NaN, NA, null). Default `'error'`: a
   * DataError with their count and first positions. `'interpolate'`: linear in t between
   * the neighbouring samples of the same trajectory (an error at a trajectory's ends).
   * `'drop'`: drop the rows. Never silent: filling adds a warning.
   */
  fill?: 'error' | 'interpolate' | 'drop';
  /**
   * CSV only: the delimiter, one of `,` `;` `\t` `|` or `' '` (runs of spaces and
   * tabs). Default: detected from the first lines.
   */
  delimiter?: string;
}

/** Options of the pure parsers: ReadOptions plus where the text came from. */
export interface ParseOptions extends ReadOptions {
  /** File name used in error messages and as `Dataset.source`. Default `'<text>'`. */
  file?: string;
  /** Fingerprint to report instead of hashing the text (the Node reader hashes the bytes). */
  fingerprint?: string;
}

/** One trajectory of a file. */
export interface Trajectory {
  /** Value of the trajectory column (numbers normalised: `0.0e+0` → `'0'`), or `'0'` if none. */
  id: string;
  series: Series;
}

/** A validated file: every series has a strictly increasing clock and finite values. */
export interface Dataset {
  /** File path (or `'<text>'`). */
  source: string;
  trajectories: Trajectory[];
  /** Units found in the header (`"t [s]"` → `{ t: 's' }`), by column name. */
  units: Record<string, string>;
  /** Everything the reader decided on the user's behalf (detected delimiter, fills, skipped columns). */
  warnings: string[];
  /** `'sha256:<hex>'` of the file bytes (of the UTF-8 text for the pure parsers). */
  fingerprint: string;
  /** Name of the time column. */
  timeColumn: string;
  /** Name of the trajectory column, if there is one. */
  trajectoryColumn?: string;
  /**
   * One unit of the last digit the time column is written with, in the units of t: 1e-3 for
   * `0.033`, 1 for whole numbers, 1e-3 for a Parquet timestamp in milliseconds. A clock that
   * is a uniform grid rounded to it has been replaced by its least-squares grid (with a note
   * in `warnings`). Undefined when no time cell says (e.g. every time missing and dropped).
   */
  timeResolution?: number;
}

/**
 * A 1-based position in a file. In delimited text the column is the cell's field number
 * (as a spreadsheet counts it); in JSON it is the character column of the value.
 */
export interface Position {
  line: number;
  column: number;
}

/**
 * A rectangular table of raw cells, the common ground of all formats. A cell is the raw
 * text of a CSV field, or a JSON number / string / null (other JSON values are given as
 * text such as `'true'` so that they fail as "not a number"), or a typed Parquet value
 * (number, bigint for int64, string, null).
 */
export interface Table {
  /** Column names as written in the file (units not yet stripped). */
  names: string[];
  /**
   * Where each column name is written (for a header-less file: the first data row). No
   * line for formats whose names sit in a schema (Parquet).
   */
  namePositions: Array<{ line?: number; column: number }>;
  /**
   * Line of the header (or of the first record), for errors about the file as a whole.
   * Undefined for formats whose names sit in a schema (Parquet).
   */
  headerLine: number | undefined;
  nRows: number;
  /** A raw cell; a bigint (Parquet int64) is read exactly or rejected beyond 2^53. */
  cell(row: number, col: number): string | number | bigint | null;
  position(row: number, col: number): Position;
  /** What `Position.line` counts in messages. Default `'line'`; Parquet: `'row'` (1-based row index). */
  lineLabel?: 'line' | 'row';
  /**
   * Typed formats only: the declared type of a column that does not hold numbers (a
   * Parquet string or boolean column), else undefined. Such a column may be the
   * trajectory id but never the time or a channel, whatever its cells look like.
   */
  textType?(col: number): string | undefined;
  /**
   * The text a number cell is written with where `cell` gives the number itself (JSON keeps
   * `0.100` as 0.1; the trailing zeros tell the precision of the clock). Default: the cell.
   */
  printed?(row: number, col: number): string | undefined;
  /** Typed formats only: the exact resolution of a time column (a Parquet timestamp in ms: 1e-3), else undefined. */
  timeResolution?(col: number): number | undefined;
  /** CSV read with `;` or tabs may use decimal commas (`1,5`). */
  decimalComma: boolean;
  /** Notes from the format parser (detected delimiter, generated names). */
  warnings: string[];
}
