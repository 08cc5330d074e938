// End-of-call reports survive the server: a data folder made before the WebhookDeliveries table
// existed gets it at start-up, and a delivery left pending by a server that stopped (crashed after
// storing the summary) is delivered by the next server on the same DATA_DIR, at start-up.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createDynamoClients, tableDefinitions } from '../../src/adapters/dynamodb/index.js';
import { startEmbeddedDynamo } from '../../src/adapters/embedded/dynalite.js';
import { loadConfig } from '../../src/config.js';
import { verifyWebhookSignature, webhookEventId } from '../../src/services/webhook-notifier.js';
import { sampleCall } from '../contracts/call-store.contract.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';
import { startWebhookReceiver } from './webhook-receiver.js';

const CALL = `CA${'7'.repeat(32)}`;
const SECRET = 'restart-webhook-secret';
let dataDir: string;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const servers: LiveServer[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'voice-agent-webhook-restart-'));
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await receiver.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A DATA_DIR as an earlier version left it: every table but WebhookDeliveries. */
async function makeOldDataFolder(): Promise<string[]> {
  const { tables } = loadConfig({ DATA_DIR: dataDir }, '');
  const dynamo = await startEmbeddedDynamo({ dataDir });
  const { client } = createDynamoClients({ endpoint: dynamo.endpoint });
  try {
    const old = tableDefinitions(tables).filter((d) => d.TableName !== tables.webhookDeliveries);
    for (const definition of old) {
      await client.send(new CreateTableCommand(definition));
      await waitUntilTableExists(
        { client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
        { TableName: definition.TableName! },
      );
    }
    return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    client.destroy();
    await dynamo.close();
  }
}

const env = () => ({ WEBHOOK_URL: receiver.url, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_SECRET: SECRET });

it('gives an existing data folder the new table, and delivers a pending report after a restart', async () => {
  const before = await makeOldDataFolder();
  expect(before).not.toContain('VoiceAssistant_WebhookDeliveries');

  const first = await startLiveServer(env(), { dataDir });
  servers.push(first);
  const { client } = first.container.dynamo;
  const described = await client.send(
    new DescribeTableCommand({ TableName: first.container.config.tables.webhookDeliveries }),
  );
  expect(described.Table).toMatchObject({
    TableStatus: 'ACTIVE',
    GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'StatusIndex' })],
  });

  // The summary is stored and the delivery job enqueued, then the server stops before attempting.
  const call = sampleCall(CALL, {
    status: 'completed',
    ended_by: 'user',
    summary: 'The caller asked for a call back.',
    outcome: 'follow_up_needed',
  });
  await first.container.callStore.create(call);
  expect(await first.container.webhooks.enqueue(call, undefined)).toMatchObject({ status: 'pending' });
  await first.close();
  servers.pop();
  expect(receiver.received).toHaveLength(0);

  const second = await startLiveServer(env(), { dataDir });
  servers.push(second);
  await vi.waitFor(
    async () =>
      expect(await second.container.callStore.get(CALL).then((c) => c?.webhook_deliveries?.at(-1)?.ok)).toBe(
        true,
      ),
    { timeout: 15_000, interval: 100 },
  );
  expect(receiver.received).toHaveLength(1);
  const [hit] = receiver.received;
  expect(verifyWebhookSignature(SECRET, hit!.headers['x-voice-agent-signature'] as string, hit!.body)).toBe(
    true,
  );
  expect(JSON.parse(hit!.body)).toMatchObject({
    event_id: webhookEventId(CALL),
    call: { call_sid: CALL, summary: 'The caller asked for a call back.' },
  });
});
