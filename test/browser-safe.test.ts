// The public entry (src/index.ts) must run in a browser Web Worker: nothing it reaches,
// directly or through other files, may import a Node built-in (docs/architecture.md).
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Every import specifier of a file (static imports and re-exports; type-only ones included, harmless). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
}

function reach(entry: string): { files: Set<string>; nodeImports: string[] } {
  const files = new Set<string>();
  const nodeImports: string[] = [];
  const stack = [entry];
  while (stack.length) {
    const f = stack.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    for (const s of specifiers(f)) {
      if (s.startsWith('.')) stack.push(resolve(dirname(f), s.replace(/\.js$/, '.ts')));
      else if (builtins.has(s) || s.startsWith('node:')) nodeImports.push(`${f.slice(root.length + 1)} imports ${s}`);
    }
  }
  return { files, nodeImports };
}

describe('browser-safe public API', () => {
  it('src/index.ts reaches no Node built-in through any import chain', () => {
    const { files, nodeImports } = reach(resolve(root, 'index.ts'));
    expect(files.size).toBeGreaterThan(40);
    expect(nodeImports).toEqual([]);
  });

  it('the check can fail: src/node.ts does reach Node built-ins', () => {
    expect(reach(resolve(root, 'node.ts')).nodeImports.length).toBeGreaterThan(0);
  });
});
