#!/usr/bin/env node
// The `lawful` command. Runs the compiled CLI (npm's `prepare` builds dist/ on install).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('lawful: dist/ is missing; run `npm run build` (npm ci does it for you).\n');
  process.exit(1);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv);
