import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem, putItem, queryItems, updateItem } from './lean-commands.js';
import { startTestDynamo, type TestDynamo } from './test-support.js';
import type { TableNames } from './tables.js';

let dynamo: TestDynamo;
let tables: TableNames;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  tables = await dynamo.freshTables();
});
afterAll(async () => {
  await dynamo.close();
});

// Nested maps, lists, empty strings, numbers, booleans, null and an undefined field (dropped, as the
// document client is configured to do).
const turn = (seq: number) => ({
  call_sid: 'CAlean',
  seq,
  kind: 'speech',
  caller_text: '',
  agent_text: 'Sure: "quotes", émoji 👋',
  extracted: { email: 'a@b.co', dates: ['2026-01-02'], nested: { ok: true, none: null } },
  latency_ms: 12.5,
  model_error: undefined,
});

describe('lean commands', () => {
  it('write and read items as the document client does', async () => {
    {
      const client = dynamo.client;
      const table = tables.turns;
      await putItem(client, { TableName: table, Item: turn(1) });
      await dynamo.doc.send(new PutCommand({ TableName: table, Item: turn(2) }));
      const leanRead = await getItem(client, { TableName: table, Key: { call_sid: 'CAlean', seq: 2 } });
      const { model_error: _dropped, ...expected } = turn(2);
      expect(leanRead).toStrictEqual(expected);
      expect(await getItem(client, { TableName: table, Key: { call_sid: 'CAlean', seq: 1 } })).toStrictEqual(
        leanRead && { ...leanRead, seq: 1 },
      );
      expect(
        await getItem(client, { TableName: table, Key: { call_sid: 'CAlean', seq: 9 } }),
      ).toBeUndefined();
    }
  });

  it('pages a query with its last key and applies expression values', async () => {
    for (let seq = 10; seq < 15; seq += 1)
      await putItem(dynamo.client, { TableName: tables.turns, Item: turn(seq) });
    const query = {
      TableName: tables.turns,
      KeyConditionExpression: '#c = :c AND #s >= :from',
      ExpressionAttributeNames: { '#c': 'call_sid', '#s': 'seq' },
      ExpressionAttributeValues: { ':c': 'CAlean', ':from': 10 },
      Limit: 3,
    };
    const first = await queryItems(dynamo.client, query);
    expect(first.items.map((item) => item.seq)).toStrictEqual([10, 11, 12]);
    expect(first.lastEvaluatedKey).toStrictEqual({ call_sid: 'CAlean', seq: 12 });
    const second = await queryItems(dynamo.client, { ...query, ExclusiveStartKey: first.lastEvaluatedKey });
    expect(second.items.map((item) => item.seq)).toStrictEqual([13, 14]);
    expect(second.lastEvaluatedKey).toBeUndefined();
  });

  it('updates under a condition and returns the new item', async () => {
    const setText = (text: string, ifSeq: number) => ({
      TableName: tables.turns,
      Key: { call_sid: 'CAlean', seq: 10 },
      UpdateExpression: 'SET #t = :t',
      ConditionExpression: '#s = :s',
      ExpressionAttributeNames: { '#t': 'agent_text', '#s': 'seq' },
      ExpressionAttributeValues: { ':t': text, ':s': ifSeq },
    });
    const updated = await updateItem(dynamo.client, { ...setText('changed', 10), ReturnValues: 'ALL_NEW' });
    expect(updated).toMatchObject({ seq: 10, agent_text: 'changed', extracted: turn(10).extracted });
    await expect(updateItem(dynamo.client, setText('again', 11))).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
  });
});
