import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Layering: domain <- ports <- engine; adapters implement ports; transports (src/transports/<name>/)
// and cli drive the engine; http builds the app and registers the transports' bindings.
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
        group: [
          '../adapters/*',
          '../../adapters/*',
          '../http/*',
          '../cli/*',
          '../services/*',
          '../transports/*',
          '../container.js',
          ...vendorSdks,
        ],
        message: 'the engine imports only domain and ports',
      },
    ]),
  },
  {
    // A transport is a codec plus a thin binding to its webhook or socket (fastify, ws): it drives the
    // engine and may use the services, the Twilio codecs and the JSON error body every route shares.
    files: ['src/transports/**/*.ts'],
    ignores: ['src/transports/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // Package names by exact name: as a pattern, "twilio" would also match adapters/twilio/.
          paths: ['twilio', 'ai', 'dynalite', 's3rver'].map((name) => ({
            name,
            message: 'transports use vendor SDKs only through adapters',
          })),
          patterns: [
            {
              group: [
                '../../http/*',
                '!../../http/error-handler.js',
                '../../cli/*',
                '../../simulator/*',
                '../../agent-tests/*',
                '../../adapters/dynamodb/*',
                '../../adapters/s3/*',
                '../../adapters/llm/*',
                '../../adapters/embedded/*',
                '../../adapters/net/*',
                '../../container.js',
                '../../server.js',
                '@aws-sdk/*',
                '@ai-sdk/*',
              ],
              message:
                'transports import the engine, ports, domain, services and the Twilio codecs (adapters/twilio)',
            },
          ],
        },
      ],
    },
  },
  {
    // Nothing below a transport knows one.
    files: ['src/services/**/*.ts', 'src/adapters/**/*.ts', 'src/simulator/**/*.ts'],
    rules: restrict([
      {
        group: ['../transports/*', '../../transports/*', '../http/*', '../../http/*'],
        message: 'services, adapters and the simulator import no transport and no HTTP route',
      },
    ]),
  },
);
