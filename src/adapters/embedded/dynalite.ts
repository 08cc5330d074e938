import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../domain/errors.js';
import { createDynamoClients } from '../dynamodb/client.js';
import { claimDiscovery, clearDiscovery, readDiscovery, type Discovery } from './discovery.js';
import { makePrivateFolder } from './private-folder.js';

export interface EmbeddedDynamo {
  endpoint: string;
  /** True when this process connected to another process's server (close() is then a no-op). */
  shared: boolean;
  close(): Promise<void>;
}

// Local tables are ready at once; dynalite's default keeps them CREATING for 500 ms.
const CREATE_TABLE_MS = 0;
const PING_TIMEOUT_MS = 1_000;
// How long a process that lost the race for the folder waits for the winner to record its endpoint.
const WAIT_FOR_WINNER_MS = 3_000;

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}

/** The data folder's database is held by another process (or by this one). */
export class DataFolderInUseError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('unavailable', message, { retryable: true, cause });
    this.name = 'DataFolderInUseError';
  }
}

function inUse(folder: string, cause: unknown): DataFolderInUseError {
  return new DataFolderInUseError(
    `the data folder ${folder} is in use by another process that does not share it; ` +
      'stop that process, or give this one another DATA_DIR',
    cause,
  );
}

/**
 * Fails with a clear AppError when another process (or this one) holds the LevelDB lock. dynalite
 * opens its database lazily and a locked folder crashes the process on the first request, so the
 * lock is tested first with the `level` package dynalite itself depends on.
 */
async function assertFolderFree(folder: string): Promise<void> {
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = requireFromDynalite('level') as { Level: new (path: string) => LevelDatabase };
  const db = new Level(folder);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') throw inUse(folder, error);
    throw new AppError('unavailable', `cannot open the data folder ${folder}`, { cause: error });
  }
  await db.close();
}

/** dynalite on 127.0.0.1 (a free port); data in `<dataDir>/dynamodb`, or in memory without dataDir. */
export async function startEmbeddedDynamo(options: { dataDir?: string } = {}): Promise<EmbeddedDynamo> {
  let path: string | undefined;
  if (options.dataDir) {
    path = resolve(join(options.dataDir, 'dynamodb'));
    makePrivateFolder(path, { tighten: true });
    await assertFolderFree(path);
  }
  const server = dynalite({ createTableMs: CREATE_TABLE_MS, ...(path ? { path } : {}) });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    shared: false,
    close: () => {
      // dynalite's close also closes LevelDB, releasing the folder lock.
      closing ??= new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())));
      return closing;
    },
  };
}

/** Whether a DynamoDB endpoint answers ListTables within a second. */
export async function dynamoAnswers(endpoint: string): Promise<boolean> {
  const { client } = createDynamoClients({ endpoint });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), {
      abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS),
    });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

async function recordedEndpoint(dataDir: string): Promise<string | undefined> {
  const endpoint = (await readDiscovery(dataDir))?.dynamodb_endpoint;
  return endpoint && (await dynamoAnswers(endpoint)) ? endpoint : undefined;
}

const shared = (endpoint: string): EmbeddedDynamo => ({ endpoint, shared: true, close: async () => {} });

/**
 * Opens the folder in this process and records it as ours (replacing a stale record: we hold the
 * lock now). Closing removes the whole record, which belongs to the database's owner.
 */
export async function startAndRecordEmbeddedDynamo(
  dataDir: string,
  role: NonNullable<Discovery['role']>,
): Promise<EmbeddedDynamo> {
  const own = await startEmbeddedDynamo({ dataDir });
  try {
    await claimDiscovery(dataDir, { role, dynamodb_endpoint: own.endpoint });
  } catch (error) {
    await own.close();
    throw error;
  }
  return {
    ...own,
    close: async () => {
      await clearDiscovery(dataDir);
      await own.close();
    },
  };
}

/**
 * For commands: uses the embedded DynamoDB of another live process on the same DATA_DIR when it
 * answers; otherwise opens the folder and records it in `<dataDir>/embedded.json`.
 */
export async function connectOrStartEmbeddedDynamo(
  dataDir: string,
  role: NonNullable<Discovery['role']> = 'cli',
): Promise<EmbeddedDynamo> {
  const existing = await recordedEndpoint(dataDir);
  if (existing) return shared(existing);
  try {
    return await startAndRecordEmbeddedDynamo(dataDir, role);
  } catch (error) {
    // Two processes started together: the other one holds the folder; wait for its record.
    if (!(error instanceof DataFolderInUseError)) throw error;
    for (let waited = 0; waited < WAIT_FOR_WINNER_MS; waited += 200) {
      await sleep(200);
      const winner = await recordedEndpoint(dataDir);
      if (winner) return shared(winner);
    }
    throw error;
  }
}
