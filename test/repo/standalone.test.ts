// The repository stands alone: a user who clones it has nothing beside it. No file under
// src/, test/, bench/ or scripts/ may refer to a path outside the repository — a relative path
// that climbs out of it, the developers' reading folder beside the checkout, a design document
// the repository does not hold, or an absolute path of one machine.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const SCANNED = ['src', 'test', 'bench', 'scripts', 'bin', 'docs', 'datasets'];
/** Where a `../` path is relative to the file itself (code), so it can be resolved and checked. */
const CODE = /^(src|test|bench|scripts|bin)\//;
/** Files at the top that a user reads or tools run. */
const TOP_FILES = ['README.md', 'package.json', 'eslint.config.js', 'vitest.config.ts', 'tsconfig.json', 'tsconfig.build.json'];
/** Generated or installed trees that are not the project's own text. */
const SKIPPED_DIRS = new Set(['node_modules', 'out', '.peers', 'dist']);
const TEXT = /\.(ts|mts|mjs|js|py|sh|md|json|as|txt)$/;
// Written in pieces so that this file does not match its own patterns.
const SHARED = 'shared';
const DESIGN = 'DESIGN' + '.md';

/** Every reference in `text` (the file at `file`, relative to ROOT) to a path outside the repository. */
export function outsideReferences(text: string, file: string): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    for (const m of line.matchAll(new RegExp(`(?:\\.\\./)+${SHARED}\\b|\\b${SHARED}/(?:peers|data|hooks)\\b|${SHARED}/${DESIGN.replace('.', '\\.')}`, 'g'))) found.push(`${at}: ${m[0]}`);
    if (line.includes(DESIGN) && !existsSync(join(ROOT, 'docs', DESIGN))) found.push(`${at}: ${DESIGN} (not in the repository; cite docs/architecture.md)`);
    for (const m of line.matchAll(/(?<![\w.])\/(?:work|home|Users|root)\/[\w./-]*/g)) found.push(`${at}: absolute path ${m[0]}`);
    // A relative path in code climbs out if it resolves above the root from the file's own folder
    // (prose and configs write paths relative to other files: `../../cli/` of a file in models/x/).
    if (!CODE.test(file)) return;
    for (const m of line.matchAll(/(?<![\w.])(?:\.\.\/)+[\w.@/-]*/g)) {
      const target = resolve(ROOT, dirname(file), m[0]);
      if (target !== ROOT && !target.startsWith(ROOT + sep)) found.push(`${at}: ${m[0]} leaves the repository`);
    }
  });
  return found;
}

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return SKIPPED_DIRS.has(e.name) ? [] : walk(path);
    return e.isFile() && TEXT.test(e.name) ? [path] : [];
  });
}

describe('the repository stands alone', () => {
  it('no file under src/, test/, bench/, scripts/ (nor docs/, datasets/, bin/, the README, the configs) refers to a path outside the repository', () => {
    const files = [...SCANNED.filter((d) => existsSync(join(ROOT, d))).flatMap((d) => walk(d)), ...TOP_FILES.filter((f) => existsSync(join(ROOT, f)))];
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('test/repo/standalone.test.ts');
    const offenders = files.flatMap((f) => outsideReferences(readFileSync(join(ROOT, f), 'utf8'), f));
    expect(offenders).toEqual([]);
  });

  it('the check catches each kind of outside reference, and passes paths that stay inside', () => {
    const up = '../'.repeat(3);
    expect(outsideReferences(`const DIR = new URL('${up}${SHARED}/data/real-pendulum', import.meta.url);`, 'test/data/x.ts')).toHaveLength(2);
    expect(outsideReferences(`// see ${SHARED}/peers/task.py`, 'src/systems/x.ts')).toHaveLength(1);
    expect(outsideReferences(`// the contract of ${DESIGN}`, 'src/models/x.ts')).toHaveLength(1);
    expect(outsideReferences("const p = '/wor" + "k/main/datasets/x.csv';", 'test/x.ts')).toEqual(["test/x.ts:1: absolute path /wor" + 'k/main/datasets/x.csv']);
    expect(outsideReferences(`import x from '${up}elsewhere/x.js';`, 'src/models/x.ts')).toEqual([`src/models/x.ts:1: ${up}elsewhere/x.js leaves the repository`]);
    expect(outsideReferences("import x from '../../src/data/read.js'; new URL('../../datasets/real-pendulum/README.md', import.meta.url);", 'test/data/x.ts')).toEqual([]);
    expect(outsideReferences('the shared folder, /usr/bin/python3, /tmp/a/figure.png', 'bench/x.py')).toEqual([]);
  });

  it('every data file a test names by a repository path exists in the repository', () => {
    const named = walk('test').flatMap((f) => [...readFileSync(join(ROOT, f), 'utf8').matchAll(/['"`]((?:\.\.\/)+datasets\/[\w./-]+)['"`]/g)].map((m) => resolve(ROOT, dirname(f), m[1])));
    expect(named.length).toBeGreaterThan(0);
    for (const p of named) expect(existsSync(p), relative(ROOT, p)).toBe(true);
  });
});
