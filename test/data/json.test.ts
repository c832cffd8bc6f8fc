// parseJson: the three accepted shapes, and errors at the exact line and column.
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/data/json.js';
import { assertSeries } from '../../src/data/series.js';
import { expectDataError } from './expect-error.js';

const F = 'data.json';
/** `n` JSON Lines records {"t": i, "x": 2i}, joined by newlines (no newline after the last). */
const jsonl = (n: number) => Array.from({ length: n }, (_, i) => `{"t": ${i}, "x": ${2 * i}}`).join('\n');
const WANT = { t: [0, 0.5, 1], y: [[1, 2, 3], [-1, 1e308, 5e-324]], names: ['x', 'y'] };

function only(text: string, opts = {}) {
  const ds = parseJson(text, opts);
  expect(ds.trajectories).toHaveLength(1);
  const s = ds.trajectories[0].series;
  assertSeries(s);
  return { t: [...s.t], y: s.y.map((c) => [...c]), names: s.names };
}

describe('parseJson shapes', () => {
  it('columns: {t: [...], x: [...]}', () => {
    expect(only('{"t": [0, 0.5, 1], "x": [1, 2, 3], "y": [-1, 1e308, 5e-324]}')).toEqual(WANT);
  });
  it('records: [{t, x, y}, ...] (keys in any order)', () => {
    expect(only('[{"t":0,"x":1,"y":-1},{"x":2,"t":0.5,"y":1e308},{"y":5e-324,"t":1,"x":3}]')).toEqual(WANT);
  });
  it('rows with a first row of names, and without', () => {
    expect(only('[["t","x","y"],[0,1,-1],[0.5,2,1e308],[1,3,5e-324]]')).toEqual(WANT);
    const headless = parseJson('[[0,1],[1,2]]');
    expect(headless.trajectories[0].series.names).toEqual(['c2']);
    expect(headless.warnings.join('\n')).toMatch(/c1 … c2/);
  });
  it('a BOM, units in keys, numeric strings, trajectories', () => {
    const ds = parseJson('\uFEFF[{"run":"a","t [s]":0,"x (m)":"1.5"},{"run":"a","t [s]":1,"x (m)":2},{"run":"b","t [s]":0,"x (m)":3},{"run":"b","t [s]":1,"x (m)":4}]');
    expect(ds.units).toEqual({ t: 's', x: 'm' });
    expect(ds.trajectories.map((tr) => [tr.id, [...tr.series.y[0]]])).toEqual([['a', [1.5, 2]], ['b', [3, 4]]]);
  });
  it('JSON Lines: one record or row per line, as pandas to_json(orient="records", lines=True) writes', () => {
    expect(only('{"t":0,"x":1,"y":-1}\n{"x":2,"t":0.5,"y":1e308}\r\n{"y":5e-324,"t":1,"x":3}\n')).toEqual(WANT);
    expect(only('["t","x","y"]\n[0,1,-1]\n\n[0.5,2,1e308]\n[1,3,5e-324]')).toEqual(WANT);
  });
  it('null and NaN (as Python writes it) are missing values, filled on request', () => {
    expect(only('{"t":[0,1,2,3],"x":[0,null,NaN,3]}', { fill: 'interpolate' }).y[0]).toEqual([0, 1, 2, 3]);
  });
});

describe('parseJson errors name the line and column', () => {
  const cases: [string, string, number, number, RegExp, object?][] = [
    ['empty file', '', 1, 1, /the file is empty/],
    ['malformed: trailing comma in an array', '{\n  "t": [0, 1,],\n  "x": [1, 2]\n}', 2, 14, /expected a JSON value, found "\]/],
    ['malformed: missing comma between keys', '{"t": [0, 1]\n "x": [1, 2]}', 2, 2, /expected ',' or '}' in an object/],
    ['malformed: single quotes', "{'t': [0]}", 1, 2, /expected a "key"/],
    ['malformed: unterminated string', '{"t": [0, 1], "x\n', 1, 17, /control character in a string/],
    ['malformed: string never closed', '{"t": "abc', 1, 7, /unterminated string/],
    ['malformed: truncated file', '[{"t": 0, "x": 1},\n {"t": 1, "x":', 2, 15, /expected a JSON value, found end of file/],
    ['malformed: text after the value', '{"t":[0,1],"x":[1,2]} extra', 1, 23, /unexpected "extra" after the JSON value/],
    ['malformed: leading zero', '{"t":[00,1],"x":[1,2]}', 1, 8, /expected ',' or '\]'/],
    ['nested too deeply', '['.repeat(5000), 1, 258, /nested deeper than 256/],
    ['duplicate key', '{"t":[0,1],\n"t":[1,2]}', 2, 1, /duplicate key "t"/],
    ['records: missing key', '[{"t":0,"x":1},\n  {"t":1}]', 2, 3, /record 2 has no key "x" \(use null/],
    ['records: extra key', '[{"t":0,"x":1},{"t":1,"x":2,\n"y":3}]', 2, 1, /record 2 has key "y", which the first record does not have/],
    ['records: not an object', '[{"t":0,"x":1}, 5]', 1, 17, /record 2 is number/],
    ['arrays of unequal length', '{"t": [0, 1, 2],\n "x": [1, 2]}', 2, 7, /column "x" has 2 values but "t" has 3/],
    ['a column that is not an array', '{"t": [0, 1], "x": 3}', 1, 20, /column "x" must be an array/],
    ['a top-level number', '  42', 1, 3, /expected an object of columns or an array of records/],
    ['an empty array', '[]', 1, 1, /no records/],
    ['an empty object', ' {}', 1, 2, /no columns/],
    ['rows of unequal length', '[["t","x"],[0,1],\n[1]]', 2, 1, /row has 1 values, the first row has 2/],
    ['a string that is not a number', '{"t":[0,1],"x":[1,\n  "abc"]}', 2, 3, /x: "abc" is not a number/],
    ['a boolean in a number column', '{"t":[0,1],"x":[true,2]}', 1, 17, /"true" is not a number/],
    ['overflow: 1e400', '{"t":[0,1],"x":[1,1e400]}', 1, 19, /"Infinity" is not a finite float64/],
    ['Infinity', '{"t":[0,1],"x":[-Infinity,1]}', 1, 17, /not a finite float64/],
    ['decreasing time', '{"t":[0,2,1],"x":[1,2,3]}', 1, 11, /time decreases/],
    ['missing values without fill', '{"t":[0,1,2],"x":[1,null,3]}', 1, 21, /1 missing value/],
    ['a single record', '[{"t":0,"x":1}]', 1, 7, /only 1 sample/],
    ['JSON Lines: two records on one line', '{"t":0,"x":1}\n{"t":1,"x":2} {"t":2,"x":3}', 2, 15, /expected the end of the line after a JSON Lines record, found "\{/],
    ['JSON Lines: a broken record names its line', '{"t":0,"x":1}\n{"t":1,"x":2}\n{"t":2,"x":}', 3, 12, /expected a JSON value, found "\}"/],
    ['JSON Lines: a record lacking a key names its line', '{"t":0,"x":1}\n{"t":1,"x":2}\n{"t":2}', 3, 1, /record 3 has no key "x"/],
    // A record cut short (a writer killed mid-line) is reported on its own line, 121, not on line 122 that follows it.
    ['JSON Lines: a record cut short at line 121 of 122', `${jsonl(120)}\n{"t": 120, "x":\n{"t": 121, "x": 1}\n`, 121, 16, /expected a JSON value, found the end of the line/],
    ['JSON Lines: the last record cut short, the file ending in a newline', `${jsonl(120)}\n{"t": 120, "x": 3\n`, 121, 18, /expected ',' or '\}' in an object, found the end of the line/],
    ['JSON Lines: a string left open runs to the end of its line', `${jsonl(120)}\n{"t": 120, "x": "3\n{"t": 121, "x": 1}\n`, 121, 17, /unterminated string: it runs to the end of the line/],
    ['JSON Lines with CRLF: a record cut short names its line', `${jsonl(2).replace(/\n/g, '\r\n')}\r\n{"t": 2, "x":\r\n{"t": 3, "x": 1}\r\n`, 3, 15, /expected a JSON value, found the end of the line/],
    ['JSON Lines: a number after an object is not JSON Lines', '{"t":[0,1],"x":[1,2]}\n5', 2, 1, /unexpected "5" after the JSON value/],
    ['channel that does not exist', '{"t":[0,1],"x":[1,2]}', 1, 1, /channel "v" does not exist; columns are "x"/, { channels: ['v'] }],
  ];
  for (const [kind, text, line, column, match, opts] of cases) {
    it(kind, () => {
      const err = expectDataError(() => parseJson(text, { ...opts, file: F }), F, { line, match });
      // Channel errors are about the whole header: a line, no column.
      if (!/channel/.test(kind)) expect(err.location.column).toBe(column);
    });
  }
});
