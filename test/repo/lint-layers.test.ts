// The layer rule of eslint.config.js seen from outside: ESLint itself lints a file placed in
// each folder of src/, and an upward import must be refused however deep the folder is.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The restricted-import messages ESLint gives `code` as if it were the file at `filePath`. */
async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const importing = (spec: string) => `import * as m from '${spec}';\nexport const used = m;\n`;

/** Every folder under src/ that holds a .ts file, relative to the repository (e.g. `src/models/oscillator-bank`). */
function sourceFolders(dir = 'src'): string[] {
  const entries = readdirSync(`${ROOT}${dir}`, { withFileTypes: true });
  const here = entries.some((e) => e.isFile() && e.name.endsWith('.ts')) ? [dir] : [];
  return [...here, ...entries.filter((e) => e.isDirectory()).flatMap((e) => sourceFolders(`${dir}/${e.name}`))];
}

describe('the layer rule (eslint.config.js)', () => {
  it('fires for a file two folders deep: src/models/oscillator-bank/ importing ../../cli/main.js', async () => {
    const messages = await restricted('src/models/oscillator-bank/probe.ts', importing('../../cli/main.js'));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/models\/ sits below these folders: imports point down only/);
    // …and for a Node reader of data/, a Node built-in, and one level deeper still.
    expect(await restricted('src/models/oscillator-bank/probe.ts', importing('../../data/read.js'))).toEqual([expect.stringMatching(/Only data\/series, sha256, csv-write, split and resample are browser-safe/)]);
    expect(await restricted('src/ode/solvers/probe.ts', importing('node:fs'))).toEqual([expect.stringMatching(/ode\/ is browser-safe: no Node imports/)]);
    expect(await restricted('src/models/a/b/probe.ts', importing(`${'../'.repeat(3)}eval/metrics.js`))).toHaveLength(1);
  });

  it('lets the same files import downwards, within their layer, and data/series.js', async () => {
    expect(await restricted('src/models/oscillator-bank/probe.ts', importing('../../data/series.js'))).toEqual([]);
    expect(await restricted('src/models/oscillator-bank/probe.ts', importing('../../ode/solve.js'))).toEqual([]);
    expect(await restricted('src/models/oscillator-bank/probe.ts', importing('../lstm/config.js'))).toEqual([]);
    expect(await restricted('src/cli/commands/probe.ts', importing('../../models/index.js'))).toEqual([]);
  });

  it('covers every folder of src/: an import of the top layer from any folder below it is refused', async () => {
    const folders = sourceFolders().filter((d) => d.split('/').length >= 2 && !/^src\/(cli|server)\b/.test(d));
    expect(folders).toContain('src/models/oscillator-bank');
    for (const dir of folders) {
      const depth = dir.split('/').length - 2; // src/models → 0, src/models/oscillator-bank → 1
      const messages = await restricted(`${dir}/probe.ts`, importing(`${'../'.repeat(depth + 1)}cli/main.js`));
      expect(messages, dir).toHaveLength(1);
    }
  });
});
