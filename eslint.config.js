import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Layering: domain <- ports <- engine; adapters implement ports; http and cli drive the engine.
const vendorSdks = [
  'twilio',
  '@aws-sdk/*',
  'ai',
  '@ai-sdk/*',
  'fastify',
  '@fastify/*',
  'dynalite',
  's3rver',
  'ws',
];
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'data/**', 'coverage/**', 'test-results/**', 'src/http/dashboard/assets/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // No import cycles, type-only imports included: a cycle is a layering mistake waiting to bite.
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Our ESM imports name the compiled .js file of a .ts source.
      'import-x/resolver-next': [createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: restrict([
      {
        group: ['../ports/*', '../engine/*', '../adapters/*', '../http/*', '../cli/*', ...vendorSdks],
        message: 'domain imports nothing but zod',
      },
    ]),
  },
  {
    files: ['src/ports/**/*.ts'],
    rules: restrict([
      {
        group: ['../engine/*', '../adapters/*', '../http/*', '../cli/*', ...vendorSdks],
        message: 'ports import only domain',
      },
    ]),
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: restrict([
      {
        group: ['../adapters/*', '../../adapters/*', '../http/*', '../cli/*', ...vendorSdks],
        message: 'the engine imports only domain and ports',
      },
    ]),
  },
);
