import js from '@eslint/js';
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
  '@opentelemetry/*',
  'prom-client',
];
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'data/**', 'coverage/**', 'test-results/**', 'src/http/dashboard/assets/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
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
