import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../domain/errors.js';
import { ChildServerStartError, startChildServer } from './child-server.js';
import { readDiscovery, releaseDiscovery, writeDiscovery } from './discovery.js';
import { makePrivateFolder } from './private-folder.js';

export interface EmbeddedS3 {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** True when this process uses another process's server (close() is then a no-op). */
  shared: boolean;
  /** The child process that runs it, when this process started it. */
  pid?: number;
  /** Where it keeps its objects, when this process started it (a temporary folder is removed on close). */
  directory?: string;
  /** Stops the server (a no-op for a server owned by another process). */
  close(): Promise<void>;
}

export interface EmbeddedS3Options {
  /** Objects go under `<dataDir>/s3`; a fresh temporary folder when absent (removed on close). */
  dataDir?: string;
  /** 0 (the default) picks a free port; tests pass a former port to restart "the same" server. */
  port?: number;
  /** Called when the embedded S3's process ends while in use (every request then fails). */
  onUnexpectedExit?: (detail: string) => void;
}

const HOST = fileURLToPath(new URL('./s3rver-host.mjs', import.meta.url));
// Closing drops open connections, so s3rver ends at once; this only bounds a child that hangs.
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * s3rver in a child process on 127.0.0.1, silent, off this process's event loop and heap
 * (docs/decisions/0035-embedded-s3-out-of-process.md).
 */
export async function startEmbeddedS3(options: EmbeddedS3Options = {}): Promise<EmbeddedS3> {
  let directory: string | undefined;
  if (options.dataDir !== undefined) {
    directory = resolve(join(options.dataDir, 's3'));
    makePrivateFolder(directory, { tighten: true });
  }
  // Known once the child is ready, before it can exit unexpectedly.
  const reported: { temporary?: string } = {};
  const child = await startChildServer<{ temporary?: string }>({
    host: HOST,
    name: 'the embedded S3',
    settings: { port: options.port ?? 0, ...(directory ? { directory } : {}) },
    closeTimeoutMs: CLOSE_TIMEOUT_MS,
    // A child that died cannot remove its temporary folder: its parent does.
    onUnexpectedExit: (detail) => {
      if (reported.temporary) void rm(reported.temporary, { recursive: true, force: true });
      options.onUnexpectedExit?.(detail);
    },
  }).catch((error: unknown) => {
    if (!(error instanceof ChildServerStartError)) throw error;
    const where = directory ? ` on ${directory}` : '';
    throw new AppError('unavailable', `cannot start the embedded S3${where}: ${error.message}`, {
      cause: error,
    });
  });
  reported.temporary = child.ready.temporary;
  return {
    endpoint: `http://127.0.0.1:${child.port}`,
    shared: false,
    pid: child.pid,
    directory: directory ?? child.ready.temporary,
    close: child.close,
  };
}

const PING_TIMEOUT_MS = 1_000;

/** Whether something answers HTTP at the endpoint within a second (s3rver answers / with XML). */
export async function s3Answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(PING_TIMEOUT_MS) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/**
 * Uses the embedded S3 of another live process on the same DATA_DIR when it answers; otherwise
 * starts one on `<dataDir>/s3` and records its endpoint in the discovery file.
 */
export async function connectOrStartEmbeddedS3(
  dataDir: string,
  options: Pick<EmbeddedS3Options, 'onUnexpectedExit'> = {},
): Promise<EmbeddedS3> {
  const recorded = (await readDiscovery(dataDir))?.s3_endpoint;
  if (recorded && (await s3Answers(recorded)))
    return { endpoint: recorded, shared: true, close: async () => {} };
  const own = await startEmbeddedS3({ ...options, dataDir });
  await writeDiscovery(dataDir, { s3_endpoint: own.endpoint });
  return {
    ...own,
    close: async () => {
      await releaseDiscovery(dataDir, 's3_endpoint');
      await own.close();
    },
  };
}
