// Where `voice-agent simulate` sends its calls: --url, else the server running on DATA_DIR (found
// through the discovery file), else a server started in this process on the embedded stores.
// Webhooks are signed for the URL the target server checks signatures against (its PUBLIC_URL):
// --public-url when given; else the one the server on DATA_DIR recorded; with --url, that URL.
// The target fetches recordings only from Twilio and its TWILIO_API_URL; the simulator plays Twilio's
// media host there (docs/decisions/0013-recordings-from-twilio-only.md).
import type { Config } from '../../config.js';
import type { RecordingServer } from '../../simulator/recording-server.js';

export interface SimulationTarget {
  serverUrl: string;
  publicUrl: string;
  accountSid: string;
  authToken: string;
  adminApiKey: string;
  /** Where the target fetches recordings besides Twilio's hosts: its TWILIO_API_URL, when known. */
  twilioApiUrl?: string;
  /** Twilio's media host played for an in-process server, at its TWILIO_API_URL. */
  media?: RecordingServer;
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
  options: { url?: string; publicUrl?: string; overrides?: Partial<Config> },
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

  // A server started elsewhere reads the same settings (.env, environment): its TWILIO_API_URL is ours.
  const twilioApiUrl = config.TWILIO_API_URL ? { twilioApiUrl: config.TWILIO_API_URL } : {};
  if (options.url) {
    const serverUrl = trim(options.url);
    // The server on DATA_DIR, reached by the URL it printed: its recorded PUBLIC_URL applies.
    const recorded =
      record?.server_url && trim(record.server_url) === serverUrl ? record.public_url : undefined;
    return {
      serverUrl,
      publicUrl: trim(options.publicUrl ?? recorded ?? serverUrl),
      ...credentials,
      ...twilioApiUrl,
      source: 'url',
      close: noop,
    };
  }
  if (record?.server_url && (await answers(record.server_url))) {
    return {
      serverUrl: record.server_url,
      publicUrl: trim(options.publicUrl ?? record.public_url ?? record.server_url),
      ...credentials,
      ...twilioApiUrl,
      source: 'running-server',
      close: noop,
    };
  }
  const { startCommandServer } = await import('../command-server.js');
  const { startRecordingServer } = await import('../../simulator/recording-server.js');
  // Without a TWILIO_API_URL of its own, the server this command starts fetches recordings from the
  // media host the simulator plays; that host learns the server's credentials once it has started.
  const media = config.TWILIO_API_URL ? undefined : await startRecordingServer({ notFoundFirst: 1 });
  let server: Awaited<ReturnType<typeof startCommandServer>>;
  try {
    server = await startCommandServer(config, {
      ...options.overrides,
      ...(media ? { TWILIO_API_URL: media.baseUrl } : {}),
    });
  } catch (error) {
    await media?.close();
    throw error;
  }
  const own = server.container.secrets;
  media?.useAccount(own.twilioAccountSid, own.twilioAuthToken);
  return {
    serverUrl: server.url,
    // The in-process server checks signatures against its own PUBLIC_URL.
    publicUrl: trim(config.publicUrl),
    // Its own secrets: with DATA_DIR=:memory: they exist only inside that server.
    accountSid: own.twilioAccountSid,
    authToken: own.twilioAuthToken,
    adminApiKey: own.adminApiKey,
    ...(server.container.config.TWILIO_API_URL
      ? { twilioApiUrl: server.container.config.TWILIO_API_URL }
      : {}),
    ...(media ? { media } : {}),
    source: 'in-process',
    close: async () => {
      await server.stop();
      await media?.close();
    },
  };
}
