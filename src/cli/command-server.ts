// A server a command runs for itself (simulate, campaigns start --wait): loopback, a free port,
// quiet unless something is wrong, and not advertised on DATA_DIR (it shares a running one's store).
import type { Config } from '../config.js';
import type { RunningServer } from '../server.js';

export async function startCommandServer(
  config: Config,
  /** Settings this server alone takes (e.g. the simulator's media host as TWILIO_API_URL). */
  overrides: Partial<Config> = {},
): Promise<RunningServer> {
  const [{ startServer }, { createLogger }] = await Promise.all([
    import('../server.js'),
    import('../logger.js'),
  ]);
  const local = { ...config, HOST: '127.0.0.1', PORT: 0, LOG_LEVEL: 'error' as const, ...overrides };
  return startServer(local, {
    logger: createLogger(local, 'cli'),
    print: () => {},
    handleSignals: false,
    recordDiscovery: false,
  });
}
