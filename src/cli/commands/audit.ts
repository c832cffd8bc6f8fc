/**
 * `lawful audit RUN`: the report card of a finished run (docs/audit.md) — from a results
 * folder, a results.json file, or a run id in the run store. The card is assembled by the
 * library (eval/audit.ts); this file reads and prints.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, DataError, LawfulError } from '../../core/errors.js';
import { fileProblem } from '../../data/read.js';
import { auditCard, type AuditCard, type AuditCardRow } from '../../eval/audit.js';
import { writeFileAtomic } from '../../report/atomic.js';
import { vptScatterSpec } from '../../report/audit-figures.js';
import { formatMetric } from '../../report/format.js';
import { renderPng, renderSvg } from '../../report/render.js';
import { parseResults, type Results } from '../../report/results.js';
import { RunStore } from '../../runs/store.js';

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .argument('<runs...>', 'results folders (holding results.json), results.json files, or run ids (or unique prefixes) in the run store')
    .summary('the report card of a finished run: accuracy, calibration, trust horizon, adversarial fragility, interpretation')
    .description(
      'Prints, per model of a finished `lawful fit` or `lawful demo`: NRMSE inside and beyond the window, the measured ' +
        'valid prediction time beside the one the forecast predicted for itself, coverage of the 50/80/95% intervals and ' +
        'CRPS, the adversarial probe (worst beyond-window NRMSE at each ε, random perturbations of the same size, the ε ' +
        'that halves the valid prediction time, the amplification), and what the model says of itself.',
    )
    .option('--store <path>', 'run store to look a run id up in (default $LAWFUL_STORE or ./.lawful/runs.db)')
    .option('--figure <file.svg|file.png>', "write the predicted against the measured valid prediction time of every model of the runs, as leads over each run's horizon, with the 1:1 line and the ±20% band")
    .addHelpText('after', '\nExamples:\n  lawful audit lawful-demo\n  lawful audit noisy/results.json\n  lawful audit a03848d2\n  lawful audit lawful-demo noisy lawful-fit --figure vpt.svg')
    .action(async (runs: string[], o: { store?: string; figure?: string }) => {
      const read = runs.map((run) => ({ label: runs.length > 1 ? run : undefined, results: readResults(run, o.store) }));
      if (o.figure !== undefined) await writeVptFigure(o.figure, read);
      process.stdout.write(read.map((r) => (r.label ? `== ${r.label}\n` : '') + formatAuditCard(auditCard(r.results))).join('\n'));
    });
}

/** The trust-horizon scatter of `runs` into `file`, SVG or PNG by its extension, written whole or not at all. */
async function writeVptFigure(file: string, runs: { label?: string; results: Results }[]): Promise<void> {
  const ext = extname(file).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new ConfigError(`must end in .svg or .png, got "${file}"`, '--figure');
  const spec = vptScatterSpec(runs);
  if (!spec) throw new DataError('no model of these runs predicted its valid prediction time (none has intervals), so there is nothing to draw', { file });
  const svg = await renderSvg(spec);
  writeFileAtomic(file, ext === '.svg' ? svg : renderPng(svg));
}

/** results.json of a folder, a file, or a run in the store. */
function readResults(run: string, store: string | undefined): Results {
  if (existsSync(run)) {
    const file = statSync(run).isDirectory() ? join(run, 'results.json') : run;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new DataError(`cannot read ${file}: ${fileProblem(e)}`, { file });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new DataError(`not JSON: ${(e as Error).message}`, { file });
    }
    return parseResults(value, file);
  }
  try {
    const s = RunStore.open(store, { create: false });
    try {
      const record = s.get(run);
      if (!record.results) throw new DataError(`run ${record.id} has no results (status ${record.status})`);
      return record.results;
    } finally {
      s.close();
    }
  } catch (e) {
    if (e instanceof LawfulError) throw new DataError(`"${run}" is no results folder or file; as a run id: ${e.message}`);
    throw e;
  }
}

const f = (x: number | null) => formatMetric(x);

function calibrationLine(r: AuditCardRow): string {
  if (r.coverage['80'] === null && r.crps === null) return 'calibration: no intervals scored';
  const cov = (['50', '80', '95'] as const).map((p) => `${p}% → ${f(r.coverage[p])}`).join(', ');
  return `calibration: coverage ${cov}; CRPS ${f(r.crps)}${r.intervals ? ` (intervals: ${r.intervals})` : ''}`;
}

function trustLine(r: AuditCardRow): string {
  const p = r.predictedVpt;
  const predicted = p ? `; predicted ${f(p.time)} [${f(p.interval[0])}, ${f(p.interval[1])}]` : '';
  return `valid prediction time: measured ${f(r.validPredictionTime)}${predicted}`;
}

function adversarialLine(r: AuditCardRow): string {
  const a = r.adversarial;
  if (!a) return 'adversarial: not probed';
  if (!a.conditioned) return 'adversarial: the forecast does not depend on its context (fitted initial state); training data not probed';
  const at = a.eps.map((e, k) => `ε ${e}: ${f(a.worst[k])} (random ${f(a.random[k])})`).join(', ');
  const halving = a.epsHalvingVpt === null ? 'no ε of the grid halves it' : `ε = ${a.epsHalvingVpt} halves it`;
  return `adversarial: worst beyond-window NRMSE ${at}; valid prediction time: ${halving}; amplification ${f(a.amplification)}`;
}

/** The card as text: one block per model. */
export function formatAuditCard(card: AuditCard): string {
  const out = [`Audit of ${card.rows.length} model${card.rows.length === 1 ? '' : 's'}, ${card.split}.`, ''];
  for (const r of card.rows) {
    out.push(`${r.name} (${r.family})`);
    out.push(`  accuracy: NRMSE in the window ${f(r.nrmseIn)}, beyond ${f(r.nrmseOut)}`);
    out.push(`  ${trustLine(r)}`);
    out.push(`  ${calibrationLine(r)}`);
    out.push(`  ${adversarialLine(r)}`);
    if (r.interpretation.length) {
      out.push('  interpretation:');
      for (const line of r.interpretation) out.push(`    ${line}`);
    }
    out.push('');
  }
  return out.join('\n');
}
