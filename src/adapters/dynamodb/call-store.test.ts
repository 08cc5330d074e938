import { afterAll, beforeAll } from 'vitest';
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
