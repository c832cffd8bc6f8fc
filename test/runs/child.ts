// A separate process that uses a run store, for the tests that need a real second process:
//   child.ts STORE hang        begin a run via withRun and wait; SIGINT records it interrupted
//   child.ts STORE write N     print ready, wait for a line on stdin, then record N completed runs, printing each id
//   child.ts STORE lock        hold the write lock until a line arrives on stdin, then wait ms given by it and commit
import { createInterface } from 'node:readline';
import { AbortError } from '../../src/core/errors.js';
import { openDatabase } from '../../src/runs/sqlite.js';
import { RunStore } from '../../src/runs/store.js';
import { withRun } from '../../src/runs/with-run.js';
import { model, results } from './fixtures.js';

const [path, mode, arg] = process.argv.slice(2);

if (mode === 'hang') {
  const store = RunStore.open(path);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort('interrupted (SIGINT)'));
  try {
    await withRun(store, { command: 'fit', config: { child: true }, argv: ['fit', 'slow.csv'] }, (handle) => {
      process.stdout.write(`begun ${handle.id}\n`);
      return new Promise<never>((_, reject) => {
        const timer = setInterval(() => {}, 1000); // keep the event loop alive, as a long fit does
        controller.signal.addEventListener('abort', () => {
          clearInterval(timer);
          reject(new AbortError(String(controller.signal.reason)));
        });
      });
    }, { signal: controller.signal });
  } catch (err) {
    store.close();
    process.exitCode = err instanceof AbortError ? 130 : 1;
  }
} else if (mode === 'write') {
  const store = RunStore.open(path);
  process.stdout.write('ready\n');
  for await (const _ of createInterface({ input: process.stdin })) break; // start together on "go"
  process.stdin.destroy();
  for (let i = 0; i < Number(arg); i++) {
    const h = store.begin({ command: 'demo', config: { i, pid: process.pid }, argv: ['demo'] });
    h.complete({ results: results('demo', [model(`m${i}`, 'lstm', 0.01, 0.5, 12)]), files: {} });
    process.stdout.write(`${h.id}\n`);
  }
  store.close();
} else if (mode === 'lock') {
  RunStore.open(path).close(); // make sure the schema exists
  const db = openDatabase(path);
  db.exec('BEGIN IMMEDIATE');
  db.prepare("INSERT INTO runs (id, command, status, started_at, config, argv, pid, host) VALUES ('00000000000000aa', 'lock', 'completed', ?, '{}', '[]', ?, 'x')").run(new Date().toISOString(), process.pid);
  process.stdout.write('locked\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    setTimeout(() => {
      db.exec('COMMIT');
      db.close();
      process.exit(0);
    }, Number(line));
    break;
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
