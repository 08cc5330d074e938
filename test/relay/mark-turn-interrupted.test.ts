// CallStore.markTurnInterrupted and setTurnToolCalls on real dynalite: they rewrite a stored turn and never create one.
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
])('a stored turn rewritten through %s', (_, wire) => {
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

  describe('setTurnToolCalls', () => {
    const record = {
      name: 'lookup_order',
      source: 'http' as const,
      arguments: { order_id: '4413' },
      status: 'ok' as const,
      http_status: 200,
      latency_ms: 1_210,
      response_bytes: 42,
    };

    it('gives a stored turn the tool calls that answered after it was stored', async () => {
      const at = new Date().toISOString();
      await store.putTurn({
        call_sid: 'CA2',
        seq: 1,
        kind: 'speech',
        caller_text: 'Where is order 4413?',
        agent_text: '',
        interrupted: true,
        received_at: at,
        replied_at: at,
        latency_ms: 250,
      });
      await store.setTurnToolCalls('CA2', 1, [record]);
      expect(await store.getTurn('CA2', 1)).toMatchObject({
        agent_text: '',
        interrupted: true,
        tool_calls: [record],
      });
    });

    it('does nothing for a turn that is not stored', async () => {
      await store.setTurnToolCalls('CA2', 2, [record]);
      expect(await store.getTurn('CA2', 2)).toBeUndefined();
    });
  });
});
