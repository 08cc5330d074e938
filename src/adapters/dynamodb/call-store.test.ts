import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCallStoreContract } from '../../../test/contracts/call-store.contract.js';
import { DynamoCallStore } from './call-store.js';
import { wireItemRequests } from './lean-commands.js';
import { startTestDynamo, type TestDynamo } from './test-support.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

async function makeStore(wire: boolean): Promise<DynamoCallStore> {
  const tables = await dynamo.freshTables();
  return new DynamoCallStore({
    doc: dynamo.doc,
    callsTable: tables.calls,
    turnsTable: tables.turns,
    cursorSecret: 'test-secret',
    ...(wire ? { items: wireItemRequests(dynamo.wire) } : {}),
  });
}

describeCallStoreContract('DynamoCallStore on dynalite', () => makeStore(false));
describeCallStoreContract('DynamoCallStore on dynalite, turn requests on the wire client', () =>
  makeStore(true),
);

describe('a call item stored before agent_phone was named so', () => {
  it('reads its caller_phone as agent_phone, on both request paths', async () => {
    for (const wire of [false, true]) {
      const tables = await dynamo.freshTables();
      const store = new DynamoCallStore({
        doc: dynamo.doc,
        callsTable: tables.calls,
        turnsTable: tables.turns,
        cursorSecret: 'test-secret',
        ...(wire ? { items: wireItemRequests(dynamo.wire) } : {}),
      });
      const legacy = {
        call_sid: 'CA00000000000000000000000000000001',
        agent_id: 'customer-support-001',
        direction: 'outbound',
        transport: 'gather',
        recipient_phone: '+14155550123',
        caller_phone: '+14155550100',
        agent_recipient_key: '+14155550123#2026-11-01T10:00:00.000Z',
        status: 'completed',
        status_sequence: 4_000,
        started_at: '2026-11-01T10:00:00.000Z',
        data_collected: {},
        turn_count: 0,
        version: 1,
        started_month: '2026-11',
      };
      await dynamo.doc.send(new PutCommand({ TableName: tables.calls, Item: legacy }));
      const call = await store.get(legacy.call_sid);
      expect(call?.agent_phone).toBe('+14155550100');
      expect(call).not.toHaveProperty('caller_phone');
      const listed = await store.list({ limit: 10, started_from: '2026-11-01T00:00:00.000Z' });
      expect(listed.items[0]?.agent_phone).toBe('+14155550100');
    }
  });
});
