// Property: on ANY input the parsers either return a valid Dataset or throw a DataError —
// never another exception, never a half-valid series. Seeds are fixed: runs are repeatable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { parseCsv } from '../../src/data/csv.js';
import type { Dataset, ReadOptions } from '../../src/data/dataset.js';
import { parseJson } from '../../src/data/json.js';
import { assertSeries } from '../../src/data/series.js';

/** Counts outcomes so the test can show it explored both sides. */
interface Tally {
  ok: number;
  dataError: number;
}

/** Runs `parse`; a result must be fully valid, a failure must be a located DataError. */
function holds(parse: () => Dataset, tally: Tally): void {
  let ds: Dataset;
  try {
    ds = parse();
  } catch (e) {
    if (!(e instanceof DataError)) throw new Error(`not a DataError: ${String(e)}`, { cause: e });
    if (e.message === '' || (e.location.line !== undefined && !(Number.isInteger(e.location.line) && e.location.line >= 1))) {
      throw new Error(`bad DataError location: ${e.message}`, { cause: e });
    }
    tally.dataError++;
    return;
  }
  if (ds.trajectories.length === 0) throw new Error('a dataset without trajectories');
  for (const { series } of ds.trajectories) {
    assertSeries(series);
    if (series.t.length < 2) throw new Error('a series shorter than 2');
    if (series.y.length === 0) throw new Error('a series without channels');
    for (const a of [series.t, ...series.y]) for (const v of a) if (!Number.isFinite(v)) throw new Error(`non-finite value ${v}`);
  }
  if (!/^sha256:[0-9a-f]{64}$/.test(ds.fingerprint)) throw new Error('bad fingerprint');
  tally.ok++;
}

const optsArb: fc.Arbitrary<ReadOptions> = fc.record(
  {
    fill: fc.constantFrom<ReadOptions['fill']>('error', 'interpolate', 'drop'),
    delimiter: fc.constantFrom(',', ';', '\t', '|', ' '),
    time: fc.constantFrom<string | number>('t', 0, 1, 'zz'),
    trajectory: fc.constantFrom('run', 'id'),
    channels: fc.constantFrom(['x'], ['y', 'x'], ['nope']),
  },
  { requiredKeys: [] },
);

/** Characters that matter to a CSV reader, so random strings hit its branches. */
const CSV_CHARS = [...'0123456789.,;\t| \n\r"#%eE+-xtyabNnI\uFEFF\0'];
const NASTY = ['', 'NaN', 'abc', '1.2.3', '1e400', '-1e308', '"', '"1,5"', '1,5', 'inf', ' ', '#', '%x', '-', '0x1F', '""', '\r', '\n', '2024-01-01'];

/** A plausible file: header, increasing clock, numbers, then a few corruptions. */
const structuredCsv = fc
  .record({
    header: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(['t', 'x', 'y'], ['run', 't', 'x'], ['time [s]', 'theta (rad)', 'x', 'y']) },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 2, arbitrary: fc.array(fc.constantFrom('t', 'x', 'y [m]', 'theta (rad)', 'run', 'id', '', 'time', '"q,r"', 'x'), { minLength: 1, maxLength: 5 }) },
    ),
    width: fc.integer({ min: 1, max: 5 }),
    n: fc.integer({ min: 0, max: 25 }),
    values: fc.array(fc.double({ min: -1e308, max: 1e308, noNaN: true }), { minLength: 125, maxLength: 125 }),
    steps: fc.array(fc.double({ min: 1e-6, max: 10, noNaN: true }), { minLength: 25, maxLength: 25 }),
    delim: fc.constantFrom(',', ';', '\t', '|', ' ', '  '),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    edits: fc.oneof(
      fc.constant([]),
      fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('insert', 'delete', 'cell'), what: fc.constantFrom(...NASTY) }), { minLength: 1, maxLength: 3 }),
    ),
  })
  .map(({ header, width, n, values, steps, delim, eol, bom, edits }) => {
    const w = header ? header.length : width;
    const lines: string[] = header ? [header.join(delim)] : [];
    let t = 0;
    for (let r = 0; r < n; r++) {
      t += steps[r];
      const cell = (c: number) => {
        const name = header ? header[c] : c === 0 ? 't' : 'x';
        if (name === 'run' || name === 'id') return r < n / 2 ? 'A' : 'B';
        return /^t(ime)?\b/.test(name) ? String(t) : String(values[(r * 5 + c) % 125]);
      };
      lines.push(Array.from({ length: w }, (_, c) => cell(c)).join(delim));
    }
    let text = (bom ? '\uFEFF' : '') + lines.join(eol) + eol;
    for (const e of edits) {
      const at = text.length ? e.at % text.length : 0;
      if (e.kind === 'insert') text = text.slice(0, at) + e.what + text.slice(at);
      else if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + 1 + (e.what.length % 3));
      else text = text.slice(0, at) + e.what + text.slice(text.indexOf(delim, at) < 0 ? at : text.indexOf(delim, at));
    }
    return text;
  });

/** A plausible JSON file in one of the three shapes, then a few character edits. */
const structuredJson = fc
  .record({
    shape: fc.constantFrom('columns', 'records', 'rows'),
    n: fc.integer({ min: 0, max: 12 }),
    cells: fc.array(
      fc.oneof({ weight: 40, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) }, { weight: 1, arbitrary: fc.constantFrom(null, 'abc', '1.5', true, [], {}, NaN) }),
      { minLength: 24, maxLength: 24 },
    ),
    edits: fc.oneof(fc.constant([]), fc.array(fc.record({ at: fc.nat(), what: fc.constantFrom('', ',', ']', '}', '"', 'NaN', '1e400', '-', '[', '{') }), { minLength: 1, maxLength: 2 })),
  })
  .map(({ shape, n, cells, edits }) => {
    const t = Array.from({ length: n }, (_, i) => i * 0.5);
    const x = Array.from({ length: n }, (_, i) => cells[i]);
    const y = Array.from({ length: n }, (_, i) => cells[12 + i]);
    let text =
      shape === 'columns'
        ? JSON.stringify({ t, x, y })
        : shape === 'records'
          ? JSON.stringify(t.map((ti, i) => ({ t: ti, x: x[i], y: y[i] })))
          : JSON.stringify([['t', 'x', 'y'], ...t.map((ti, i) => [ti, x[i], y[i]])]);
    for (const e of edits) {
      const at = text.length ? e.at % text.length : 0;
      text = text.slice(0, at) + e.what + text.slice(at + 1);
    }
    return text;
  });

const SEED = 20091;
/** String() writes -0 as "0"; keep the sign so the round trip can be exact. */
const exact = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

describe('parsers never throw anything but a DataError, and never return an invalid series', () => {
  it(
    'parseCsv on 12,000 inputs: 3,000 arbitrary strings, 3,000 CSV-alphabet strings, 6,000 corrupted CSV files',
    () => {
      const tally: Tally = { ok: 0, dataError: 0 };
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.option(optsArb), (text, opts) => holds(() => parseCsv(text, opts ?? {}), tally)),
        { numRuns: 3000, seed: SEED },
      );
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(...CSV_CHARS), maxLength: 300 }), fc.option(optsArb), (text, opts) => holds(() => parseCsv(text, opts ?? {}), tally)),
        { numRuns: 3000, seed: SEED + 1 },
      );
      const structured: Tally = { ok: 0, dataError: 0 };
      fc.assert(
        fc.property(structuredCsv, fc.option(optsArb, { freq: 2 }), (text, opts) => holds(() => parseCsv(text, opts ?? {}), structured)),
        { numRuns: 6000, seed: SEED + 2 },
      );
      expect(tally.ok + tally.dataError + structured.ok + structured.dataError).toBe(12000);
      // The corrupted files must exercise both outcomes substantially.
      expect(structured.ok).toBeGreaterThan(600);
      expect(structured.dataError).toBeGreaterThan(600);
    },
    20_000,
  );

  it(
    'parseJson on 5,000 inputs: 1,000 arbitrary strings, 1,000 JSON values, 3,000 corrupted JSON files',
    () => {
      const tally: Tally = { ok: 0, dataError: 0 };
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => holds(() => parseJson(text), tally)), { numRuns: 1000, seed: SEED });
      fc.assert(fc.property(fc.json({ maxDepth: 4 }), fc.option(optsArb), (text, opts) => holds(() => parseJson(text, opts ?? {}), tally)), {
        numRuns: 1000,
        seed: SEED + 1,
      });
      const structured: Tally = { ok: 0, dataError: 0 };
      fc.assert(
        fc.property(structuredJson, fc.option(optsArb, { freq: 2 }), (text, opts) => holds(() => parseJson(text, opts ?? {}), structured)),
        { numRuns: 3000, seed: SEED + 2 },
      );
      expect(structured.ok).toBeGreaterThan(100);
      expect(structured.dataError).toBeGreaterThan(300);
    },
    20_000,
  );

  it(
    'round trip: 2,000 clean files in any dialect read back to the very doubles that were written',
    () => {
      const clean = fc.record({
        delim: fc.constantFrom(',', ';', '\t', '|', ' '),
        eol: fc.constantFrom('\n', '\r\n', '\r'),
        bom: fc.boolean(),
        runs: fc.integer({ min: 1, max: 3 }),
        n: fc.integer({ min: 2, max: 20 }),
        t0: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        x: fc.array(fc.double({ min: -Number.MAX_VALUE, max: Number.MAX_VALUE, noNaN: true }), { minLength: 60, maxLength: 60 }),
      });
      fc.assert(
        fc.property(clean, ({ delim, eol, bom, runs, n, t0, x }) => {
          const lines = ['run,t [s],x'.replaceAll(',', delim === ' ' ? '  ' : delim).replace('t [s]', delim === ' ' ? 't' : 't [s]')];
          for (let r = 0; r < runs; r++) for (let i = 0; i < n; i++) lines.push([`R${r}`, String(t0 + i), exact(x[(r * n + i) % 60])].join(delim));
          const ds = parseCsv((bom ? '\uFEFF' : '') + lines.join(eol) + eol);
          if (ds.trajectories.length !== runs) throw new Error(`${ds.trajectories.length} trajectories, wrote ${runs}`);
          ds.trajectories.forEach((tr, r) => {
            if (tr.id !== `R${r}` || tr.series.t.length !== n) throw new Error(`trajectory ${r} misread`);
            for (let i = 0; i < n; i++) {
              if (tr.series.t[i] !== t0 + i || !Object.is(tr.series.y[0][i], x[(r * n + i) % 60])) throw new Error(`value ${i} of ${r} misread`);
            }
          });
        }),
        { numRuns: 2000, seed: SEED + 3 },
      );
    },
    20_000,
  );
});
