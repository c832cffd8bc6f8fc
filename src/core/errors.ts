/**
 * Typed errors. Every error a user can cause is one of these, with a message that
 * names what is wrong (file, line, column, parameter); the CLI prints the message,
 * never a stack trace.
 */

/** Base class: the CLI recognises a `LawfulError` as a user-facing failure. */
export class LawfulError extends Error {
  override name = 'LawfulError';
}

/** Where in a file a data problem sits. Lines and columns are 1-based. */
export interface DataLocation {
  file?: string;
  line?: number;
  column?: number | string;
  /**
   * What `line` counts, as the message names it. Default `'line'`; `'row'` for formats
   * without lines (Parquet), where `line` is the 1-based row index.
   */
  lineLabel?: 'line' | 'row';
}

/** Bad input data: the message names the file, line and column when they are known. */
export class DataError extends LawfulError {
  override name = 'DataError';
  readonly location: DataLocation;
  constructor(message: string, location: DataLocation = {}) {
    const where = [
      location.file,
      location.line !== undefined ? `${location.lineLabel ?? 'line'} ${location.line}` : undefined,
      location.column !== undefined ? `column ${location.column}` : undefined,
    ].filter((s) => s !== undefined);
    super(where.length ? `${where.join(', ')}: ${message}` : message);
    this.location = location;
  }
}

/** A configuration or argument that cannot work: the message names the parameter. */
export class ConfigError extends LawfulError {
  override name = 'ConfigError';
  readonly parameter: string | undefined;
  constructor(message: string, parameter?: string) {
    super(parameter ? `${parameter}: ${message}` : message);
    this.parameter = parameter;
  }
}

/**
 * A computation left the finite numbers (a fit diverged, a state blew up). Carries the
 * last good state so nothing is lost: `lastGood` is the last finite parameter vector or
 * state, `at` the iteration or time where it happened.
 */
export class DivergenceError extends LawfulError {
  override name = 'DivergenceError';
  readonly lastGood: Float64Array | undefined;
  readonly at: number | undefined;
  constructor(message: string, lastGood?: Float64Array, at?: number) {
    super(message);
    this.lastGood = lastGood;
    this.at = at;
  }
}

/** The ODE solver could not continue: step size underflow, non-finite state, too many steps. */
export class SolverError extends LawfulError {
  override name = 'SolverError';
  readonly reason: 'step-underflow' | 'non-finite' | 'max-steps';
  readonly t: number;
  constructor(reason: SolverError['reason'], t: number, message: string) {
    super(message);
    this.reason = reason;
    this.t = t;
  }
}

/** Work stopped because its AbortSignal fired (Ctrl-C, a cancelled request). */
export class AbortError extends LawfulError {
  override name = 'AbortError';
  constructor(message = 'aborted') {
    super(message);
  }
}

/** Throws an `AbortError` if `signal` has fired. Call it at loop boundaries. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(typeof signal.reason === 'string' ? signal.reason : 'aborted');
}
