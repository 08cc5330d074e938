// Starts dynalite-host.mjs: dynalite in a child process, so its request handling and LevelDB work never
// run on this process's event loop (docs/decisions/0014-embedded-store-in-a-child-process.md).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../domain/errors.js';

export interface DynaliteProcess {
  port: number;
  pid: number;
  /** Asks the child to close dynalite (LevelDB flushed and unlocked) and waits for it to exit. */
  close(): Promise<void>;
}

export interface DynaliteProcessOptions {
  /** LevelDB folder; in memory when absent. */
  path?: string;
  createTableMs: number;
  /** Called when the child exits without being asked to (its requests then fail to connect). */
  onUnexpectedExit?: (detail: string) => void;
}

/** The child could not open the folder: `locked` when another process holds its LevelDB lock. */
export class DynaliteStartError extends Error {
  constructor(
    readonly reason: 'locked' | 'unopenable' | 'exited',
    message: string,
  ) {
    super(message);
    this.name = 'DynaliteStartError';
  }
}

const HOST = fileURLToPath(new URL('./dynalite-host.mjs', import.meta.url));
// dynalite's own close gives pending operations 30 s; past that the child is killed.
const CLOSE_TIMEOUT_MS = 35_000;

type HostMessage =
  { type: 'ready'; port: number } | { type: 'failed'; reason: 'locked' | 'unopenable'; message: string };

const describeExit = (code: number | null, signal: NodeJS.Signals | null) =>
  signal ? `killed by ${signal}` : `exited with code ${code}`;

export function startDynaliteProcess(options: DynaliteProcessOptions): Promise<DynaliteProcess> {
  const settings = { createTableMs: options.createTableMs, ...(options.path ? { path: options.path } : {}) };
  // execArgv: [] keeps this process's loader flags (tsx, --cpu-prof) out of the plain-JS child.
  const child: ChildProcess = fork(HOST, [JSON.stringify(settings)], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let closing = false;
  return new Promise((done, fail) => {
    const beforeReady = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(
        new DynaliteStartError(
          'exited',
          `the embedded DynamoDB ${describeExit(code, signal)} before it was ready`,
        ),
      );
    // Settles nothing once started: a late error (a failed signal) must not go unhandled.
    child.on('error', (error) =>
      fail(new AppError('unavailable', 'cannot start the embedded DynamoDB', { cause: error })),
    );
    child.once('exit', beforeReady);
    child.once('message', (raw) => {
      const message = raw as HostMessage;
      if (message.type === 'failed') {
        fail(new DynaliteStartError(message.reason, message.message));
        return;
      }
      child.off('exit', beforeReady);
      child.once('exit', (code, signal) => {
        if (!closing) options.onUnexpectedExit?.(`the embedded DynamoDB ${describeExit(code, signal)}`);
      });
      done({
        port: message.port,
        pid: child.pid!,
        close: async () => {
          if (!closing && child.exitCode === null && child.signalCode === null) {
            closing = true;
            // The callback takes a send that fails because the child is already going.
            if (child.connected) child.send({ type: 'close' }, () => {});
            const killer = setTimeout(() => child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
            await exited;
            clearTimeout(killer);
          }
          await exited;
        },
      });
    });
  });
}
