// config -> container -> app -> listen; graceful shutdown. `voice-agent serve` calls startServer.
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { releaseDiscovery, writeDiscovery } from './adapters/embedded/discovery.js';
import type { Config } from './config.js';
import { createContainer, type Container } from './container.js';
import { buildApp, type AppOptions } from './http/app.js';
import { createLogger, type Logger } from './logger.js';
import type { ToolRunner } from './ports/tool-runner.js';

export interface RunningServer {
  /** A loopback URL of this server (what the CLI and tests use). */
  url: string;
  app: FastifyInstance;
  container: Container;
  /** Stops accepting, lets in-flight requests finish (bounded), closes the container. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Where the startup lines go, as one block (default stdout). */
  print?: (line: string) => void;
  /** Exit the process on SIGTERM/SIGINT after a graceful stop (default true). */
  handleSignals?: boolean;
  /**
   * Record this server in DATA_DIR's discovery file so the CLI finds it (default true). False: a
   * server a command runs for itself (simulate, agent tests, benchmarks): not advertised, and it
   * opens DATA_DIR as a command does, sharing a running server's database.
   */
  recordDiscovery?: boolean;
  /** Parts of the app given by whoever starts the server (the agent-test sandbox: serve.ts). */
  app?: AppOptions;
  /** Runs agents' tools on calls instead of the real runner (the agent tests' stubs). */
  toolRunner?: ToolRunner;
}

// Behind a load balancer (ALB idle timeout 60 s) the server must keep idle connections open longer
// than the balancer does, or the balancer reuses a socket the server is closing (502s).
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const HEADERS_TIMEOUT_MS = 66_000;
const DRAIN_TIMEOUT_MS = 20_000;
const EXIT_DEADLINE_MS = 25_000;
const IDLE_SWEEP_MS = 100;

function startupLines(config: Config, container: Container, url: string): string[] {
  const { secrets } = container;
  const lines = [
    `voice-agent listening on ${url} (public URL ${config.publicUrl})`,
    `Dashboard: ${url}/ (sign in with the admin key)`,
  ];
  if (secrets.adminKeySource === 'env') lines.push('Admin API key: from ADMIN_API_KEY');
  else if (secrets.adminKeyPath) {
    // The path only, never the key: terminals are recorded, scrolled back and shared.
    const created = secrets.adminKeyCreated ? 'created now; ' : '';
    lines.push(
      `Admin API key: in ${secrets.adminKeyPath} (${created}send it as "Authorization: Bearer <key>")`,
    );
  }
  lines.push(
    container.mode.store === 'embedded'
      ? `Store: embedded DynamoDB under ${resolve(config.DATA_DIR)}${container.embedded?.shared ? ' (shared with another process)' : ''}`
      : `Store: DynamoDB ${config.DYNAMODB_ENDPOINT ?? `in ${config.AWS_REGION}`}`,
  );
  if (container.seeded.length > 0) lines.push(`Seeded agents: ${container.seeded.join(', ')}`);
  if (!config.TWILIO_VALIDATE_SIGNATURES) {
    lines.push(
      'WARNING: TWILIO_VALIDATE_SIGNATURES=false: anyone can post to the Twilio webhooks. Local use only.',
    );
  }
  lines.push(
    config.LLM_PROVIDER === 'none'
      ? 'scripted mode: no LLM configured — set LLM_PROVIDER to use a model'
      : `LLM: ${container.mode.llm}`,
  );
  return lines;
}

function loopbackUrl(host: string, port: number): string {
  const loopback = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${port}`;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config, 'server');
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const advertised = options.recordDiscovery !== false;
  const container = await createContainer(config, {
    logger,
    role: 'server',
    dataDirRole: advertised ? 'server' : 'cli',
    ...(options.toolRunner ? { toolRunner: options.toolRunner } : {}),
  });
  let app: FastifyInstance;
  try {
    app = await buildApp(container, options.app);
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    await container.close();
    throw error;
  }
  app.server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = loopbackUrl(config.HOST, port);
  // Without a Twilio account, campaign calls are played by the simulator against this server.
  container.simulatedTelephony?.attach({
    serverUrl: url,
    publicUrl: config.publicUrl,
    accountSid: container.secrets.twilioAccountSid,
    authToken: container.secrets.twilioAuthToken,
  });
  // Only the owner of DATA_DIR's database writes its record (writeDiscovery checks the pid).
  const recordsDiscovery =
    advertised && container.embedded?.shared === false && container.secrets.adminKeySource !== 'memory';
  if (recordsDiscovery)
    await writeDiscovery(config.DATA_DIR, { server_url: url, public_url: config.publicUrl });
  print(startupLines(config, container, url).join('\n'));

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const drained = app.close();
      // close() drops only the connections idle at that moment; one whose request was in flight
      // stays open for KEEP_ALIVE_TIMEOUT_MS once answered, holding the drain to its timeout.
      const closeIdle = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
      const timedOut = new Promise<'timeout'>((done) =>
        setTimeout(() => done('timeout'), DRAIN_TIMEOUT_MS).unref(),
      );
      if ((await Promise.race([drained, timedOut])) === 'timeout') {
        logger.warn('in-flight requests did not finish within 20 s; closing anyway');
      }
      clearInterval(closeIdle);
      if (recordsDiscovery)
        await releaseDiscovery(config.DATA_DIR, ['server_url', 'public_url']).catch(() => {});
      await container.close();
    })());

  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      setTimeout(() => process.exit(1), EXIT_DEADLINE_MS).unref();
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    process.on('unhandledRejection', (reason) =>
      logger.error({ err: reason }, 'unhandled promise rejection'),
    );
  }
  return { url, app, container, stop };
}
