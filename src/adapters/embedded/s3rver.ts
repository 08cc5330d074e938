import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { readDiscovery, releaseDiscovery, writeDiscovery } from './discovery.js';
import { makePrivateFolder } from './private-folder.js';

export interface EmbeddedS3 {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** True when this process uses another process's server (close() is then a no-op). */
  shared: boolean;
  /** Stops the server (a no-op for a server owned by another process). */
  close(): Promise<void>;
}

export interface EmbeddedS3Options {
  /** Objects go under `<dataDir>/s3`; a fresh temporary folder when absent (removed on close). */
  dataDir?: string;
  /** 0 (the default) picks a free port; tests pass a former port to restart "the same" server. */
  port?: number;
}

/** Starts s3rver in this process on 127.0.0.1 with silent logging. */
export async function startEmbeddedS3(options: EmbeddedS3Options = {}): Promise<EmbeddedS3> {
  const temporary = options.dataDir === undefined;
  const root = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'voice-agent-s3-')));
  const directory = join(root, 's3');
  makePrivateFolder(directory, { tighten: true });
  const server = new S3rver({ address: '127.0.0.1', port: options.port ?? 0, directory, silent: true });
  const address = await server.run();
  let closed = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    shared: false,
    async close() {
      if (closed) return;
      closed = true;
      // s3rver keeps its http.Server here; dropping keep-alive sockets lets close() finish at once.
      const http = (server as unknown as { httpServer?: Server }).httpServer;
      const done = server.close();
      http?.closeAllConnections();
      await done;
      if (temporary) await rm(root, { recursive: true, force: true });
    },
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
export async function connectOrStartEmbeddedS3(dataDir: string): Promise<EmbeddedS3> {
  const recorded = (await readDiscovery(dataDir))?.s3_endpoint;
  if (recorded && (await s3Answers(recorded)))
    return { endpoint: recorded, shared: true, close: async () => {} };
  const own = await startEmbeddedS3({ dataDir });
  await writeDiscovery(dataDir, { s3_endpoint: own.endpoint });
  return {
    ...own,
    close: async () => {
      await releaseDiscovery(dataDir, 's3_endpoint');
      await own.close();
    },
  };
}
