// A benchmark server in a child process, driven over IPC with request ids.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pinnedCommand } from './cpu-pinning.js';

export interface BenchChild {
  url: string;
  pid: number;
  request<T>(message: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface BenchChildOptions {
  startTimeoutMs?: number;
  /** Runs the child, every thread of it, on these CPUs only (a taskset list: "0", "1-3"). */
  cpus?: string;
  /** Node flags for this child only (e.g. --cpu-prof), after BENCH_CHILD_ARGS. */
  execArgv?: string[];
  /** Environment variables for this child only, over this process's (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** Node flags of this child (BENCH_CHILD_ARGS adds to every child's). */
  nodeArgs?: string[];
}

/** Forks `script` (TypeScript, through tsx) with `args` and waits for its {type:'ready', url}. */
export function startBenchChild(
  script: string,
  args: string[],
  {
    startTimeoutMs = 60_000,
    cpus,
    nodeArgs = [],
    execArgv: extraArgs = [],
    env = {},
  }: BenchChildOptions = {},
): Promise<BenchChild> {
  const execArgv = [
    '--import',
    'tsx',
    ...nodeArgs,
    ...(process.env.BENCH_CHILD_ARGS ? process.env.BENCH_CHILD_ARGS.split(' ') : []),
    ...extraArgs,
  ];
  const path = resolve(import.meta.dirname, script);
  const options = {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ('ignore' | 'inherit' | 'ipc')[],
  };
  // taskset execs node in its own process, which keeps the IPC channel fork would have set up.
  const child: ChildProcess = cpus
    ? spawn(...pinnedCommand(cpus, process.execPath, [...execArgv, path, ...args]), options)
    : fork(path, args, { ...options, execArgv });
  const pending = new Map<number, (message: Record<string, unknown>) => void>();
  let nextId = 1;
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${script} did not start within ${startTimeoutMs} ms`));
    }, startTimeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${script} exited with ${code} before it was ready`));
    });
    child.on('message', (raw) => {
      const message = raw as Record<string, unknown>;
      if (message.type === 'ready') {
        clearTimeout(timer);
        done({
          url: String(message.url),
          pid: child.pid ?? 0,
          request<T>(body: Record<string, unknown>, timeoutMs = 120_000) {
            const id = nextId++;
            return new Promise<T>((answer, reject) => {
              const t = setTimeout(() => reject(new Error(`no answer to ${String(body.type)}`)), timeoutMs);
              pending.set(id, (reply) => {
                clearTimeout(t);
                if (reply.error) reject(new Error(String(reply.error)));
                else answer(reply as T);
              });
              child.send({ ...body, id });
            });
          },
          async stop() {
            const exited = new Promise<void>((r) => child.once('exit', () => r()));
            const id = nextId++;
            child.send({ type: 'stop', id });
            const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(killer);
          },
        });
        return;
      }
      const id = message.id as number | undefined;
      if (id !== undefined) {
        pending.get(id)?.(message);
        pending.delete(id);
      }
    });
  });
}
