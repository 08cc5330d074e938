// Starts the baseline (naive-relay-server.ts) in a process of its own on the server's core.
import { join, resolve } from 'node:path';
import { cleanEnv, freePort, waitUntil } from './our-server.js';
import { startProcess } from './processes.js';

export interface NaiveRelay {
  socketUrl: string;
  pid: number;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');

export async function startNaiveRelay(modelBaseUrl: string, dir: string): Promise<NaiveRelay> {
  const port = await freePort();
  const logFile = join(dir, 'naive-relay.log');
  const started = startProcess(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'naive-relay-server.ts'),
      '--port',
      String(port),
      '--model',
      modelBaseUrl,
    ],
    { cpu: 0, env: cleanEnv({}), cwd: ROOT, logFile },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil('the naive relay server', async () => (await fetch(url)).status === 404, started, logFile);
  return { socketUrl: `ws://127.0.0.1:${port}/relay`, pid: started.pid, stop: () => started.stop() };
}
