import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoWireClient } from './wire-client.js';

export interface DynamoClients {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** The turn path's requests, without the SDK's per-request cost (wire-client.ts). */
  wire: DynamoWireClient;
  /** Closes both clients' connections. */
  destroy(): Promise<void>;
}

export interface DynamoClientOptions {
  /** A local endpoint (dynalite): region 'local' and dummy credentials. */
  endpoint?: string;
  region?: string;
}

// Timeouts: a stalled connection must fail fast so a call turn never hangs on storage
// (reliability.md 2.2). 3 attempts in total is the SDK's standard mode.
const CONNECTION_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;
const MAX_ATTEMPTS = 3;
// The SDK's default of 50 sockets queues requests under load, and the connection timeout counts that
// wait: with hundreds of calls in progress, turns failed on waiting rather than on DynamoDB.
const MAX_SOCKETS = 512;

export function createDynamoClients(options: DynamoClientOptions = {}): DynamoClients {
  const local = options.endpoint !== undefined && !options.region;
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const settings = {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    region: options.region ?? (local ? 'local' : undefined),
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      httpAgent,
      httpsAgent,
    },
  };
  const client = new DynamoDBClient(settings);
  const doc = DynamoDBDocumentClient.from(client, {
    // Optional fields left undefined are dropped instead of failing the marshalling.
    marshallOptions: { removeUndefinedValues: true },
  });
  const wire = new DynamoWireClient(client, {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    connectTimeoutMs: CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    maxSockets: MAX_SOCKETS,
  });
  return {
    client,
    doc,
    wire,
    async destroy() {
      client.destroy();
      await wire.close();
    },
  };
}
