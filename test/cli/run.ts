// Spawns the TypeScript CLI (test/cli/lawful.ts under tsx) and collects its output.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./lawful.ts', import.meta.url));
/** Runs recorded by CLI tests go to a throwaway store, never to ./.lawful of the checkout. */
const store = join(mkdtempSync(join(tmpdir(), 'lawful-store-')), 'runs.db');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function lawful(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    encoding: 'utf8',
    cwd: opts.cwd,
    env: { ...process.env, LAWFUL_STORE: store, ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
