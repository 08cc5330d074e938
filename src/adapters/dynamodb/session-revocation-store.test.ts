import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIdempotencyStore } from './idempotency-store.js';
import { DynamoSessionRevocations } from './session-revocation-store.js';
import { startTestDynamo, type TestDynamo } from './test-support.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

describe('DynamoSessionRevocations on dynalite', () => {
  it('refuses a revoked session until it would have expired, and only that one', async () => {
    const { idempotency: table } = await dynamo.freshTables();
    let now = Date.parse('2030-01-01T00:00:00Z');
    const revocations = new DynamoSessionRevocations({ doc: dynamo.doc, table, now: () => now });
    // Another instance, on the same table.
    const elsewhere = new DynamoSessionRevocations({ doc: dynamo.doc, table, now: () => now });
    await revocations.revoke('session-a', now + 60_000);
    expect(await elsewhere.isRevoked('session-a')).toBe(true);
    expect(await elsewhere.isRevoked('session-b')).toBe(false);
    // dynalite never deletes by TTL: the expired item is still there and must be ignored.
    now += 60_000;
    expect(await elsewhere.isRevoked('session-a')).toBe(false);
  });

  it('shares the idempotency table without touching its keys', async () => {
    const { idempotency: table } = await dynamo.freshTables();
    const idempotency = new DynamoIdempotencyStore({ doc: dynamo.doc, table });
    const revocations = new DynamoSessionRevocations({ doc: dynamo.doc, table });
    expect(await idempotency.claim('calls:same-id', 'f', 60)).toEqual({ state: 'claimed' });
    await revocations.revoke('same-id', Date.now() + 60_000);
    expect(await idempotency.claim('calls:same-id', 'f', 60)).toEqual({
      state: 'in-progress',
      fingerprint: 'f',
    });
    expect(await revocations.isRevoked('same-id')).toBe(true);
  });
});
