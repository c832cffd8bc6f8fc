// Runs the CLI in this process (no tsx start-up per case), capturing what it prints.
import { run } from '../../src/cli/main.js';
import type { CliResult } from './run.js';

export async function lawfulInProcess(args: string[]): Promise<CliResult> {
  let stdout = '', stderr = '';
  const out = process.stdout.write.bind(process.stdout), err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  const listeners = process.stdout.listenerCount('error');
  try {
    const status = await run(['node', 'lawful', ...args]);
    return { status, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    // run() adds an EPIPE handler per call; keep one.
    for (const l of process.stdout.listeners('error').slice(listeners)) process.stdout.off('error', l as () => void);
  }
}
