import { afterAll, beforeAll } from 'vitest';
import { describeCallStoreContract } from '../../../test/contracts/call-store.contract.js';
import { DynamoCallStore } from './call-store.js';
import { startTestDynamo, type TestDynamo } from './test-support.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

async function makeStore(client?: TestDynamo['lean']): Promise<DynamoCallStore> {
  const tables = await dynamo.freshTables();
  return new DynamoCallStore({
    doc: dynamo.doc,
    ...(client ? { client } : {}),
    callsTable: tables.calls,
    turnsTable: tables.turns,
    cursorSecret: 'test-secret',
  });
}

describeCallStoreContract('DynamoCallStore on dynalite', () => makeStore());
// The container's wiring: the turn path's requests through the client that caches its middleware.
describeCallStoreContract('DynamoCallStore on dynalite, turn path through the lean client', () =>
  makeStore(dynamo.lean),
);
