import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkItemRequests, wireItemRequests, type ItemRequests } from './lean-commands.js';
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
const turn = (callSid: string, seq: number) => ({
  call_sid: callSid,
  seq,
  kind: 'speech',
  caller_text: '',
  agent_text: 'Sure: "quotes", émoji 👋',
  extracted: { email: 'a@b.co', dates: ['2026-01-02'], nested: { ok: true, none: null } },
  latency_ms: 12.5,
  model_error: undefined,
});

const clients: [string, () => ItemRequests][] = [
  ['the SDK client', () => sdkItemRequests(dynamo.client)],
  ['the wire client', () => wireItemRequests(dynamo.wire)],
];

describe.each(clients)('item requests through %s', (label, make) => {
  const sid = `CA${label.replace(/\W/g, '')}`;

  it('write and read items as the document client does', async () => {
    const items = make();
    const table = tables.turns;
    await items.putItem({ TableName: table, Item: turn(sid, 1) });
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: turn(sid, 2) }));
    const leanRead = await items.getItem({ TableName: table, Key: { call_sid: sid, seq: 2 } });
    const { model_error: _dropped, ...expected } = turn(sid, 2);
    expect(leanRead).toStrictEqual(expected);
    expect(await items.getItem({ TableName: table, Key: { call_sid: sid, seq: 1 } })).toStrictEqual(
      leanRead && { ...leanRead, seq: 1 },
    );
    expect(await items.getItem({ TableName: table, Key: { call_sid: sid, seq: 9 } })).toBeUndefined();
  });

  it('pages a query with its last key and applies expression values', async () => {
    const items = make();
    for (let seq = 10; seq < 15; seq += 1)
      await items.putItem({ TableName: tables.turns, Item: turn(sid, seq) });
    const query = {
      TableName: tables.turns,
      KeyConditionExpression: '#c = :c AND #s >= :from',
      ExpressionAttributeNames: { '#c': 'call_sid', '#s': 'seq' },
      ExpressionAttributeValues: { ':c': sid, ':from': 10 },
      Limit: 3,
    };
    const first = await items.queryItems(query);
    expect(first.items.map((item) => item.seq)).toStrictEqual([10, 11, 12]);
    expect(first.lastEvaluatedKey).toStrictEqual({ call_sid: sid, seq: 12 });
    const second = await items.queryItems({ ...query, ExclusiveStartKey: first.lastEvaluatedKey });
    expect(second.items.map((item) => item.seq)).toStrictEqual([13, 14]);
    expect(second.lastEvaluatedKey).toBeUndefined();
  });

  it('updates under a condition and returns the new item', async () => {
    const items = make();
    const setText = (text: string, ifSeq: number) => ({
      TableName: tables.turns,
      Key: { call_sid: sid, seq: 10 },
      UpdateExpression: 'SET #t = :t',
      ConditionExpression: '#s = :s',
      ExpressionAttributeNames: { '#t': 'agent_text', '#s': 'seq' },
      ExpressionAttributeValues: { ':t': text, ':s': ifSeq },
    });
    const updated = await items.updateItem({ ...setText('changed', 10), ReturnValues: 'ALL_NEW' });
    expect(updated).toMatchObject({ seq: 10, agent_text: 'changed', extracted: turn(sid, 10).extracted });
    await expect(items.updateItem(setText('again', 11))).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    await expect(
      items.putItem({
        TableName: tables.turns,
        Item: turn(sid, 10),
        ConditionExpression: 'attribute_not_exists(#c)',
        ExpressionAttributeNames: { '#c': 'call_sid' },
      }),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  });
});
