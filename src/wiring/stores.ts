// The stores: embedded dynalite under DATA_DIR (in a child process), or DynamoDB (AWS or
// DYNAMODB_ENDPOINT), and the stores every part of the server shares.
import {
  createDynamoClients,
  DynamoAgentStore,
  DynamoCallStore,
  DynamoPhoneNumberStore,
  type DynamoClients,
} from '../adapters/dynamodb/index.js';
import { wireItemRequests } from '../adapters/dynamodb/lean-commands.js';
import { DynamoSessionRevocations } from '../adapters/dynamodb/session-revocation-store.js';
import {
  connectOrStartEmbeddedDynamo,
  startEmbeddedDynamo,
  type EmbeddedDynamo,
} from '../adapters/embedded/dynalite.js';
import { openEmbeddedDynamoForServer } from '../adapters/embedded/server-dynamo.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { CallStore } from '../ports/call-store.js';
import { deriveKey } from '../services/derived-keys.js';
import type { OnClose } from './cleanups.js';

export type Role = 'server' | 'cli';

// A command that holds DATA_DIR (agents …, an interactive simulate) usually ends within seconds;
// past this a server refuses to start rather than share a database that vanishes with the command.
const WAIT_FOR_COMMAND_MS = 30_000;

export interface StoreOptions {
  logger: Logger;
  /** How this process uses an embedded DATA_DIR: 'server' owns it, 'cli' shares a running one's. */
  dataDirRole: Role;
  inMemory: boolean;
  signingSecret: string;
  /** Wraps the call store (tracing), when set. */
  traceCallStore?: (store: CallStore) => CallStore;
}

export async function openStores(config: Config, options: StoreOptions, onClose: OnClose) {
  let embedded: EmbeddedDynamo | undefined;
  if (config.embeddedDynamo || options.inMemory) {
    embedded = await openEmbedded(config, options);
    onClose(() => embedded?.close());
  }
  const dynamo: DynamoClients = createDynamoClients(
    embedded
      ? { endpoint: embedded.endpoint }
      : { endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION },
  );
  onClose(() => dynamo.destroy());
  // Cursors are signed with a key of their own, never with the webhook secret itself.
  const storeOptions = { doc: dynamo.doc, cursorSecret: deriveKey(options.signingSecret, 'cursor') };
  // A call's requests, from its voice webhook to its last turn, skip the SDK's middleware
  // (docs/decisions/0010-dynamodb-wire-client.md).
  const items = wireItemRequests(dynamo.wire);
  const dynamoCallStore = new DynamoCallStore({
    ...storeOptions,
    callsTable: config.tables.calls,
    turnsTable: config.tables.turns,
    items,
  });
  return {
    embedded,
    dynamo,
    storeOptions,
    agentStore: new DynamoAgentStore({ ...storeOptions, table: config.tables.agents }),
    callStore: options.traceCallStore?.(dynamoCallStore) ?? dynamoCallStore,
    phoneNumberStore: new DynamoPhoneNumberStore({
      doc: dynamo.doc,
      table: config.tables.phoneNumbers,
      items,
    }),
    sessionRevocations: new DynamoSessionRevocations({ doc: dynamo.doc, table: config.tables.idempotency }),
  };
}

async function openEmbedded(config: Config, options: StoreOptions): Promise<EmbeddedDynamo> {
  // The database runs in a child process; if it dies, every store call fails until a restart.
  const onUnexpectedExit = (detail: string) => options.logger.error(`${detail}; restart this process`);
  if (options.inMemory) return startEmbeddedDynamo({ onUnexpectedExit });
  if (options.dataDirRole === 'server') {
    return openEmbeddedDynamoForServer(config.DATA_DIR, {
      waitMs: WAIT_FOR_COMMAND_MS,
      onWait: (message) => options.logger.warn(message),
      onUnexpectedExit,
    });
  }
  return connectOrStartEmbeddedDynamo(config.DATA_DIR, 'cli', { onUnexpectedExit });
}
