// Ctrl-C the way a person meets it: `lawful fit` under a pseudo-terminal (util-linux `script`)
// with its progress bars on screen. The process must end at once (no idle timer keeping it
// alive), say so below the bars, keep the fit that had finished, and record the run as
// interrupted with it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seriesToCsv } from '../../src/data/csv-write.js';
import { RunStore } from '../../src/runs/store.js';
import { simulate } from '../../src/systems/simulate.js';

const ENTRY = fileURLToPath(new URL('./lawful.ts', import.meta.url));
/** `script` (bsdutils, installed by scripts/setup-system.sh) gives the command a terminal of its own. */
const hasScript = spawnSync('script', ['--version']).status === 0;

/** What the terminal shows, without colour and cursor codes. */
// eslint-disable-next-line no-control-regex -- terminal escape codes are what it removes
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

describe.skipIf(!hasScript)('Ctrl-C in a terminal (script -qefc)', () => {
  it('ends the program at once, keeps the finished fit, records the run interrupted, and writes below the bars', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-tty-'));
    const data = join(dir, 'pendulums.csv');
    writeFileSync(data, seriesToCsv(simulate('coupled-pendulums', { until: 30, dt: 0.02 }).series));
    const out = join(dir, 'out');
    const store = join(dir, 'runs.db');
    const command = [process.execPath, '--import', 'tsx', ENTRY, 'fit', data, '--model', 'lstm', '--model', 'fourier', '--train-until', '10', '--out', out, '--store', store]
      .map((a) => `'${a}'`)
      .join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, COLUMNS: '120' } });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (screen += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Wait until the bars show the Fourier fit done (the LSTM trains for minutes), then press Ctrl-C.
      const deadline = Date.now() + 90_000;
      while (!/fourier\s+\|█+\| 100%/.test(plain(screen)) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      expect(plain(screen)).toMatch(/fourier\s+\|█+\| 100%/);
      child.stdin.write('\x03'); // the terminal turns it into SIGINT for the foreground process
      const pressed = Date.now();
      const code = await Promise.race([exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 15_000))]);
      expect(code).toBe(130); // not 'alive': nothing keeps the process waiting for a second Ctrl-C
      expect(Date.now() - pressed).toBeLessThan(15_000);

      const text = plain(screen);
      const notice = text.lastIndexOf('lawful: interrupted');
      expect(notice).toBeGreaterThan(text.lastIndexOf('|')); // below the last bar drawn, not over it
      expect(text).toContain('Interrupted: lstm was cut short; the report covers the 1 finished model.');
      expect(readdirSync(out).sort()).toEqual(['figure.png', 'figure.svg', 'index.html', 'model-fourier.json', 'reliability.png', 'reliability.svg', 'results.json', 'table.txt', 'vpt.png', 'vpt.svg']);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { models: { name: string }[]; interrupted: string[]; run: string };
      expect(results.models.map((m) => m.name)).toEqual(['fourier']);
      expect(results.interrupted).toEqual(['lstm']);
      const s = RunStore.open(store, { create: false });
      const run = s.get(results.run);
      s.close();
      expect(run.status).toBe('interrupted');
      expect(run.results?.models.map((m) => m.name)).toEqual(['fourier']);
      expect(run.error).toBe('interrupted (Ctrl-C); cut short: lstm');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 150_000);
});
