// What parseCsv reads from messy but valid files: exact values, names, units, trajectories.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.js';
import type { Dataset } from '../../src/data/dataset.js';
import { isUniform, resample } from '../../src/data/resample.js';
import { assertSeries } from '../../src/data/series.js';

/** The one trajectory of a dataset as plain arrays, after checking the Series invariants. */
function only(ds: Dataset): { t: number[]; y: number[][]; names: string[] } {
  expect(ds.trajectories).toHaveLength(1);
  const s = ds.trajectories[0].series;
  assertSeries(s);
  return { t: [...s.t], y: s.y.map((c) => [...c]), names: s.names };
}

const PLAIN = { t: [0, 0.5, 1], y: [[1.5, -2, 3e-3], [10, 20, 30]], names: ['x', 'y'] };

describe('parseCsv reads the same numbers whatever the dialect', () => {
  const dialects: [string, string][] = [
    ['comma, LF', 't,x,y\n0,1.5,10\n0.5,-2,20\n1,3e-3,30\n'],
    ['comma, CRLF', 't,x,y\r\n0,1.5,10\r\n0.5,-2,20\r\n1,3e-3,30\r\n'],
    ['comma, old Mac CR', 't,x,y\r0,1.5,10\r0.5,-2,20\r1,3e-3,30'],
    ['UTF-8 BOM', '\uFEFFt,x,y\n0,1.5,10\n0.5,-2,20\n1,3e-3,30\n'],
    ['BOM and CRLF, no final line end', '\uFEFFt,x,y\r\n0,1.5,10\r\n0.5,-2,20\r\n1,3e-3,30'],
    ['blanks around cells', ' t , x , y \n 0 , 1.5 , 10 \n0.5,  -2,20\n1,3e-3 ,30\n'],
    ['semicolons', 't;x;y\n0;1.5;10\n0.5;-2;20\n1;3e-3;30\n'],
    ['semicolons with decimal commas', 't;x;y\n0;1,5;10\n0,5;-2;20\n1;0,3e-2;30\n'],
    ['tabs', 't\tx\ty\n0\t1.5\t10\n0.5\t-2\t20\n1\t3e-3\t30\n'],
    ['tabs with decimal commas', 't\tx\ty\n0\t1,5\t10\n0,5\t-2\t20\n1\t0,003\t30\n'],
    ['pipes', 't|x|y\n0|1.5|10\n0.5|-2|20\n1|3e-3|30\n'],
    ['runs of blanks', '  t   x    y\n  0  1.5   10  \n 0.5\t-2 20\n1 3e-3\t\t30\n'],
    ['quoted everything', '"t","x","y"\n"0","1.5","10"\n"0.5","-2","20"\n"1","3e-3","30"\n'],
    ['comments and blank lines anywhere', '# exported by hand\n% second comment\n\nt,x,y\n0,1.5,10\n# pause\n\n0.5,-2,20\n   \n1,3e-3,30\n\n'],
    ['missing-value-free with + signs and leading dots', 't,x,y\n+0,+1.5,1e1\n.5,-2.,2E1\n1.,.3e-2,+30\n'],
  ];
  for (const [name, text] of dialects) {
    it(name, () => {
      expect(only(parseCsv(text))).toEqual(PLAIN);
    });
  }

  it('obeys an Excel "sep=;" first line', () => {
    expect(only(parseCsv('sep=;\r\nt;x;y\r\n0;1,5;10\r\n0,5;-2;20\r\n1;3e-3;30\r\n'))).toEqual(PLAIN);
    expect(() => parseCsv('sep=;\nt;x\n0;1\n1;a\n')).toThrow(/line 4, column 2/);
  });

  it('forces a delimiter when asked (tab given as the two characters \\t)', () => {
    expect(only(parseCsv('t\tx\ty\n0\t1.5\t10\n0.5\t-2\t20\n1\t3e-3\t30\n', { delimiter: '\\t' }))).toEqual(PLAIN);
  });

  it('warns that it read decimal commas', () => {
    expect(parseCsv('t;x\n0;1,5\n1;2,5\n').warnings.join('\n')).toMatch(/decimal commas/);
  });
});

describe('parseCsv headers', () => {
  it('splits units off names: "t [s]", "theta (rad)"', () => {
    const ds = parseCsv('t [s],theta (rad),omega [rad/s],count\n0,1,2,3\n1,2,3,4\n');
    expect(ds.timeColumn).toBe('t');
    expect(ds.trajectories[0].series.names).toEqual(['theta', 'omega', 'count']);
    expect(ds.units).toEqual({ t: 's', theta: 'rad', omega: 'rad/s' });
  });

  it('finds the time column by name, case-insensitive, not only in first place', () => {
    const ds = parseCsv('x,Time (s),y\n5,0,6\n7,1,8\n');
    expect(ds.timeColumn).toBe('Time');
    expect(only(ds)).toEqual({ t: [0, 1], y: [[5, 7], [6, 8]], names: ['x', 'y'] });
  });

  it('takes the time column by name or 0-based index and channels in the order asked', () => {
    const text = 'a,b,c,d\n1,10,100,0\n2,20,200,1\n';
    expect(only(parseCsv(text, { time: 'd', channels: ['c', 'a'] }))).toEqual({ t: [0, 1], y: [[100, 200], [1, 2]], names: ['c', 'a'] });
    expect(only(parseCsv(text, { time: 3, channels: ['b'] }))).toEqual({ t: [0, 1], y: [[10, 20]], names: ['b'] });
    // A channel may be named as written, unit included.
    expect(only(parseCsv('t,x [m]\n0,1\n1,2\n', { channels: ['x [m]'] })).names).toEqual(['x']);
  });

  it('quoted names may hold the delimiter, quotes and line breaks', () => {
    const ds = parseCsv('t,"x, left","say ""hi""","two\nlines"\n0,1,2,3\n1,"4",5,6\n');
    expect(only(ds)).toEqual({ t: [0, 1], y: [[1, 4], [2, 5], [3, 6]], names: ['x, left', 'say "hi"', 'two\nlines'] });
  });

  it('a defaulted id column that is a row index: the error says why it was taken', () => {
    expect(() => parseCsv('id,t,x\n0,0,1\n1,1,2\n')).toThrow(/column "id" was taken as the trajectory id because of its name/);
    // trajectory '' opts out: id becomes an ordinary channel.
    expect(only(parseCsv('id,t,x\n0,0,1\n1,1,2\n', { trajectory: '' }))).toEqual({ t: [0, 1], y: [[0, 1], [1, 2]], names: ['id', 'x'] });
  });

  it('a file without a header row gets names c1, c2, … and a warning', () => {
    const ds = parseCsv('0,1\n1,4\n2,9\n');
    expect(only(ds)).toEqual({ t: [0, 1, 2], y: [[1, 4, 9]], names: ['c2'] });
    expect(ds.timeColumn).toBe('c1');
    expect(ds.warnings.join('\n')).toMatch(/no header row/);
  });

  it('a "# t,x" comment above header-less data (numpy.savetxt) names the columns', () => {
    const ds = parseCsv('# t,x,v\n0,1,2\n1,3,4\n');
    expect(ds.timeColumn).toBe('t');
    expect(only(ds).names).toEqual(['x', 'v']);
  });

  it('skips text columns and all-empty columns (a trailing delimiter), with warnings', () => {
    const ds = parseCsv('t,label,x,\n0,a,1,\n1,b,2,\n');
    expect(only(ds)).toEqual({ t: [0, 1], y: [[1, 2]], names: ['x'] });
    expect(ds.warnings.join('\n')).toMatch(/text, not numbers: "label"/);
    expect(ds.warnings.join('\n')).toMatch(/only missing values: "c4"/);
  });

  it('reads ISO 8601 times as seconds since 1970 UTC (a zone-less time is UTC)', () => {
    const t0 = Date.UTC(2024, 0, 1) / 1000;
    const ok = parseCsv('timestamp,x\n2024-01-01T00:00:00Z,1\n2024-01-01 00:00:01.5,2\n2024-01-01T02:00:00+01:00,3\n');
    expect(only(ok).t).toEqual([t0, t0 + 1.5, t0 + 3600]);
    expect(ok.warnings.join('\n')).toMatch(/ISO 8601/);
    // 01:00 at +01:00 is midnight UTC again.
    expect(() => parseCsv('timestamp,x\n2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00+01:00,3\n')).toThrow(/duplicate time/);
  });
});

describe('parseCsv values', () => {
  it('keeps the float64 extremes: 1e308, -1.7976931348623157e308, 5e-324', () => {
    const { y } = only(parseCsv('t,x\n0,1e308\n1,-1.7976931348623157e308\n2,5e-324\n'));
    expect(y[0]).toEqual([1e308, -Number.MAX_VALUE, Number.MIN_VALUE]);
  });

  it('reads the shortest round-trip decimal of a double back to the same double', () => {
    const xs = [0.1, 1 / 3, Math.PI, -2.718281828459045e-200, 123456789.12345679];
    const text = 't,x\n' + xs.map((x, i) => `${i},${x}`).join('\n');
    expect(only(parseCsv(text)).y[0]).toEqual(xs);
  });

  it("fill: 'interpolate' is exact on data linear in t, and says how many it filled", () => {
    // x = 2 t + 1 sampled irregularly, gaps inside.
    const ds = parseCsv('t,x,y\n0,1,5\n0.5,,5\n2,5,NaN\n2.25,,5\n3,7,5\n', { fill: 'interpolate' });
    expect(only(ds).y[0]).toEqual([1, 2, 5, 5.5, 7]);
    expect(only(ds).y[1]).toEqual([5, 5, 5, 5, 5]);
    expect(ds.warnings.join('\n')).toMatch(/interpolated 3 of 3 missing values/);
  });

  it("fill: 'drop' drops the rows with a missing value and says so", () => {
    const ds = parseCsv('t,x\n0,1\n1,\n2,3\nnan,4\n4,5\n', { fill: 'drop' });
    expect(only(ds)).toEqual({ t: [0, 2, 4], y: [[1, 3, 5]], names: ['x'] });
    expect(ds.warnings.join('\n')).toMatch(/dropped 2 rows/);
  });

  it('missing values in a column that is not read do not matter', () => {
    expect(only(parseCsv('t,x,y\n0,1,\n1,2,oops\n', { channels: ['x'] })).y).toEqual([[1, 2]]);
  });

  it('irregular sampling is kept as is; resampling is exact on linear data', () => {
    const t = [0, 0.1, 0.35, 0.4, 1.0, 1.7, 2.0];
    const text = 't,x\n' + t.map((ti) => `${ti},${3 - 2 * ti}`).join('\n');
    const s = parseCsv(text).trajectories[0].series;
    expect([...s.t]).toEqual(t);
    expect(isUniform(s.t)).toBe(false);
    const r = resample(s, 0.25);
    expect(r.t.length).toBe(9);
    expect(isUniform(r.t)).toBe(true);
    for (let k = 0; k < r.t.length; k++) expect(Math.abs(r.y[0][k] - (3 - 2 * 0.25 * k))).toBeLessThan(1e-14);
  });
});

describe('parseCsv trajectories', () => {
  it('splits a trajectory column into runs, each with its own clock', () => {
    const ds = parseCsv('run,t,x\nA,0,1\nA,1,2\nA,2,3\nB,0,5\nB,0.5,6\n');
    expect(ds.trajectoryColumn).toBe('run');
    expect(ds.trajectories.map((tr) => tr.id)).toEqual(['A', 'B']);
    expect(ds.trajectories.map((tr) => [...tr.series.t])).toEqual([[0, 1, 2], [0, 0.5]]);
    expect(ds.trajectories.map((tr) => [...tr.series.y[0]])).toEqual([[1, 2, 3], [5, 6]]);
    expect(ds.trajectories[0].series.names).toEqual(['x']);
  });

  it('groups interleaved rows by id and normalises numeric ids', () => {
    const ds = parseCsv('t,trial,x\n0,1.0,1\n0,2,10\n1,1e0,2\n1,2.0,20\n');
    expect(ds.trajectories.map((tr) => tr.id)).toEqual(['1', '2']);
    expect(ds.trajectories.map((tr) => [...tr.series.y[0]])).toEqual([[1, 2], [10, 20]]);
  });

  it('without a trajectory column, a time restart is an error that suggests one', () => {
    expect(() => parseCsv('t,k,x\n0,1,1\n1,1,2\n0,2,3\n1,2,4\n')).toThrow(/time decreases.*trajectory option/);
    expect(parseCsv('t,k,x\n0,1,1\n1,1,2\n0,2,3\n1,2,4\n', { trajectory: 'k' }).trajectories).toHaveLength(2);
  });
});
