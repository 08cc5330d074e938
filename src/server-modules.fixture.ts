// Test fixture run as a child process: starts the server as the benchmarks do (DATA_DIR ':memory:',
// the embedded stores), prints which packages this process loaded and where its embedded S3 runs,
// then stops. A child process: a test worker's module cache holds whatever other tests loaded.
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { createRequire } from 'node:module';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

const config = loadConfig({ DATA_DIR: ':memory:', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' }, '');
const server = await startServer(config, {
  logger: createLogger(config, 'server'),
  print: () => undefined,
  handleSignals: false,
  recordDiscovery: false,
});
const { s3 } = server.container;
await s3.client.send(new HeadBucketCommand({ Bucket: s3.bucket }));
// Packages reached through `import` of CommonJS are in the require cache too.
const packages = new Set(
  Object.keys(createRequire(import.meta.url).cache).flatMap((path) => {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    return match ? [match[1]!] : [];
  }),
);
process.stdout.write(`${JSON.stringify({ packages: [...packages].sort(), s3: s3.embedded })}\n`);
await server.stop();
