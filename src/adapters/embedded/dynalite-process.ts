// Starts dynalite-host.mjs: dynalite in a child process, so its request handling and LevelDB work never
// run on this process's event loop (docs/decisions/0014-embedded-store-in-a-child-process.md).
import { fileURLToPath } from 'node:url';
import { startChildServer, type ChildServer } from './child-server.js';

export interface DynaliteProcessOptions {
  /** LevelDB folder; in memory when absent. */
  path?: string;
  createTableMs: number;
  /** Called when the child exits without being asked to (its requests then fail to connect). */
  onUnexpectedExit?: (detail: string) => void;
}

const HOST = fileURLToPath(new URL('./dynalite-host.mjs', import.meta.url));
// dynalite's own close gives pending operations 30 s; past that the child is killed.
const CLOSE_TIMEOUT_MS = 35_000;

/**
 * Fails with ChildServerStartError: reason `locked` when another process holds the folder's LevelDB
 * lock, `unopenable` when it cannot be opened, `exited` when the child died before it was ready.
 */
export function startDynaliteProcess(options: DynaliteProcessOptions): Promise<ChildServer<object>> {
  return startChildServer({
    host: HOST,
    name: 'the embedded DynamoDB',
    settings: { createTableMs: options.createTableMs, ...(options.path ? { path: options.path } : {}) },
    closeTimeoutMs: CLOSE_TIMEOUT_MS,
    ...(options.onUnexpectedExit ? { onUnexpectedExit: options.onUnexpectedExit } : {}),
  });
}
