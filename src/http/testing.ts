// Test support: an app on a fresh in-memory store (embedded dynalite, seeded), with a known key.
import type { FastifyInstance } from 'fastify';
import { startSandbox } from '../agent-tests/sandbox.js';
import { loadConfig } from '../config.js';
import { createContainer, type Container } from '../container.js';
import { createLogger, type Logger } from '../logger.js';
import { buildApp } from './app.js';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestApp {
  app: FastifyInstance;
  container: Container;
  /** Headers with the admin key (and JSON content type when a body is sent). */
  auth: { authorization: string };
  close(): Promise<void>;
}

/** `logger`: where the app logs (tests that look at log records); default silent. */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<TestApp> {
  const config = loadConfig(
    { DATA_DIR: ':memory:', LOG_LEVEL: 'silent', ADMIN_API_KEY: TEST_ADMIN_KEY, ...env },
    '',
  );
  const container = await createContainer(config, {
    logger: options.logger ?? createLogger(config),
    role: 'server',
  });
  const app = await buildApp(container, {
    startSandbox: (agents) => startSandbox(config, { agents }),
  });
  await app.ready();
  return {
    app,
    container,
    auth: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    close: async () => {
      await app.close();
      await container.close();
    },
  };
}
