// A fresh embedded store is ready to use: its tables exist and, when it holds no agent, the seeded
// agents are added (a store that already has agents is left as it is).
import { createTables, type DynamoClients } from '../adapters/dynamodb/index.js';
import type { Config } from '../config.js';
import { AGENT_STATUSES } from '../domain/agent.js';
import type { Logger } from '../logger.js';
import type { AgentService } from '../services/agent-service.js';
import { seedAgents } from '../services/seed.js';

/** Returns the ids of the agents it seeded. */
export async function prepareEmbedded(
  config: Config,
  dynamo: DynamoClients,
  agents: AgentService,
  logger: Logger,
): Promise<string[]> {
  const created = await createTables(dynamo.client, config.tables);
  if (!created.includes(config.tables.agents) && !(await hasNoAgents(agents))) return [];
  const seeded = await seedAgents(agents);
  if (seeded.length > 0) logger.info({ agents: seeded }, 'seeded agents');
  return seeded;
}

async function hasNoAgents(agents: AgentService): Promise<boolean> {
  for (const status of AGENT_STATUSES) {
    if ((await agents.list({ status, limit: 1 })).items.length > 0) return false;
  }
  return true;
}
