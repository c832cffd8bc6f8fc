/**
 * The `lawful` command. Each subcommand lives in its own file and registers itself here;
 * user mistakes (a LawfulError) print one line and exit 1, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { LawfulError } from '../core/errors.js';
import { LAWFUL_VERSION } from '../core/version.js';
import { registerAudit } from './commands/audit.js';
import { registerDatasets } from './commands/datasets.js';
import { registerDemo } from './commands/demo.js';
import { registerFit } from './commands/fit.js';
import { registerForecast } from './commands/forecast.js';
import { registerRuns } from './commands/runs.js';
import { registerSimulate } from './commands/simulate.js';

export function buildProgram(): Command {
  const program = new Command('lawful')
    .description(
      'Machine learning of dynamical systems that obeys the laws it is given: simulate reference ' +
        'systems, fit physics-structured and black-box models, and audit how each one extrapolates ' +
        'beyond its training window.',
    )
    .version(LAWFUL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerDemo(program);
  registerFit(program);
  registerForecast(program);
  registerRuns(program);
  registerSimulate(program);
  registerDatasets(program);
  registerAudit(program);
  return program;
}

/** Runs the CLI on `argv` (as process.argv); resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  // `lawful … | head` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were printed by commander.
      return err.exitCode;
    }
    if (err instanceof LawfulError) {
      process.stderr.write(`lawful: ${err.message}\n`);
      return err.name === 'AbortError' ? 130 : 1;
    }
    throw err;
  }
}
