// Layer rules (docs/architecture.md): lower layers never import higher ones.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('node:'));

export const layerRules = {
  shared: {
    paths: [
      ...nodeBuiltins.map((name) => ({ name, message: 'shared/ is pure TypeScript: no Node built-ins.' })),
      { name: 'electron', message: 'shared/ must not import electron.' },
    ],
    patterns: [
      { group: ['node:*'], message: 'shared/ is pure TypeScript: no Node built-ins.' },
      { group: ['react', 'react-*', 'react/*', '@xyflow/*', 'monaco-editor', 'monaco-*'], message: 'shared/ has no DOM or UI code.' },
      { group: ['**/electron/**', '**/renderer/**', '**/python/**', '**/test/**', '**/e2e/**', '**/bench/**', '**/scripts/**'], message: 'shared/ imports nothing of ours outside shared/.' },
    ],
  },
  core: {
    paths: [{ name: 'electron', message: "electron/core/ is plain Node: never import 'electron'." }],
    patterns: [
      { group: ['electron/*'], message: "electron/core/ is plain Node: never import 'electron'." },
      { group: ['**/renderer/**', '**/electron/main/**', '**/electron/preload/**', '**/electron/server/**', '**/electron/cli/**'], message: 'electron/core/ must not import higher layers.' },
    ],
  },
  renderer: {
    paths: [
      ...nodeBuiltins.map((name) => ({ name, message: 'The renderer reaches the host only through StudioApi.' })),
      { name: 'electron', message: 'The renderer reaches the host only through StudioApi.' },
    ],
    patterns: [
      { group: ['node:*'], message: 'The renderer reaches the host only through StudioApi.' },
      { group: ['**/electron/**', 'better-sqlite3'], message: 'The renderer reaches the host only through StudioApi (shared/api).' },
    ],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'python/', 'test-output/', 'playwright-report/', '**/*.d.ts', 'test/fixtures/lint/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-control-regex': 'off',
    },
  },
  { files: ['shared/**/*.ts'], languageOptions: { globals: {} }, rules: { 'no-restricted-imports': ['error', layerRules.shared] } },
  { files: ['electron/core/**/*.ts'], rules: { 'no-restricted-imports': ['error', layerRules.core] } },
  { files: ['renderer/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } }, rules: { 'no-restricted-imports': ['error', layerRules.renderer] } },
);
