import { describe, expect, it } from 'vitest';
import { formatCount, formatMetric, formatSeconds } from '../../src/report/format.js';
import { formatTable } from '../../src/report/table.js';
import { spread } from '../../src/eval/seeds.js';
import { exampleResults } from './fixtures.js';

describe('formatMetric', () => {
  it.each([
    [0.0342, '0.0342'],
    [0.034, '0.034'],
    [1.57, '1.57'],
    [2, '2'],
    [0.944449, '0.944'],
    [12345, '12300'],
    [-0.5, '-0.5'],
    [0.001, '0.001'],
    [1.2e-5, '1.2e-5'],
    [5.6e-8, '5.6e-8'],
    [1.23456e-9, '1.23e-9'],
    [1e12, '1e12'],
    [0, '0'],
  ])('%d → %s', (x, s) => expect(formatMetric(x)).toBe(s));

  it('shows every non-finite value as diverged', () => {
    for (const x of [NaN, Infinity, -Infinity, null, undefined]) expect(formatMetric(x)).toBe('diverged');
  });

  it('formats durations and counts', () => {
    expect(formatSeconds(0.23)).toBe('230 ms');
    expect(formatSeconds(6.13)).toBe('6.13 s');
    expect(formatSeconds(144)).toBe('2 min 24 s');
    expect(formatSeconds(3 * 3600 + 5 * 60)).toBe('3 h 05 min');
    expect(formatCount(17217)).toBe('17,217');
    expect(formatCount(27)).toBe('27');
  });
});

describe('formatTable', () => {
  const rows = exampleResults().models;

  it('aligns every column and shows non-finite metrics as diverged', () => {
    const text = formatTable(rows, { until: 30 });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^model\s+parameters\s+in-window NRMSE\s+beyond-window NRMSE\s+valid prediction time\s+fit time$/);
    const bank = lines[2];
    const lstm = lines[3];
    expect(bank.startsWith('oscillator-bank K=4')).toBe(true);
    expect(lstm.split(/\s{2,}/)).toEqual(['LSTM', '17,217', '0.002*', 'diverged', '10.6', '2 min 24 s']);
    expect(bank.split(/\s{2,}/)).toEqual(['oscillator-bank K=4', '27', '6.2e-9', '5.6e-8', 'never', '230 ms']);
    // Right-aligned numbers: each numeric cell ends at the same column as its header.
    const end = (line: string, cell: string): number => line.indexOf(cell) + cell.length;
    expect(end(lstm, 'diverged')).toBe(end(lines[0], 'beyond-window NRMSE'));
    expect(end(bank, '5.6e-8')).toBe(end(lines[0], 'beyond-window NRMSE'));
    expect(end(bank, '27')).toBe(end(lines[0], 'parameters'));
    expect(end(lstm, '2 min 24 s')).toBe(lines[0].length);
    // The teacher-forced in-window error is flagged, with the free-running one beside it.
    expect(text).toContain('* one step ahead (teacher-forced); free-running in-window NRMSE: LSTM 0.35');
  });

  it('shows the valid prediction time as a number without a horizon, and no footnote without one-step rows', () => {
    const text = formatTable([rows[0]]);
    expect(text.split('\n')[2].split(/\s{2,}/)[4]).toBe('30');
    expect(text).not.toContain('teacher-forced');
  });

  it('adds the spread over seeds of the models fitted with several, from their values', () => {
    const values = [1.2, 1.4, 1.9];
    const seeded = { ...rows[0], metrics: { ...rows[0].metrics, overSeeds: {
      seeds: [0, 1, 2],
      nrmseInFreeRun: spread(values), nrmseOut: spread([2, 2, 2]), validPredictionTime: spread([10.5]), fitSeconds: spread([0.5, 0.7, 0.9]),
    } } };
    const text = formatTable([seeded, rows[1]]);
    const line = text.split('\n').find((l) => l.startsWith(rows[0].name) && l.includes('['))!;
    // mean 1.5, s = 0.361, t(2) = 4.303: half-width 0.896
    expect(line.split(/\s{2,}/)).toEqual([rows[0].name, '3', '1.5 [0.604, 2.4]', '2 [2, 2]', '10.5', '700 ms [203 ms, 1.2 s]']);
    expect(text.match(/\[/g)).toHaveLength(4); // the model without seeds has no row there
  });
});
