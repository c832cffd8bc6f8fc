// Shared assertion: a call throws a DataError at a given place, and the message says so.
import { expect } from 'vitest';
import { DataError } from '../../src/core/errors.js';

export interface Expected {
  line?: number;
  column?: number;
  /** What the message must also say. */
  match: RegExp;
}

/** Runs `fn`, which must throw a DataError naming `file`, line and column as expected. */
export function expectDataError(fn: () => unknown, file: string, want: Expected): DataError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a DataError').toBeInstanceOf(DataError);
  const err = caught as DataError;
  expect(err.location.file).toBe(file);
  expect(err.message.startsWith(`${file}, `)).toBe(true);
  if (want.line !== undefined) {
    expect(err.location.line).toBe(want.line);
    expect(err.message).toContain(`line ${want.line}`);
  }
  if (want.column !== undefined) {
    expect(err.location.column).toBe(want.column);
    expect(err.message).toContain(`column ${want.column}`);
  }
  expect(err.message).toMatch(want.match);
  return err;
}
