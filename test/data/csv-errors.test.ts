// Every kind of broken CSV file gives a DataError at the right line and column.
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../src/core/errors.js';
import { parseCsv } from '../../src/data/csv.js';
import type { ReadOptions } from '../../src/data/dataset.js';
import { expectDataError } from './expect-error.js';
import type { Expected } from './expect-error.js';

const F = 'bad.csv';

interface Case extends Expected {
  kind: string;
  text: string;
  opts?: ReadOptions;
}

const CASES: Case[] = [
  { kind: 'empty file', text: '', line: 1, column: 1, match: /the file is empty/ },
  { kind: 'only blanks and line ends', text: '  \n\r\n\t\n', line: 1, column: 1, match: /empty/ },
  { kind: 'only a BOM', text: '\uFEFF', line: 1, column: 1, match: /empty/ },
  { kind: 'only comments', text: '# t x\n% nothing else\n', line: 1, column: 1, match: /only comments/ },
  { kind: 'header only', text: 't,x,y\n', line: 1, column: 1, match: /header but no data rows/ },
  { kind: 'header only after comments', text: '# made by hand\n\nt,x\n', line: 3, column: 1, match: /no data rows/ },
  { kind: 'ragged row, too few cells', text: 't,x,y\n0,1,2\n1,2\n', line: 3, column: 3, match: /expected 3 cells .* found 2/ },
  { kind: 'ragged row, too many cells', text: 't,x\n0,1\n1,2,3\n', line: 3, column: 3, match: /expected 2 cells .* found 3/ },
  { kind: 'trailing delimiter on a data row', text: 't,x\n0,1,\n1,2\n', line: 2, column: 3, match: /trailing delimiter/ },
  {
    kind: 'missing values: count and first positions',
    text: 't,x,y\n0,1,\n1,,2\n2,NaN,3\n3,NA,4\n4,5,6\n',
    line: 2,
    column: 3,
    match: /4 missing values .* at line 2 column 3 \(y\), line 3 column 2 \(x\), line 4 column 2 \(x\), line 5 column 2 \(x\); pass --fill interpolate or --fill drop/,
  },
  {
    kind: 'more than five missing values',
    text: 't,x\n' + Array.from({ length: 9 }, (_, i) => `${i},`).join('\n') + '\n9,1\n',
    line: 2,
    column: 2,
    match: /9 missing values .*line 6 column 2 \(x\), …/,
  },
  { kind: 'a column of only missing values', text: 't,x\n0,\n1,\n', line: 1, match: /no numeric columns .*\(columns holding only missing values: "x"\)/ },
  { kind: 'text in a number: 1.2.3', text: 't,x\n0,1\n1,1.2.3\n', line: 3, column: 2, match: /x: "1\.2\.3" is not a number/ },
  { kind: 'text in a number: abc', text: 't,x,y\n0,1,2\n1,2,abc\n', line: 3, column: 3, match: /y: "abc" is not a number/ },
  { kind: 'hexadecimal is not a number', text: 't,x\n0,0x1F\n1,2\n', line: 2, column: 2, match: /"0x1F" is not a number/ },
  { kind: 'text in the time column', text: 't,x\n0,1\nlater,2\n', line: 3, column: 1, match: /t: "later" is not a number/ },
  { kind: 'decreasing time', text: 't,x\n0,1\n2,2\n1,3\n', line: 4, column: 1, match: /time decreases .* 1 after 2 at line 3/ },
  { kind: 'duplicate time', text: 't,x\n0,1\n0.5,2\n0.5,3\n', line: 4, column: 1, match: /duplicate time 0\.5 .*also at line 3/ },
  { kind: 'value overflows float64 (1e400)', text: 't,x\n0,1e308\n1,1e400\n', line: 3, column: 2, match: /"1e400" is not a finite float64/ },
  { kind: 'infinity', text: 't,x\n0,1\n1,-inf\n', line: 3, column: 2, match: /"-inf" is not a finite/ },
  { kind: 'time overflows', text: 't,x\n1e999,1\n2,2\n', line: 2, column: 1, match: /t: "1e999" is not a finite/ },
  { kind: 'no numeric columns', text: 't,name\n0,a\n1,b\n', line: 1, match: /no numeric columns besides time "t"; columns are "t", "name" \(columns holding text, not numbers: "name"\)/ },
  { kind: 'a single column', text: 't\n0\n1\n', line: 1, match: /no numeric columns/ },
  { kind: 'requested channel does not exist', text: 't,x,y\n0,1,2\n1,2,3\n', opts: { channels: ['x', 'z'] }, line: 1, match: /channel "z" does not exist; columns are "x", "y"/ },
  { kind: 'channel is the time column', text: 't,x\n0,1\n1,2\n', opts: { channels: ['t'] }, line: 1, match: /channel "t" is the time column/ },
  { kind: 'time column name does not exist', text: 'a,b\n0,1\n1,2\n', opts: { time: 'time' }, line: 1, match: /time column "time" does not exist; columns are "a", "b"/ },
  { kind: 'time column index out of range', text: 'a,b\n0,1\n1,2\n', opts: { time: 2 }, line: 1, match: /index 2 is out of range: the file has 2 columns/ },
  { kind: 'trajectory column does not exist', text: 't,x\n0,1\n1,2\n', opts: { trajectory: 'run' }, line: 1, match: /trajectory column "run" does not exist/ },
  { kind: 'trajectory column is the time column', text: 't,x\n0,1\n1,2\n', opts: { trajectory: 't' }, line: 1, match: /both the time and the trajectory/ },
  { kind: 'a single data row', text: 't,x\n0,1\n', line: 2, column: 1, match: /only 1 sample; a time series needs at least 2/ },
  { kind: 'duplicate column names', text: 't,x,x [m]\n0,1,2\n1,2,3\n', line: 1, column: 3, match: /duplicate column name "x" \(also column 2\)/ },
  { kind: 'unterminated quote', text: 't,x\n0,1\n1,"2\n2,3\n', line: 3, column: 2, match: /unterminated quoted field/ },
  { kind: 'text after a closing quote', text: 't,x\n0,"1"2\n1,2\n', line: 2, column: 2, match: /unexpected "2" after a closing quote/ },
  { kind: 'NUL bytes (a binary file)', text: 't,x\n0,1\n\0\0\0', line: 3, column: 1, match: /binary/ },
  {
    kind: 'time decreases inside one trajectory',
    text: 'run,t,x\nA,0,1\nA,1,2\nB,0,5\nB,2,6\nB,1,7\n',
    line: 6,
    column: 2,
    match: /time decreases in trajectory "B", 1 after 2 at line 5/,
  },
  { kind: 'a trajectory with one sample', text: 'run,t,x\nA,0,1\nA,1,2\nB,0,5\n', line: 4, column: 2, match: /trajectory "B" has only 1 sample/ },
  { kind: 'missing trajectory id', text: 'run,t,x\nA,0,1\n,1,2\n', line: 3, column: 1, match: /1 missing value .*\(run\)/ },
  { kind: 'interpolate: missing time', text: 't,x\n0,1\n,2\n2,3\n', opts: { fill: 'interpolate' }, line: 3, column: 1, match: /missing time cannot be interpolated; pass --fill drop/ },
  { kind: 'interpolate: missing at the start', text: 't,x\n0,\n1,2\n2,3\n', opts: { fill: 'interpolate' }, line: 2, column: 2, match: /missing value at the start of the file cannot be interpolated/ },
  { kind: 'interpolate: missing at the end', text: 't,x\n0,1\n1,2\n2,nan\n', opts: { fill: 'interpolate' }, line: 4, column: 2, match: /at the end of the file/ },
  { kind: 'drop: nothing left', text: 't,x,y\n0,,1\n1,2,NaN\n', opts: { fill: 'drop' }, line: 2, column: 2, match: /no rows left after dropping 2 missing values/ },
  { kind: 'drop: one row left', text: 't,x\n0,\n1,NaN\n2,3\n', opts: { fill: 'drop' }, line: 4, column: 1, match: /only 1 sample/ },
  { kind: 'decimal comma in a comma-separated file', text: 't,x\n0,"1,5"\n1,2\n', line: 2, column: 2, match: /"1,5" is not a number/ },
  { kind: 'error line counted across CRLF', text: 't,x\r\n0,1\r\n1,2\r\n2,oops\r\n', line: 4, column: 2, match: /"oops" is not a number/ },
  { kind: 'error line counted across comments and blank lines', text: '# run 1\nt,x\n\n0,1\n% note\n1,x1\n', line: 6, column: 2, match: /"x1"/ },
  { kind: 'error line counted across a quoted line break', text: '"t","x\ncm"\n0,1\n1,bad\n', line: 4, column: 2, match: /"bad"/ },
];

describe('parseCsv rejects malformed files with a DataError at file, line and column', () => {
  it('covers at least 20 kinds', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });
  for (const c of CASES) {
    it(c.kind, () => {
      expectDataError(() => parseCsv(c.text, { ...c.opts, file: F }), F, c);
    });
  }

  it('names the source even without a file name, and has no location prefix then', () => {
    const err = (() => {
      try {
        parseCsv('t,x\n0,1\n1,zz\n');
      } catch (e) {
        return e as DataError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe('line 3, column 2: x: "zz" is not a number');
  });

  it('options that cannot work whatever the file are ConfigErrors naming the option', () => {
    const text = 't,x\n0,1\n1,2\n';
    const bad: [ReadOptions, RegExp][] = [
      [{ fill: 'mean' as never }, /^fill: must be 'error', 'interpolate' or 'drop'; got "mean"$/],
      [{ delimiter: 'x' }, /^delimiter: must be one of/],
      [{ channels: [] }, /^channels: the list is empty/],
      [{ channels: ['x', 'x'] }, /^channels: "x" is listed twice$/],
      [{ time: -1 }, /^time: a column index must be an integer >= 0; got -1$/],
      [{ time: 0.5 }, /^time: a column index must be an integer/],
    ];
    for (const [opts, msg] of bad) {
      expect(() => parseCsv(text, opts)).toThrow(ConfigError);
      expect(() => parseCsv(text, opts)).toThrow(msg);
    }
  });
});
