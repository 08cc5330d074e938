export { createDynamoClients, type DynamoClients, type DynamoClientOptions } from './client.js';
export { createTables, tableDefinitions, TTL_ATTRIBUTE, type TableNames } from './tables.js';
export { DynamoAgentStore, type DynamoStoreOptions } from './agent-store.js';
export { DynamoCallStore, type DynamoCallStoreOptions } from './call-store.js';
export { DynamoPhoneNumberStore } from './phone-number-store.js';
export { toStoreError, isConditionalFailure } from './errors.js';
