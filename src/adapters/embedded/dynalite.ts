import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../domain/errors.js';
import { createDynamoClients } from '../dynamodb/client.js';
import { ChildServerStartError } from './child-server.js';
import { startDynaliteProcess } from './dynalite-process.js';
import { claimDiscovery, clearDiscovery, readDiscovery, type Discovery } from './discovery.js';
import { makePrivateFolder } from './private-folder.js';

export interface EmbeddedDynamo {
  endpoint: string;
  /** True when this process connected to another process's server (close() is then a no-op). */
  shared: boolean;
  /** The child process that runs it, when this process started it. */
  pid?: number;
  close(): Promise<void>;
}

// Local tables are ready at once; dynalite's default keeps them CREATING for 500 ms.
const CREATE_TABLE_MS = 0;
const PING_TIMEOUT_MS = 1_000;
// How long a process that lost the race for the folder waits for the winner to record its endpoint.
const WAIT_FOR_WINNER_MS = 3_000;

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

export interface EmbeddedDynamoOptions {
  dataDir?: string;
  /** Called when the embedded DynamoDB's process ends while in use (every request then fails). */
  onUnexpectedExit?: (detail: string) => void;
}

/**
 * dynalite in a child process on 127.0.0.1 (a free port), off this process's event loop; data in
 * `<dataDir>/dynamodb`, or in memory without dataDir. A folder whose LevelDB lock another process (or
 * this one) holds fails with DataFolderInUseError.
 */
export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  let path: string | undefined;
  if (options.dataDir) {
    path = resolve(join(options.dataDir, 'dynamodb'));
    makePrivateFolder(path, { tighten: true });
  }
  try {
    const child = await startDynaliteProcess({
      createTableMs: CREATE_TABLE_MS,
      ...(path ? { path } : {}),
      ...(options.onUnexpectedExit ? { onUnexpectedExit: options.onUnexpectedExit } : {}),
    });
    return { endpoint: `http://127.0.0.1:${child.port}`, shared: false, pid: child.pid, close: child.close };
  } catch (error) {
    if (!(error instanceof ChildServerStartError)) throw error;
    if (error.reason === 'locked') throw inUse(path!, error);
    const what = path ? `the data folder ${path}` : 'an in-memory embedded DynamoDB';
    throw new AppError('unavailable', `cannot open ${what}: ${error.message}`, { cause: error });
  }
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
 * Opens the folder (its database in our child process) and records it as ours, replacing a stale
 * record: we hold the lock now. Closing removes the whole record, which belongs to the database's owner.
 */
export async function startAndRecordEmbeddedDynamo(
  dataDir: string,
  role: NonNullable<Discovery['role']>,
  options: Omit<EmbeddedDynamoOptions, 'dataDir'> = {},
): Promise<EmbeddedDynamo> {
  const own = await startEmbeddedDynamo({ ...options, dataDir });
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
  options: Omit<EmbeddedDynamoOptions, 'dataDir'> = {},
): Promise<EmbeddedDynamo> {
  const existing = await recordedEndpoint(dataDir);
  if (existing) return shared(existing);
  const deadline = Date.now() + WAIT_FOR_WINNER_MS;
  for (;;) {
    try {
      return await startAndRecordEmbeddedDynamo(dataDir, role, options);
    } catch (error) {
      // Another process holds the folder without a record yet: it started together with us (wait
      // for its record), or it is the database process of an owner that just died (it closes the
      // folder within moments; then we take it).
      if (!(error instanceof DataFolderInUseError) || Date.now() >= deadline) throw error;
      await sleep(200);
      const winner = await recordedEndpoint(dataDir);
      if (winner) return shared(winner);
    }
  }
}
