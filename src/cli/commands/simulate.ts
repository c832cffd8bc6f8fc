import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { writeFileAtomic } from '../../report/atomic.js';
import { collect, parseCount, parseNumber, parseParams, parsePositive } from '../args.js';
import { simulate } from '../../systems/simulate.js';
import { seriesToCsv } from '../../data/csv-write.js';
import { listSystems } from '../simulate.js';

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .argument('[system]', 'reference system (see --list)')
    .summary('simulate a reference system to CSV')
    .description('Simulate a reference system and write its observed channels as CSV (stdout unless --out).')
    .option('--list', 'list the systems and their parameters')
    .option('--param <name=value>', 'set a parameter; vectors as w=1.0,1.6,2.2 (repeatable)', collect)
    .option('--until <T>', 'end time (default: the system\'s)')
    .option('--dt <dt>', 'sample spacing (default: the system\'s)')
    .option('--noise <sigma>', 'standard deviation of Gaussian noise added to each observed channel', '0')
    .option('--seed <s>', 'seed of the noise', '0')
    .option('--solver <name>', 'ODE solver (default: the system\'s recommended one)')
    .option('--state', 'also write every state variable')
    .option('--out <file.csv>', 'write the CSV here (atomically) instead of stdout')
    .addHelpText('after', '\nExamples:\n  lawful simulate --list\n  lawful simulate coupled-pendulums --until 30 --dt 0.01 --out pendulums.csv\n  lawful simulate lorenz --param rho=28 --until 20 --state')
    .action(async (system: string | undefined, o) => {
      if (o.list) {
        process.stdout.write(listSystems() + '\n');
        return;
      }
      if (!system) throw new ConfigError('name a system (see `lawful simulate --list`)', 'system');
      const started = performance.now();
      const sim = simulate(system, {
        params: parseParams(o.param ?? []),
        until: o.until !== undefined ? parsePositive('--until', o.until) : undefined,
        dt: o.dt !== undefined ? parsePositive('--dt', o.dt) : undefined,
        noise: parseNumber('--noise', o.noise),
        seed: parseCount('--seed', o.seed),
        solver: o.solver,
        state: Boolean(o.state),
      });
      const csv = seriesToCsv(sim.series);
      if (o.out) writeFileAtomic(o.out, csv);
      else process.stdout.write(csv);
      const s = sim.series;
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(
        `${system}: ${s.t.length} samples × ${s.names.length} channel${s.names.length > 1 ? 's' : ''} (${s.names.join(', ')}) ` +
          `on [${s.t[0]}, ${s.t[s.t.length - 1]}], ${sim.solver} in ${sim.steps} steps, ${seconds.toFixed(2)} s` +
          (o.out ? ` → ${o.out}` : '') + '\n',
      );
    });
}
