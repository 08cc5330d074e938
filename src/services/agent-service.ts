import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  AGENT_STATUSES,
  agentCreateSchema,
  agentPatchSchema,
  agentWritableShape,
  checkAgent,
  type Agent,
} from '../domain/agent.js';
import { AppError, conflict, notFound, type FieldIssue } from '../domain/errors.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { Page } from '../ports/page.js';
import { TtlCache } from './ttl-cache.js';
import { parseOrThrow, validationError } from './validation.js';

/** PUT body: every writable field (defaults applied); the id comes from the URL. */
export const agentReplaceSchema = z.object(agentWritableShape).strict().superRefine(checkAgent);

export const agentListQuerySchema = z
  .object({
    status: z.enum(AGENT_STATUSES).default('active'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(4_096).optional(),
  })
  .strict();
export type AgentListQuery = z.input<typeof agentListQuerySchema>;

export interface AgentServiceOptions {
  /** 0 disables the read cache. */
  cacheTtlMs: number;
  cacheMaxEntries?: number;
  now?: () => Date;
  newId?: () => string;
  /** Refuses a webhook_url that must not be called (SSRF: loopback, private, link-local hosts). */
  checkWebhookUrl?: (url: string) => Promise<void>;
  /** Problems of the agent's tools that its schema cannot see (services/tool-config-check.ts). */
  checkTools?: (fields: Pick<Agent, 'tools' | 'mcp_servers'>) => FieldIssue[];
  /** Told of each agent read from the store (not the cache), before it is returned. */
  onLoaded?: (agent: Agent) => void;
}

export interface ImportResult {
  agent_id?: string;
  source?: string;
  result: 'created' | 'exists' | 'invalid';
  message?: string;
}

const SERVER_FIELDS = ['agent_id', 'created_at', 'updated_at', 'version'] as const;

function writableFields(agent: Agent): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...agent };
  for (const key of SERVER_FIELDS) delete copy[key];
  return copy;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Agents: validation, versioned edits and a read cache. Agents returned by get/getActive are frozen
 * (they may be shared through the cache): copy before changing one.
 */
export class AgentService {
  private readonly cache: TtlCache<Agent>;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(
    private readonly store: AgentStore,
    private readonly options: AgentServiceOptions,
  ) {
    this.cache = new TtlCache<Agent>(options.cacheTtlMs, options.cacheMaxEntries ?? 1_000);
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? (() => `agent-${randomBytes(4).toString('hex')}`);
  }

  async create(input: unknown): Promise<Agent> {
    const { agent_id, ...fields } = parseOrThrow(agentCreateSchema, input);
    this.checkTools(fields);
    if (fields.webhook_url) await this.options.checkWebhookUrl?.(fields.webhook_url);
    const at = this.now().toISOString();
    const agent: Agent = {
      agent_id: agent_id ?? this.newId(),
      ...fields,
      created_at: at,
      updated_at: at,
      version: 1,
    };
    const created = await this.store.create(agent);
    this.cache.delete(created.agent_id);
    return created;
  }

  /** The agent, or undefined; served from the cache when fresh. */
  async find(agentId: string): Promise<Agent | undefined> {
    const cached = this.cache.get(agentId);
    if (cached) return cached;
    const agent = await this.store.get(agentId);
    if (!agent) return undefined;
    deepFreeze(agent);
    this.cache.set(agentId, agent);
    this.options.onLoaded?.(agent);
    return agent;
  }

  async get(agentId: string): Promise<Agent> {
    const agent = await this.find(agentId);
    if (!agent) throw notFound(`agent ${agentId}`);
    return agent;
  }

  /** For the call path: an archived agent does not exist, an inactive one takes no calls. */
  async getActive(agentId: string): Promise<Agent> {
    const agent = await this.get(agentId);
    if (agent.status === 'archived') throw notFound(`agent ${agentId}`);
    if (agent.status !== 'active') {
      throw new AppError('validation', `agent ${agentId} is ${agent.status}`, {
        issues: [{ field: 'agent_id', message: `agent is ${agent.status}` }],
      });
    }
    return agent;
  }

  async list(query: AgentListQuery = {}): Promise<Page<Agent>> {
    const { status, limit, cursor } = parseOrThrow(agentListQuerySchema, query);
    // The store signs its cursors, so a client cannot steer a query with a forged one.
    return this.store.list({ status, limit, ...(cursor ? { cursor } : {}) });
  }

  /** PUT: replaces every writable field. `expectedVersion` (If-Match) guards against lost updates. */
  async replace(agentId: string, input: unknown, expectedVersion?: number): Promise<Agent> {
    const fields = parseOrThrow(agentReplaceSchema, input);
    const current = await this.current(agentId, expectedVersion);
    return this.write(current, fields);
  }

  /** PATCH: merges the given fields, then validates the whole agent (e.g. voice against language). */
  async patch(agentId: string, input: unknown, expectedVersion?: number): Promise<Agent> {
    const changes = parseOrThrow(agentPatchSchema, input);
    const current = await this.current(agentId, expectedVersion);
    const fields = parseOrThrow(agentReplaceSchema, { ...writableFields(current), ...changes });
    return this.write(current, fields);
  }

  async archive(agentId: string, expectedVersion?: number): Promise<Agent> {
    const current = await this.current(agentId, expectedVersion);
    if (current.status === 'archived') return current;
    const fields = writableFields(current) as z.output<typeof agentReplaceSchema>;
    return this.write(current, { ...fields, status: 'archived' });
  }

  /** Creates each agent that does not exist yet; existing ids are left untouched. */
  async importMany(inputs: { source?: string; data: unknown }[]): Promise<ImportResult[]> {
    const results: ImportResult[] = [];
    for (const { source, data } of inputs) {
      const agentId = (data as { agent_id?: unknown } | null)?.agent_id;
      const id = typeof agentId === 'string' ? agentId : undefined;
      try {
        if (id && (await this.store.get(id))) {
          results.push({ source, agent_id: id, result: 'exists' });
          continue;
        }
        const created = await this.create(data);
        results.push({ source, agent_id: created.agent_id, result: 'created' });
      } catch (error) {
        if (!(error instanceof AppError) || !['validation', 'conflict'].includes(error.code)) throw error;
        const result = error.code === 'conflict' ? 'exists' : 'invalid';
        results.push({ source, agent_id: id, result, message: error.message });
      }
    }
    return results;
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** Reads the stored agent (not the cache) and checks the version the client last saw. */
  private async current(agentId: string, expectedVersion: number | undefined): Promise<Agent> {
    const current = await this.store.get(agentId);
    if (!current) throw notFound(`agent ${agentId}`);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw conflict(
        `agent ${agentId} is at version ${current.version}, not ${expectedVersion}: reload it and retry`,
      );
    }
    return current;
  }

  private checkTools(fields: Pick<Agent, 'tools' | 'mcp_servers'>): void {
    const issues = this.options.checkTools?.(fields) ?? [];
    if (issues.length > 0) throw validationError(issues);
  }

  private async write(current: Agent, fields: z.output<typeof agentReplaceSchema>): Promise<Agent> {
    this.checkTools(fields);
    if (fields.webhook_url && fields.webhook_url !== current.webhook_url) {
      await this.options.checkWebhookUrl?.(fields.webhook_url);
    }
    const next: Agent = {
      ...fields,
      agent_id: current.agent_id,
      created_at: current.created_at,
      updated_at: this.now().toISOString(),
      version: current.version + 1,
    };
    try {
      return await this.store.replace(next, current.version);
    } finally {
      this.cache.delete(current.agent_id);
    }
  }
}
