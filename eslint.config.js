// Lint: typescript-eslint's recommended rules, type-aware, plus the layering of DESIGN.md section 2.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const onlyIndex = (folder) => ({
  regex: `^(\\.\\./)+${folder}/(?!index\\.js$)`,
  message: `Import ${folder}/ through its index.ts only.`,
});

/** The folders a side imports, each through its index.ts. */
const sharedFolders = [onlyIndex('domain'), onlyIndex('infra'), onlyIndex('contracts')];

/** Inside commands/: a sibling sub-folder (`../handler/`, `../locks/`, ...) through its index.ts only. */
const siblingIndex = {
  regex: '^\\.\\./[^./][^/]*/(?!index\\.js$)',
  message: 'Import a sibling folder of commands/ through its index.ts only.',
};

/** commands/index.ts and commands/open-event-log.ts: a sub-folder (`./handler/`, ...) through its index.ts only. */
const childIndex = {
  regex: '^\\./[^/]+/(?!index\\.js$)',
  message: 'Import a sub-folder of commands/ through its index.ts only.',
};

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
    // The live bidding page's browser modules: plain JavaScript with JSDoc types, checked by
    // `tsc -p realtime/page/tsconfig.json` (DOM lib) as part of `npm run lint`, which also catches
    // undefined names, so ESLint's no-undef (which knows no browser globals here) is off.
    files: ['realtime/page/public/**/*.js'],
    languageOptions: { sourceType: 'module' },
    rules: { 'no-undef': 'off' },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(?!fp-ts(/|$)|io-ts(/|$)|canonicalize$|node:crypto$|\\.{1,2}/)', message: 'domain/ is pure: fp-ts and io-ts only (node:crypto and canonicalize for the hash chain).' },
          { regex: '^(\\.\\./)+(contracts|infra|commands|projections|read-api|realtime|scripts)/', message: 'domain/ knows no other folder: no transport, no infrastructure.' },
          { regex: '^\\./event-log/(?!index\\.js$)', message: 'Import domain/event-log/ through its index.ts only.' },
        ],
      }],
    },
  },
  {
    files: ['contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [onlyIndex('domain'), onlyIndex('infra'), { regex: '^(\\.\\./)+(commands|projections|read-api|realtime|scripts)/', message: 'contracts/ are built on the domain and infra alone: no side.' }] }],
    },
  },
  {
    // The scripts (the composition of roles, the tools, the benchmarks) use every side through its index.ts.
    files: ['scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...sharedFolders, ...['commands', 'projections', 'read-api', 'realtime'].map(onlyIndex)] }],
    },
  },
  {
    files: ['projections/**/*.ts', 'read-api/**/*.ts', 'realtime/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: sharedFolders }],
    },
  },
  {
    files: ['commands/*/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...sharedFolders, siblingIndex] }],
    },
  },
  {
    files: ['commands/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...sharedFolders, childIndex] }],
    },
  },
  {
    // Inside projections/, each folder is reached through its index.ts too (the runtime, the read
    // models, the live cache, the rebuild).
    files: ['projections/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [onlyIndex('domain'), onlyIndex('infra'), onlyIndex('contracts'), ...['runtime', 'read-models', 'cache', 'rebuild'].map(onlyIndex)],
      }],
    },
  },
);
