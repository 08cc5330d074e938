// Test helpers: a real in-memory dynalite with freshly created tables.
import { randomUUID } from 'node:crypto';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../embedded/dynalite.js';
import { createDynamoClients, type DynamoClients } from './client.js';
import { createTables, type TableNames } from './tables.js';

export interface TestDynamo extends DynamoClients {
  server: EmbeddedDynamo;
  /** Every table, new and empty, under a fresh prefix. */
  freshTables(): Promise<TableNames>;
  close(): Promise<void>;
}

export function tableNames(prefix: string): TableNames {
  return {
    agents: `${prefix}Agents`,
    calls: `${prefix}Calls`,
    phoneNumbers: `${prefix}PhoneNumbers`,
    turns: `${prefix}Turns`,
    recordings: `${prefix}Recordings`,
    idempotency: `${prefix}Idempotency`,
    webhookDeliveries: `${prefix}WebhookDeliveries`,
    campaigns: `${prefix}Campaigns`,
    campaignContacts: `${prefix}CampaignContacts`,
    campaignAttempts: `${prefix}CampaignAttempts`,
    doNotCall: `${prefix}DoNotCall`,
  };
}

export async function startTestDynamo(): Promise<TestDynamo> {
  const server = await startEmbeddedDynamo();
  const clients = createDynamoClients({ endpoint: server.endpoint });
  return {
    ...clients,
    server,
    async freshTables() {
      const tables = tableNames(`T${randomUUID().slice(0, 8)}_`);
      await createTables(clients.client, tables);
      return tables;
    },
    async close() {
      await clients.destroy();
      await server.close();
    },
  };
}
