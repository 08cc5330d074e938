// The real server as a child process (`node bin/voice-agent.mjs serve`) on a temporary DATA_DIR, so a
// test can kill -9 it, SIGTERM it and restart it on the same folder and port.
import { startServe, tempDir, cliEnv, type ServerProcess } from '../../cli/run-cli.js';

export const CHILD_ADMIN_KEY = 'reliability-admin-key-0123456789';
export const CHILD_ACCOUNT_SID = `AC${'7'.repeat(32)}`;
export const CHILD_AUTH_TOKEN = 'reliability-auth-token';
export const CHILD_PUBLIC_URL = 'https://voice.example.test';

export interface ChildServers {
  dataDir: string;
  /** Starts the server; on the given port when set (a restart), else on a free one. */
  start(extraEnv?: Record<string, string>, port?: number): Promise<ServerProcess & { port: number }>;
  remove(): void;
}

export function childServers(baseEnv: Record<string, string> = {}): ChildServers {
  const dir = tempDir('voice-agent-reliability-');
  const dataDir = `${dir.path}/data`;
  return {
    dataDir,
    async start(extraEnv = {}, port) {
      const env = cliEnv(dataDir, {
        LOG_LEVEL: 'error',
        ADMIN_API_KEY: CHILD_ADMIN_KEY,
        TWILIO_ACCOUNT_SID: CHILD_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: CHILD_AUTH_TOKEN,
        PUBLIC_URL: CHILD_PUBLIC_URL,
        RECORD_CALLS: 'false',
        ...baseEnv,
        ...extraEnv,
        ...(port !== undefined ? { PORT: String(port) } : {}),
      });
      const server = await startServe(env, dir.path);
      return { ...server, port: Number(new URL(server.url).port) };
    },
    remove: () => dir.remove(),
  };
}
