import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type ScalarAttributeType,
} from '@aws-sdk/client-dynamodb';
import type { Config } from '../../config.js';

export type TableNames = Config['tables'];

/** The attribute holding an item's expiry in epoch SECONDS (DynamoDB TTL ignores milliseconds). */
export const TTL_ATTRIBUTE = 'ttl';
/** Calls attribute "YYYY-MM" (from started_at): MonthIndex partition, so all calls list without a scan. */
export const STARTED_MONTH_ATTRIBUTE = 'started_month';

export const INDEXES = {
  agentsByStatus: 'StatusIndex',
  callsByAgentRecipient: 'AgentRecipientIndex',
  callsByRecipient: 'RecipientIndex',
  callsByStatus: 'StatusIndex',
  callsByAgentStarted: 'AgentStartedIndex',
  callsByMonth: 'MonthIndex',
  numbersByAgent: 'AgentIndex',
  recordingsByStatus: 'StatusIndex',
  webhookDeliveriesByStatus: 'StatusIndex',
  campaignsByState: 'StateIndex',
  contactsByStatus: 'StatusIndex',
  contactsByCampaign: 'CampaignIndex',
} as const;

type Key = [name: string, type: ScalarAttributeType];

function gsi(name: string, hash: Key, range?: Key): { index: GlobalSecondaryIndex; keys: Key[] } {
  return {
    index: {
      IndexName: name,
      KeySchema: [
        { AttributeName: hash[0], KeyType: 'HASH' },
        ...(range ? [{ AttributeName: range[0], KeyType: 'RANGE' as const }] : []),
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    keys: range ? [hash, range] : [hash],
  };
}

function table(
  name: string,
  hash: Key,
  range: Key | undefined,
  indexes: ReturnType<typeof gsi>[] = [],
): CreateTableCommandInput {
  const attributes = new Map<string, ScalarAttributeType>();
  for (const [attr, type] of [hash, ...(range ? [range] : []), ...indexes.flatMap((i) => i.keys)])
    attributes.set(attr, type);
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: hash[0], KeyType: 'HASH' },
      ...(range ? [{ AttributeName: range[0], KeyType: 'RANGE' as const }] : []),
    ],
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes.map((i) => i.index) } : {}),
  };
}

/**
 * CreateTable inputs for every table. See docs/decisions/0001-tables.md, and
 * 0022-campaign-scheduler.md for the campaign tables.
 */
export function tableDefinitions(tables: TableNames): CreateTableCommandInput[] {
  return [
    table(tables.agents, ['agent_id', 'S'], undefined, [
      gsi(INDEXES.agentsByStatus, ['status', 'S'], ['created_at', 'S']),
    ]),
    table(tables.calls, ['call_sid', 'S'], undefined, [
      gsi(INDEXES.callsByAgentRecipient, ['agent_id', 'S'], ['agent_recipient_key', 'S']),
      gsi(INDEXES.callsByRecipient, ['recipient_phone', 'S'], ['started_at', 'S']),
      gsi(INDEXES.callsByStatus, ['status', 'S'], ['started_at', 'S']),
      gsi(INDEXES.callsByAgentStarted, ['agent_id', 'S'], ['started_at', 'S']),
      gsi(INDEXES.callsByMonth, [STARTED_MONTH_ATTRIBUTE, 'S'], ['started_at', 'S']),
    ]),
    table(tables.phoneNumbers, ['phone_number', 'S'], undefined, [
      gsi(INDEXES.numbersByAgent, ['assigned_agent_id', 'S']),
    ]),
    // One item per turn: a 1,000-turn call in one item would pass the 400 KB item limit.
    table(tables.turns, ['call_sid', 'S'], ['seq', 'N']),
    table(tables.recordings, ['recording_sid', 'S'], undefined, [
      gsi(INDEXES.recordingsByStatus, ['status', 'S'], ['next_attempt_at', 'S']),
    ]),
    table(tables.idempotency, ['idempotency_key', 'S'], undefined),
    table(tables.webhookDeliveries, ['event_id', 'S'], undefined, [
      gsi(INDEXES.webhookDeliveriesByStatus, ['status', 'S'], ['next_attempt_at', 'S']),
    ]),
    // Campaigns, and each campaign's pacer item (`<id>#pacer`, not in the index: it has no state).
    table(tables.campaigns, ['campaign_id', 'S'], undefined, [
      gsi(INDEXES.campaignsByState, ['state', 'S'], ['created_at', 'S']),
    ]),
    // One item per contact, keyed `<campaign_id>#<number>`; status is `<campaign_id>#<state>`, so
    // each campaign's due contacts are one query of its own partition.
    table(tables.campaignContacts, ['contact_key', 'S'], undefined, [
      gsi(INDEXES.contactsByStatus, ['status', 'S'], ['next_attempt_at', 'S']),
      gsi(INDEXES.contactsByCampaign, ['campaign_id', 'S'], ['row', 'N']),
    ]),
    table(tables.campaignAttempts, ['contact_key', 'S'], ['attempt', 'N']),
    table(tables.doNotCall, ['phone_number', 'S'], undefined),
  ];
}

const TABLE_WAIT_SECONDS = 60;

async function exists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function enableTtl(client: DynamoDBClient, name: string): Promise<void> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch {
    // dynalite has no UpdateTimeToLive; on AWS a failure here leaves expired rows readable, and
    // readers filter on `ttl > now` anyway (reliability.md 2.4).
  }
}

/**
 * Creates the missing tables and waits until they are ACTIVE (dynalite answers CREATING too).
 * Idempotent; returns the names of the tables it created.
 */
export async function createTables(client: DynamoDBClient, tables: TableNames): Promise<string[]> {
  const created: string[] = [];
  const definitions = tableDefinitions(tables);
  for (const definition of definitions) {
    const name = definition.TableName!;
    if (await exists(client, name)) continue;
    try {
      await client.send(new CreateTableCommand(definition));
      created.push(name);
    } catch (error) {
      // Another process created it between our describe and create.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    }
  }
  // The SDK waiter's default first delay is 20 s; tables here become ACTIVE in well under a second
  // locally and in seconds on AWS, so poll every 1-2 s, all tables at once.
  await Promise.all(
    definitions.map((definition) =>
      waitUntilTableExists(
        { client, maxWaitTime: TABLE_WAIT_SECONDS, minDelay: 1, maxDelay: 2 },
        { TableName: definition.TableName! },
      ),
    ),
  );
  if (created.includes(tables.idempotency)) await enableTtl(client, tables.idempotency);
  return created;
}
