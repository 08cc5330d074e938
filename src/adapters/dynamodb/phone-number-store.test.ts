import { afterAll, beforeAll } from 'vitest';
import { describePhoneNumberStoreContract } from '../../../test/contracts/phone-number-store.contract.js';
import { wireItemRequests } from './lean-commands.js';
import { DynamoPhoneNumberStore } from './phone-number-store.js';
import { startTestDynamo, type TestDynamo } from './test-support.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

describePhoneNumberStoreContract('DynamoPhoneNumberStore on dynalite', async () => {
  const tables = await dynamo.freshTables();
  return new DynamoPhoneNumberStore({ doc: dynamo.doc, table: tables.phoneNumbers });
});

describePhoneNumberStoreContract('DynamoPhoneNumberStore on dynalite, get on the wire client', async () => {
  const tables = await dynamo.freshTables();
  return new DynamoPhoneNumberStore({
    doc: dynamo.doc,
    table: tables.phoneNumbers,
    items: wireItemRequests(dynamo.wire),
  });
});
