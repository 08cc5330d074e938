// Where `voice-agent simulate` sends its calls: --url, else the server running on DATA_DIR (found
// through the discovery file), else a server started in this process on the embedded stores.
import type { Config } from '../../config.js';

export interface SimulationTarget {
  serverUrl: string;
  publicUrl: string;
  accountSid: string;
  authToken: string;
  adminApiKey: string;
  /** Where the target came from, for the first line people see. */
  source: 'url' | 'running-server' | 'in-process';
  close(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_500) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function resolveTarget(
  config: Config,
  options: { url?: string; publicUrl?: string },
): Promise<SimulationTarget> {
  const { loadLocalSecrets } = await import('../../adapters/embedded/local-secrets.js');
  const secrets = loadLocalSecrets(config);
  const credentials = {
    accountSid: secrets.twilioAccountSid,
    authToken: secrets.twilioAuthToken,
    adminApiKey: secrets.adminApiKey,
  };
  const publicUrl = (options.publicUrl ?? config.publicUrl).replace(/\/+$/, '');
  const noop = async () => {};

  if (options.url) {
    return {
      serverUrl: options.url.replace(/\/+$/, ''),
      publicUrl,
      ...credentials,
      source: 'url',
      close: noop,
    };
  }
  // ':memory:' is no folder: there is no running server to find, and nothing may be created.
  if (config.embeddedDynamo && config.DATA_DIR !== ':memory:') {
    const { readDiscovery } = await import('../../adapters/embedded/discovery.js');
    const record = await readDiscovery(config.DATA_DIR);
    if (record?.server_url && (await answers(record.server_url))) {
      return {
        serverUrl: record.server_url,
        publicUrl,
        ...credentials,
        source: 'running-server',
        close: noop,
      };
    }
  }
  const { startServer } = await import('../../server.js');
  const { createLogger } = await import('../../logger.js');
  // The in-process server speaks only when something is wrong; the conversation is the output.
  const local = { ...config, HOST: '127.0.0.1', PORT: 0, LOG_LEVEL: 'error' as const };
  const server = await startServer(local, {
    logger: createLogger(local, 'cli'),
    print: () => {},
    handleSignals: false,
    recordDiscovery: false,
  });
  const own = server.container.secrets;
  return {
    serverUrl: server.url,
    // The in-process server signs and checks against its own PUBLIC_URL.
    publicUrl: options.publicUrl ?? config.publicUrl,
    // Its own secrets: with DATA_DIR=:memory: they exist only inside that server.
    accountSid: own.twilioAccountSid,
    authToken: own.twilioAuthToken,
    adminApiKey: own.adminApiKey,
    source: 'in-process',
    close: () => server.stop(),
  };
}
