// A real server on 127.0.0.1 with the embedded stores, and a Twilio simulator that calls it.
import type { FastifyInstance } from 'fastify';
import { startSandbox } from '../../src/agent-tests/sandbox.js';
import { loadConfig } from '../../src/config.js';
import { createContainer, type Container, type ContainerOptions } from '../../src/container.js';
import { buildApp } from '../../src/http/app.js';
import { TEST_ADMIN_KEY } from '../../src/http/testing.js';
import { createLogger } from '../../src/logger.js';
import { TwilioSimulator } from '../../src/simulator/twilio-simulator.js';

export const PUBLIC_URL = 'https://voice.example.test';

export interface LiveServer {
  app: FastifyInstance;
  container: Container;
  url: string;
  port: number;
  simulator: TwilioSimulator;
  auth: { authorization: string };
  close(): Promise<void>;
}

export async function startLiveServer(
  env: Record<string, string> = {},
  options: { dataDir?: string; port?: number; container?: Pick<ContainerOptions, 'campaigns'> } = {},
): Promise<LiveServer> {
  const config = loadConfig(
    {
      DATA_DIR: options.dataDir ?? ':memory:',
      LOG_LEVEL: 'silent',
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      PUBLIC_URL,
      ...env,
    },
    '',
  );
  const container = await createContainer(config, {
    logger: createLogger(config),
    role: 'server',
    ...options.container,
  });
  const app = await buildApp(container, { startSandbox: (agents) => startSandbox(config, { agents }) });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  const simulator = new TwilioSimulator({
    serverUrl: url,
    publicUrl: config.publicUrl,
    accountSid: container.secrets.twilioAccountSid,
    authToken: container.secrets.twilioAuthToken,
  });
  return {
    app,
    container,
    url,
    port,
    simulator,
    auth: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    close: async () => {
      await app.close();
      await container.close();
    },
  };
}
