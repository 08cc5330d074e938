import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from './test-support.js';
import { countByStatus } from './status-count.js';
import { INDEXES, type TableNames } from './tables.js';
import { DynamoWebhookJobStore } from './webhook-job-store.js';

describe('countByStatus', () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    tables = await dynamo.freshTables();
    const jobs = new DynamoWebhookJobStore({ doc: dynamo.doc, table: tables.webhookDeliveries });
    for (let i = 0; i < 5; i += 1) {
      await jobs.enqueue(
        { event_id: `CA${i}:call.completed`, call_sid: `CA${i}`, url: 'https://hooks.example/x' },
        `2025-03-10T10:00:0${i}.000Z`,
      );
    }
  });
  afterAll(() => dynamo.close());

  const count = (max: number) =>
    countByStatus(dynamo.doc, {
      table: tables.webhookDeliveries,
      index: INDEXES.webhookDeliveriesByStatus,
      statuses: ['pending', 'sending'],
      max,
    });

  it('counts each status on the status index, and stops at max', async () => {
    expect(await count(100)).toEqual({ pending: 5, sending: 0 });
    expect(await count(3)).toEqual({ pending: 3, sending: 0 });
  });
});
