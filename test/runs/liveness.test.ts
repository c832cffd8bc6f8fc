// Is the process that recorded a run still alive, and is it still the same process?
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pidAlive, processStart } from '../../src/runs/liveness.js';

const hasProc = processStart(process.pid) !== undefined;

describe('liveness', () => {
  it('an invalid or unused pid is dead; this process is alive', () => {
    expect(pidAlive(0)).toBe(false);
    expect(pidAlive(-5)).toBe(false);
    expect(pidAlive(2 ** 22 + 1)).toBe(false); // above any Linux pid_max
    expect(pidAlive(process.pid)).toBe(true);
  });

  it.skipIf(!hasProc)('processStart names one process: stable for it, different for another, gone with it', async () => {
    const me = processStart(process.pid)!;
    expect(me).toMatch(/^[0-9a-f-]{36}:\d+$/);
    expect(processStart(process.pid)).toBe(me);
    expect(pidAlive(process.pid, me)).toBe(true);
    const [boot, ticks] = me.split(':');
    expect(pidAlive(process.pid, `${boot}:${Number(ticks) + 1}`)).toBe(false); // our pid, another start: recycled

    const child = spawn('sleep', ['30']);
    try {
      await new Promise((r) => child.once('spawn', r));
      const its = processStart(child.pid!);
      expect(its).toBeDefined();
      expect(its!.split(':')[0]).toBe(boot); // same boot
      expect(its).not.toBe(me);
      expect(pidAlive(child.pid!, its)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    expect(pidAlive(child.pid!)).toBe(false);
  });
});
