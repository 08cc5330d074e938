// Where `voice-agent simulate` sends its calls: --url, else the server running on DATA_DIR (found
// through the discovery file), else a server started in this process on the embedded stores.
// Webhooks are signed for the URL the target server checks signatures against (its PUBLIC_URL):
// --public-url when given; else the one the server on DATA_DIR recorded; with --url, that URL.
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
  const trim = (url: string) => url.replace(/\/+$/, '');
  const noop = async () => {};
  // ':memory:' is no folder: there is no running server to find, and nothing may be created.
  const record =
    config.embeddedDynamo && config.DATA_DIR !== ':memory:'
      ? await (await import('../../adapters/embedded/discovery.js')).readDiscovery(config.DATA_DIR)
      : undefined;

  if (options.url) {
    const serverUrl = trim(options.url);
    // The server on DATA_DIR, reached by the URL it printed: its recorded PUBLIC_URL applies.
    const recorded =
      record?.server_url && trim(record.server_url) === serverUrl ? record.public_url : undefined;
    return {
      serverUrl,
      publicUrl: trim(options.publicUrl ?? recorded ?? serverUrl),
      ...credentials,
      source: 'url',
      close: noop,
    };
  }
  if (record?.server_url && (await answers(record.server_url))) {
    return {
      serverUrl: record.server_url,
      publicUrl: trim(options.publicUrl ?? record.public_url ?? record.server_url),
      ...credentials,
      source: 'running-server',
      close: noop,
    };
  }
  // The in-process server speaks only when something is wrong; the conversation is the output.
  const { startCommandServer } = await import('../command-server.js');
  const server = await startCommandServer(config);
  const own = server.container.secrets;
  return {
    serverUrl: server.url,
    // The in-process server checks signatures against its own PUBLIC_URL.
    publicUrl: trim(config.publicUrl),
    // Its own secrets: with DATA_DIR=:memory: they exist only inside that server.
    accountSid: own.twilioAccountSid,
    authToken: own.twilioAuthToken,
    adminApiKey: own.adminApiKey,
    source: 'in-process',
    close: () => server.stop(),
  };
}
