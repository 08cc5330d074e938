// CallStore.markTurnInterrupted on real dynalite: it rewrites a stored turn and never creates one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCallStore } from '../../src/adapters/dynamodb/call-store.js';
import { wireItemRequests } from '../../src/adapters/dynamodb/lean-commands.js';
import { startTestDynamo, type TestDynamo } from '../../src/adapters/dynamodb/test-support.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(() => dynamo.close());

describe.each([
  ['the document client', false],
  ['the wire client', true],
])('markTurnInterrupted through %s', (_, wire) => {
  let store: DynamoCallStore;
  beforeAll(async () => {
    const tables = await dynamo.freshTables();
    store = new DynamoCallStore({
      doc: dynamo.doc,
      callsTable: tables.calls,
      turnsTable: tables.turns,
      cursorSecret: 'test-secret',
      ...(wire ? { items: wireItemRequests(dynamo.wire) } : {}),
    });
  });

  it('keeps only what the caller heard and marks the turn', async () => {
    const at = new Date().toISOString();
    await store.putTurn({
      call_sid: 'CA1',
      seq: 3,
      kind: 'speech',
      caller_text: 'hello',
      agent_text: 'A long answer the caller cut short.',
      received_at: at,
      replied_at: at,
      latency_ms: 5,
    });
    await store.markTurnInterrupted('CA1', 3, 'A long answer');
    expect(await store.getTurn('CA1', 3)).toMatchObject({
      caller_text: 'hello',
      agent_text: 'A long answer',
      interrupted: true,
      latency_ms: 5,
    });
  });

  it('does nothing for a turn that is not stored', async () => {
    await store.markTurnInterrupted('CA1', 4, 'heard');
    expect(await store.getTurn('CA1', 4)).toBeUndefined();
  });
});
