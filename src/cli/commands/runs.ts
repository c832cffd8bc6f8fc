import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { writeFileAtomic } from '../../report/atomic.js';
import { renderPng, renderSvg } from '../../report/render.js';
import { formatTable } from '../../report/table.js';
import { comparable, commonUntil, compareFigureSpec, compareRows, compareWarnings } from '../../runs/compare.js';
import { formatRunDetail, formatRunList, shortId } from '../../runs/format.js';
import { checkRunOutput } from '../../runs/output-check.js';
import { RUN_STATUSES } from '../../runs/record.js';
import type { RunStatus } from '../../runs/record.js';
import { RunStore, storePath } from '../../runs/store.js';
import { parseCount } from '../args.js';

const STORE_HELP = `run store (default: $LAWFUL_STORE, else ./.lawful/runs.db)`;

/** Runs `body` on the store named by --store (never creating one), closing it afterwards. */
function withStore<T>(path: string | undefined, body: (store: RunStore) => T): T {
  const store = RunStore.open(path, { create: false });
  try {
    return body(store);
  } finally {
    store.close();
  }
}

/** "30m", "12h", "7d" before now, or anything Date parses ("2026-11-26", an ISO time), as ISO. */
export function parseSince(text: string, now = Date.now()): string {
  const m = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)$/.exec(text.trim());
  if (m) {
    const unit = { m: 60, min: 60, h: 3600, d: 86400, w: 7 * 86400 }[m[2] as 'm' | 'min' | 'h' | 'd' | 'w'];
    return new Date(now - Number(m[1]) * unit * 1000).toISOString();
  }
  const t = new Date(text);
  if (text.trim() === '' || Number.isNaN(t.getTime())) {
    throw new ConfigError(`expected a date ("2026-11-26"), a time, or an age like 30m, 12h, 7d; got "${text}"`, '--since');
  }
  return t.toISOString();
}

export function registerRuns(program: Command): void {
  const runs = program
    .command('runs')
    .summary('list, show, compare and delete recorded runs')
    .description(
      'The run store: every `lawful demo` and `lawful fit` is recorded (config, data fingerprint, ' +
        'metrics, files, duration, status) in an SQLite file. List, show, compare and delete runs. ' +
        'A run stopped with Ctrl-C is "interrupted"; one killed outright shows as "stale".',
    )
    .addHelpText('after', '\nExamples:\n  lawful runs list --command demo --limit 10\n  lawful runs show 3f9a\n  lawful runs compare 3f9a 81c0 --out compared\n  lawful runs delete 3f9a');

  runs
    .command('list')
    .description('Runs, newest first: id, command, status, start, duration, data, best model by beyond-window NRMSE.')
    .option('--command <name>', 'only runs of this command (demo, fit, …)')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(RUN_STATUSES as string[]))
    .option('--filter <text>', 'only runs whose id, command line, config, data source, error or model names contain the text')
    .option('--since <when>', 'only runs started since a date, a time, or an age (30m, 12h, 7d)')
    .option('--limit <n>', 'at most n runs', '20')
    .option('--all', 'every run (no --limit)')
    .option('--json', 'print the records as JSON instead of a table')
    .option('--store <path>', STORE_HELP)
    .action((o) => {
      const file = storePath(o.store);
      const filter = {
        command: o.command as string | undefined,
        status: o.status as RunStatus | undefined,
        text: o.filter as string | undefined,
        since: o.since !== undefined ? parseSince(o.since) : undefined,
        limit: o.all ? undefined : parseCount('--limit', o.limit),
      };
      if (!existsSync(file)) {
        process.stdout.write(o.json ? '[]\n' : `No runs yet: ${file} does not exist (the first \`lawful demo\` or \`lawful fit\` creates it).\n`);
        return;
      }
      const store = RunStore.open(file, { create: false });
      try {
        const records = store.list(filter);
        if (o.json) process.stdout.write(JSON.stringify(records, null, 2) + '\n');
        else if (records.length === 0) process.stdout.write(`No runs match in ${store.path}.\n`);
        else process.stdout.write(formatRunList(records));
      } finally {
        store.close();
      }
    });

  runs
    .command('show')
    .argument('<id>', 'run id or a unique prefix of it')
    .description('One run: command line, data, split, config, metrics table, files, error.')
    .option('--json', 'print the record as JSON')
    .option('--store <path>', STORE_HELP)
    .action((id: string, o) => {
      const record = withStore(o.store, (store) => store.get(id));
      const check = checkRunOutput(record);
      if (o.json) {
        process.stdout.write(JSON.stringify(check ? { ...record, outputCheck: check } : record, null, 2) + '\n');
        return;
      }
      process.stdout.write(formatRunDetail(record));
      if (!check) return;
      if (check.problems.length === 0) process.stdout.write(`\nOutput folder ${check.folder}: holds this run's files (${check.matching} checked against its id).\n`);
      else process.stdout.write(`\nOutput folder ${check.folder} no longer holds this run's output alone:\n${check.problems.map((p) => `  ${p}\n`).join('')}`);
    });

  runs
    .command('compare')
    .argument('<ids...>', 'run ids (or unique prefixes), one or more')
    .description(
      'Every model of every run in one table (names prefixed by run id), and a figure of in-window vs ' +
        'beyond-window NRMSE and valid prediction time per model and run (compare.svg, compare.png).',
    )
    .option('--out <dir>', 'where to write compare.svg and compare.png', 'lawful-compare')
    .option('--no-figure', 'print the table only')
    .option('--store <path>', STORE_HELP)
    .action(async (ids: string[], o) => {
      const records = withStore(o.store, (store) => {
        const full = ids.map((id) => store.resolveId(id));
        const repeated = full.find((id, i) => full.indexOf(id) !== i);
        if (repeated) throw new ConfigError(`run ${shortId(repeated)} is named twice`, 'ID');
        return full.map((id) => store.get(id));
      });
      const runsCompared = comparable(records);
      process.stdout.write(formatTable(compareRows(runsCompared), { until: commonUntil(runsCompared) }));
      for (const warning of compareWarnings(runsCompared)) process.stderr.write(`lawful: warning: ${warning}\n`);
      if (!o.figure) return;
      const dir = resolve(o.out);
      const svg = await renderSvg(compareFigureSpec(runsCompared));
      const png = renderPng(svg);
      mkdirSync(dir, { recursive: true });
      const files = { svg: join(dir, 'compare.svg'), png: join(dir, 'compare.png') };
      writeFileAtomic(files.svg, svg);
      writeFileAtomic(files.png, png);
      process.stdout.write(`\nWrote ${files.png}, ${files.svg}\n`);
    });

  runs
    .command('delete')
    .argument('<ids...>', 'run ids (or unique prefixes)')
    .description('Delete runs from the store (the files they wrote stay where they are).')
    .option('--force', 'also delete a run that is still running')
    .option('--store <path>', STORE_HELP)
    .action((ids: string[], o) => {
      withStore(o.store, (store) => {
        const records = ids.map((id) => store.get(id)); // resolve all first: a bad id deletes nothing
        for (const r of records) {
          if (r.status === 'running' && !o.force) {
            throw new ConfigError(`run ${shortId(r.id)} is still running (pid ${r.pid} on ${r.host}); stop it first, or pass --force`, 'ID');
          }
        }
        for (const r of records) {
          store.delete(r.id);
          process.stdout.write(`Deleted run ${r.id} (${r.command}, ${r.status})\n`);
        }
      });
    });
}
