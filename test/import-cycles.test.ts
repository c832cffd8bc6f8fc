// Modules that import each other (even for types only) cannot be read, tested or moved one at
// a time. The layers named here are kept free of import cycles.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = resolve(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports and re-exports of a file, type-only ones included. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
}

/** Strongly connected components with more than one file (Tarjan 1972). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!.filter((d) => graph.has(d))) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const comp: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      comp.push(w.startsWith(root) ? relative(root, w) : w);
    } while (w !== v);
    if (comp.length > 1) found.push(comp.sort());
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  return found;
}

describe('import cycles', () => {
  it('the detector finds a cycle when there is one', () => {
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', []]]);
    expect(cycles(g)).toEqual([['a', 'b', 'c']]);
    expect(cycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
    // solve.ts re-exports adjoint.ts, which imports loop.ts; none imports solve.ts back.
    expect(imports(resolve(root, 'ode/solve.ts'))).toContain(resolve(root, 'ode/adjoint.ts'));
  });

  for (const layer of ['core', 'ode', 'nn', 'models/oscillator-bank', 'models/trajectory']) {
    it(`src/${layer} has none`, () => {
      const files = tsFiles(resolve(root, layer));
      expect(files.length).toBeGreaterThan(0);
      expect(cycles(new Map(files.map((f) => [f, imports(f)])))).toEqual([]);
    });
  }
});
