// How a server opens DATA_DIR's embedded database. A server never shares another process's
// database: a command's goes away when the command exits, and the server would then fail every
// request while still looking alive. So a server owns the folder or does not start:
// - held by another server: refused at once (a server does not finish by itself);
// - held by a command (simulate, agents …): waited for, up to `waitMs`, then refused;
// - refused with DataFolderInUseError naming the holder (`voice-agent serve` exits with code 2).
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeHolder, readDiscovery } from './discovery.js';
import { DataFolderInUseError, startAndRecordEmbeddedDynamo, type EmbeddedDynamo } from './dynalite.js';

export interface ServerDynamoOptions {
  /** How long to wait for a command that holds the folder. */
  waitMs: number;
  pollMs?: number;
  /** Called once, when the server starts waiting, with who holds the folder. */
  onWait?: (message: string) => void;
  /** Called when the database's process ends while the server runs. */
  onUnexpectedExit?: (detail: string) => void;
}

export async function openEmbeddedDynamoForServer(
  dataDir: string,
  options: ServerDynamoOptions,
): Promise<EmbeddedDynamo> {
  const folder = resolve(dataDir);
  const deadline = Date.now() + options.waitMs;
  let waiting = false;
  for (;;) {
    try {
      return await startAndRecordEmbeddedDynamo(
        dataDir,
        'server',
        options.onUnexpectedExit ? { onUnexpectedExit: options.onUnexpectedExit } : {},
      );
    } catch (error) {
      if (!(error instanceof DataFolderInUseError)) throw error;
      const record = await readDiscovery(dataDir);
      const holder = describeHolder(record);
      if (record?.role === 'server') {
        throw new DataFolderInUseError(
          `DATA_DIR ${folder} is in use by ${holder}; stop it, or give this server another DATA_DIR`,
          error,
        );
      }
      if (Date.now() >= deadline) {
        throw new DataFolderInUseError(
          `DATA_DIR ${folder} is still in use by ${holder} after ${Math.round(options.waitMs / 1_000)} s; ` +
            'a server does not share the database of another process: end that process, ' +
            'or give this server another DATA_DIR',
          error,
        );
      }
      if (!waiting) {
        waiting = true;
        options.onWait?.(
          `DATA_DIR ${folder} is in use by ${holder}; waiting up to ` +
            `${Math.round(options.waitMs / 1_000)} s for it to finish`,
        );
      }
      await sleep(options.pollMs ?? 250);
    }
  }
}
