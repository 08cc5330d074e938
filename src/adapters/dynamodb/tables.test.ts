import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTables, tableDefinitions } from './tables.js';
import { startTestDynamo, tableNames, type TestDynamo } from './test-support.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

describe('tableDefinitions', () => {
  it('defines on-demand tables whose indexes all project every attribute', () => {
    const definitions = tableDefinitions(tableNames('X_'));
    expect(definitions.map((d) => d.TableName)).toEqual([
      'X_Agents',
      'X_Calls',
      'X_PhoneNumbers',
      'X_Turns',
      'X_Recordings',
      'X_Idempotency',
      'X_WebhookDeliveries',
      'X_Campaigns',
      'X_CampaignContacts',
      'X_CampaignAttempts',
      'X_DoNotCall',
    ]);
    for (const definition of definitions) {
      expect(definition.BillingMode).toBe('PAY_PER_REQUEST');
      for (const index of definition.GlobalSecondaryIndexes ?? [])
        expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
    }
    const calls = definitions[1]!;
    expect(calls.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual([
      'AgentRecipientIndex',
      'RecipientIndex',
      'StatusIndex',
      'AgentStartedIndex',
      'MonthIndex',
    ]);
    expect(definitions[3]!.KeySchema).toEqual([
      { AttributeName: 'call_sid', KeyType: 'HASH' },
      { AttributeName: 'seq', KeyType: 'RANGE' },
    ]);
    expect(definitions[3]!.AttributeDefinitions).toContainEqual({ AttributeName: 'seq', AttributeType: 'N' });
  });
});

describe('createTables', () => {
  it('creates the missing tables once, then does nothing', async () => {
    const tables = tableNames('Idem_');
    const created = await createTables(dynamo.client, tables);
    expect(created.sort()).toEqual(Object.values(tables).sort());
    expect(await createTables(dynamo.client, tables)).toEqual([]);

    const listed = await dynamo.client.send(new ListTablesCommand({}));
    expect(listed.TableNames).toEqual(expect.arrayContaining(Object.values(tables)));
    const calls = await dynamo.client.send(new DescribeTableCommand({ TableName: tables.calls }));
    expect(calls.Table?.TableStatus).toBe('ACTIVE');
    expect(calls.Table?.GlobalSecondaryIndexes).toHaveLength(5);
  });
});
