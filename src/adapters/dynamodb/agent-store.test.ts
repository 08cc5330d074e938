import { afterAll, beforeAll } from 'vitest';
import { describeAgentStoreContract } from '../../../test/contracts/agent-store.contract.js';
import { DynamoAgentStore } from './agent-store.js';
import { startTestDynamo, type TestDynamo } from './test-support.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

describeAgentStoreContract('DynamoAgentStore on dynalite', async () => {
  const tables = await dynamo.freshTables();
  return new DynamoAgentStore({ doc: dynamo.doc, table: tables.agents, cursorSecret: 'test-secret' });
});
