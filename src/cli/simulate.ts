/** Formatting for `lawful simulate`. */
import { systems } from '../systems/index.js';

/** A path into a source tree (`src/systems/lorenz.ts`, `bench/bank/task.py`): meaningless to a user of the command. */
const SOURCE_PATH = /\b[\w.-]+\/[\w./-]*\.(?:py|ts|mjs|js|md|json)\b/;

/** `text` without the sentences that cite a source file (developer notes, not help). */
export function withoutSourcePaths(text: string): string {
  return text
    .split(/(?<=\.)\s+/)
    .filter((sentence) => !SOURCE_PATH.test(sentence))
    .join(' ');
}

/** `lawful simulate --list`: every system with its parameters and defaults. */
export function listSystems(): string {
  const lines: string[] = [];
  for (const s of systems) {
    lines.push(`${s.name} — ${withoutSourcePaths(s.description)}`);
    for (const p of s.params) {
      const def = p.choices
        ? p.choices[p.default as number]
        : Array.isArray(p.default)
          ? p.default.map((v) => +v.toPrecision(6)).join(',')
          : String(p.default);
      const shown = def === '' ? '' : ` (default ${def})`;
      lines.push(`    ${p.name.padEnd(12)} ${withoutSourcePaths(p.description)}${p.unit ? ` [${p.unit}]` : ''}${shown}`);
    }
  }
  return lines.join('\n');
}
export { seriesToCsv } from '../data/csv-write.js';
