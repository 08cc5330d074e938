// Test support: other processes (fixtures run with tsx) that hold a data folder's embedded DynamoDB
// (hold-dynamo.fixture.ts) or an embedded S3 (hold-s3.fixture.ts), and print one JSON line.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from './discovery.js';

export type FixtureProcess<Output> = Output & {
  pid: number;
  /** SIGKILL (no clean-up, like a crash); resolves once the process is gone. */
  kill(): Promise<void>;
};

/** Runs a fixture of this folder and waits for its first line of output, a JSON object. */
export async function runFixture<Output extends object>(
  fixture: string,
  args: string[],
): Promise<FixtureProcess<Output>> {
  const path = fileURLToPath(new URL(`./${fixture}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const exited = once(child, 'exit');
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return {
    ...(JSON.parse(line) as Output),
    pid: child.pid!,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export type FolderHolder = FixtureProcess<{
  endpoint: string;
  shared: boolean;
  /** The process that runs the database it opened (none when it shares another's). */
  storePid?: number;
}>;

export function holdFolder(dataDir: string, role: 'cli' | 'server' = 'cli'): Promise<FolderHolder> {
  return runFixture('hold-dynamo.fixture.ts', [dataDir, role]);
}

export type S3Holder = FixtureProcess<{
  endpoint: string;
  shared: boolean;
  /** The process that runs the S3 it started (none when it shares another's). */
  s3Pid?: number;
  /** Where that S3 keeps its objects. */
  directory?: string;
}>;

/** A process running an embedded S3: on `<dataDir>/s3` (shared as the CLI does), or temporary. */
export function holdS3(dataDir?: string): Promise<S3Holder> {
  return runFixture('hold-s3.fixture.ts', dataDir === undefined ? [] : [dataDir]);
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
