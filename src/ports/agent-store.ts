import type { Agent, AgentStatus } from '../domain/agent.js';
import type { Page, PageRequest } from './page.js';

export interface AgentStore {
  get(agentId: string): Promise<Agent | undefined>;
  /** Newest first, by status (StatusIndex). */
  list(query: { status: AgentStatus } & PageRequest): Promise<Page<Agent>>;
  /** Fails with AppError 'conflict' when the id exists. */
  create(agent: Agent): Promise<Agent>;
  /** Replaces the agent when its stored version equals `expectedVersion`; else AppError 'conflict'. */
  replace(agent: Agent, expectedVersion: number): Promise<Agent>;
}
