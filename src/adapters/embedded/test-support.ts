// Test support: another process that holds a data folder's embedded DynamoDB (hold-dynamo.fixture.ts).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface FolderHolder {
  pid: number;
  endpoint: string;
  shared: boolean;
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
  const held = JSON.parse(line) as { endpoint: string; shared: boolean };
  return {
    pid: child.pid!,
    ...held,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
