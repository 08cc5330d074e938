// Starts an embedded server's host (a child-host.mjs script) in a child process, so its request
// handling, and its modules in memory, stay off this process's event loop and heap
// (docs/decisions/0014-embedded-store-in-a-child-process.md, 0035-embedded-s3-out-of-process.md).
import { fork, type ChildProcess } from 'node:child_process';
import { AppError } from '../../domain/errors.js';

export interface ChildServer<Ready> {
  /** The port the server answers on, on 127.0.0.1. */
  port: number;
  /** What else the host reported when it was ready. */
  ready: Ready;
  pid: number;
  /** Asks the child to close its server and waits for it to exit (killed after the timeout). */
  close(): Promise<void>;
}

export interface ChildServerOptions {
  /** The host script's path. */
  host: string;
  /** Passed to the host as its one JSON argument. */
  settings: Record<string, unknown>;
  /** The server's name in messages: "the embedded DynamoDB". */
  name: string;
  /** How long close() waits for the child before killing it. */
  closeTimeoutMs: number;
  /** Called when the child exits without being asked to (its requests then fail to connect). */
  onUnexpectedExit?: (detail: string) => void;
}

/** The host refused to start (a `reason` of its own, as 'locked'), or `exited` before it was ready. */
export class ChildServerStartError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChildServerStartError';
  }
}

type HostMessage = { type: 'ready'; port: number } | { type: 'failed'; reason: string; message: string };

const describeExit = (code: number | null, signal: NodeJS.Signals | null) =>
  signal ? `killed by ${signal}` : `exited with code ${code}`;

export function startChildServer<Ready extends object = object>(
  options: ChildServerOptions,
): Promise<ChildServer<Ready>> {
  const { name } = options;
  // execArgv: [] keeps this process's loader flags (tsx, --cpu-prof) out of the plain-JS child.
  const child: ChildProcess = fork(options.host, [JSON.stringify(options.settings)], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let closing = false;
  return new Promise((done, fail) => {
    const beforeReady = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(new ChildServerStartError('exited', `${name} ${describeExit(code, signal)} before it was ready`));
    // Settles nothing once started: a late error (a failed signal) must not go unhandled.
    child.on('error', (error) => fail(new AppError('unavailable', `cannot start ${name}`, { cause: error })));
    child.once('exit', beforeReady);
    child.once('message', (raw) => {
      const message = raw as HostMessage;
      if (message.type === 'failed') {
        fail(new ChildServerStartError(message.reason, message.message));
        return;
      }
      child.off('exit', beforeReady);
      child.once('exit', (code, signal) => {
        if (!closing) options.onUnexpectedExit?.(`${name} ${describeExit(code, signal)}`);
      });
      const { type: _type, port, ...ready } = message;
      done({
        port,
        ready: ready as Ready,
        pid: child.pid!,
        close: async () => {
          if (!closing && child.exitCode === null && child.signalCode === null) {
            closing = true;
            // The callback takes a send that fails because the child is already going.
            if (child.connected) child.send({ type: 'close' }, () => {});
            const killer = setTimeout(() => child.kill('SIGKILL'), options.closeTimeoutMs);
            await exited;
            clearTimeout(killer);
          }
          await exited;
        },
      });
    });
  });
}
