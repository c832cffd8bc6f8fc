// Entry point for CLI tests: runs the TypeScript CLI under tsx, exactly as bin/lawful.mjs runs dist/.
import { run } from '../../src/cli/main.js';

process.exitCode = await run(process.argv);
