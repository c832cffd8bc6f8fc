import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { estimateSecondsLeft, formatClock, multiProgress, timingText } from '../../src/cli/progress.js';

/** A terminal-like stream that records what is written, escape codes stripped. */
function fakeTerminal(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const w = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(w, { isTTY: true, columns: 160, rows: 40 });
  // eslint-disable-next-line no-control-regex -- removing ANSI escape sequences
  return { stream: w, text: () => out.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '\n') };
}

describe('progress: time formatting', () => {
  it('formats durations like a stopwatch', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(7.9)).toBe('0:07');
    expect(formatClock(125)).toBe('2:05');
    expect(formatClock(3723)).toBe('1:02:03');
    expect(formatClock(36000)).toBe('10:00:00');
    expect(formatClock(NaN)).toBe('—');
    expect(formatClock(-1)).toBe('—');
    expect(formatClock(Infinity)).toBe('—');
  });

  it('estimates the time left at a constant rate, once it means something', () => {
    expect(estimateSecondsLeft(30, 0.25)).toBeCloseTo(90, 12); // a quarter in 30 s: 90 s to go
    expect(estimateSecondsLeft(10, 0.5)).toBeCloseTo(10, 12);
    expect(estimateSecondsLeft(10, 1)).toBe(0);
    expect(estimateSecondsLeft(1, 0.5)).toBeUndefined(); // under 2 s: start-up dominates
    expect(estimateSecondsLeft(60, 0.005)).toBeUndefined(); // under 1 %
    expect(estimateSecondsLeft(60, NaN)).toBeUndefined();
  });

  it('says queued, elapsed and left, then how long it took', () => {
    expect(timingText(undefined, 0)).toBe('queued');
    expect(timingText(1, 0.3)).toBe('0:01 elapsed');
    expect(timingText(42, 0.375)).toBe('0:42 elapsed, about 1:10 left');
    expect(timingText(95, 1)).toBe('took 1:35');
  });
});

describe('progress: bars on a terminal', () => {
  it('shows elapsed time and time left, never moves a bar backwards, and logs a notice on its own line', () => {
    let clock = 0;
    const term = fakeTerminal();
    const progress = multiProgress({ enabled: true, stream: term.stream, now: () => clock });
    const lstm = progress.bar('lstm');
    const bank = progress.bar('oscillator-bank K=4');
    lstm.update(0.1, 'step 100/2000');
    clock = 20_000;
    lstm.update(0.4, 'step 800/2000');
    // Early stopping re-plans the work: a smaller fraction is held at 40 %.
    lstm.update(0.3, 'retrain step 10/600');
    progress.log('lawful: stopping after the current step (Ctrl-C again to quit now)');
    progress.stop();
    const lines = term.text().split('\n').filter((l) => l.trim() !== '');
    const lstmLines = lines.filter((l) => l.includes('lstm'));
    const last = lstmLines[lstmLines.length - 1];
    expect(last).toMatch(/ 40% {2}0:20 elapsed, about 0:30 left {2}retrain step 10\/600/);
    expect(lstmLines.some((l) => / 30%/.test(l))).toBe(false);
    expect(lines.some((l) => /oscillator-bank K=4 .* 0% {2}queued/.test(l))).toBe(true);
    // The notice is a line of its own: nothing of a bar before or after it on that line.
    expect(lines).toContain('lawful: stopping after the current step (Ctrl-C again to quit now)');
    void bank;
  });

  it('writes a notice straight to the stream when the bars are off or stopped', () => {
    const term = fakeTerminal();
    const off = multiProgress({ enabled: false, stream: term.stream });
    off.bar('x').update(0.5);
    off.log('lawful: interrupted');
    expect(term.text()).toBe('lawful: interrupted\n');
  });
});
