// Lint rules that keep the layers of DESIGN.md: imports point down only, and the
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

const layerBlocks = Object.entries(RANK).map(([layer, rank]) => {
  const above = Object.entries(RANK).filter(([, r]) => r > rank).map(([name]) => `../${name}/*`);
  const patterns = [];
  if (above.length) patterns.push({ group: above, message: `${layer}/ sits below these folders: imports point down only (DESIGN.md).` });
  if (BROWSER_SAFE.includes(layer)) {
    patterns.push({ group: NODE_BUILTINS, message: `${layer}/ is browser-safe: no Node imports (DESIGN.md).` });
    // data/ holds Node file readers; the browser-safe layers may use only its Series type.
    if (rank >= RANK.data) {
      const pure = ['series', 'sha256', 'csv-write', 'split', 'resample'].map((f) => `!../data/${f}.js`);
      patterns.push({ group: ['../data/*', ...pure], message: 'Only data/series, sha256, csv-write, split and resample are browser-safe.' });
    }
  }
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
});

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
