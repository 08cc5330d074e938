// Test support: another process that holds a data folder's embedded DynamoDB (hold-dynamo.fixture.ts).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from './discovery.js';

export interface FolderHolder {
  pid: number;
  endpoint: string;
  shared: boolean;
  /** The process that runs the database it opened (none when it shares another's). */
  storePid?: number;
  /** SIGKILL (no clean-up, like a crash); resolves once the process is gone. */
  kill(): Promise<void>;
}

export async function holdFolder(dataDir: string, role: 'cli' | 'server' = 'cli'): Promise<FolderHolder> {
  const fixture = fileURLToPath(new URL('./hold-dynamo.fixture.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir, role], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const exited = once(child, 'exit');
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const held = JSON.parse(line) as { endpoint: string; shared: boolean; storePid?: number };
  return {
    pid: child.pid!,
    ...held,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Whether a process is running: alive and not a zombie. An orphan that has exited stays a zombie
 * where nothing reaps it (a container whose init does not), and signal 0 still reaches a zombie.
 */
export function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self')) return false;
    return isProcessAlive(pid); // no /proc: not Linux
  }
}
