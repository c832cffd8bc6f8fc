// Lint rules that keep the layers of docs/architecture.md: imports point down only, and the
// browser-safe core (core, ode, equations, nn, systems, models, eval) never imports Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layers from the bottom up; a folder may import only from folders of a lower or equal rank. */
const RANK = {
  core: 0, ode: 1, equations: 2, nn: 2, systems: 3, data: 3, models: 4, eval: 5,
  report: 6, runs: 6, sweep: 7, cli: 8, server: 8,
};
const BROWSER_SAFE = ['core', 'ode', 'equations', 'nn', 'systems', 'models', 'eval'];
const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'url', 'crypto', 'util', 'stream', 'http', 'https', 'net', 'readline', 'zlib'];
/**
 * Import patterns match the specifier as written, so a file one folder deeper reaches the
 * layers through one more `../` (src/models/oscillator-bank/fit.ts imports `../../cli/…`).
 * One block per depth below the layer's folder; test/repo/lint-layers.test.ts checks depth 2.
 */
const MAX_DEPTH = 4;

function layerRules(layer, rank, depth) {
  const up = '../'.repeat(depth + 1);
  const above = Object.entries(RANK).filter(([, r]) => r > rank).map(([name]) => `${up}${name}/*`);
  const patterns = [];
  if (above.length) patterns.push({ group: above, message: `${layer}/ sits below these folders: imports point down only (docs/architecture.md).` });
  if (BROWSER_SAFE.includes(layer)) {
    patterns.push({ group: NODE_BUILTINS, message: `${layer}/ is browser-safe: no Node imports (docs/architecture.md).` });
    // data/ holds Node file readers; the browser-safe layers may use only its Series type.
    if (rank >= RANK.data) {
      const pure = ['series', 'sha256', 'csv-write', 'split', 'resample'].map((f) => `!${up}data/${f}.js`);
      patterns.push({ group: [`${up}data/*`, ...pure], message: 'Only data/series, sha256, csv-write, split and resample are browser-safe.' });
    }
  }
  return {
    files: [`src/${layer}/${'*/'.repeat(depth)}*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

const layerBlocks = Object.entries(RANK).flatMap(([layer, rank]) =>
  Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => layerRules(layer, rank, depth)),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/out/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['bin/**/*.mjs', 'bench/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  ...layerBlocks,
);
