// Lint: typescript-eslint's recommended rules, type-aware, plus the layering of DESIGN.md section 2.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const onlyIndex = (folder) => ({
  regex: `^(\\.\\./)+${folder}/(?!index\\.js$)`,
  message: `Import ${folder}/ through its index.ts only.`,
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?!fp-ts(/|$)|io-ts(/|$)|canonicalize$|node:crypto$|\\.{1,2}/)', message: 'domain/ is pure: fp-ts and io-ts only (node:crypto and canonicalize for the hash chain).' }],
      }],
    },
  },
  {
    files: ['commands/**/*.ts', 'projections/**/*.ts', 'read-api/**/*.ts', 'realtime/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [onlyIndex('domain'), onlyIndex('infra')] }],
    },
  },
);
