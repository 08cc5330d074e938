import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import type { Agent } from '../domain/agent.js';
import { AppError, invalid, notFound } from '../domain/errors.js';
import type { PhoneNumberAssignment } from '../domain/phone-number.js';
import type { PhoneNumberStore } from '../ports/phone-number-store.js';
import type { AgentService } from './agent-service.js';
import { TtlCache } from './ttl-cache.js';
import { parseOrThrow } from './validation.js';

export const DEFAULT_AGENT_ID = 'default';

export const phoneAssignSchema = z
  .object({
    agent_id: z.string().min(1).max(64),
    label: z.string().min(1).max(100).optional(),
  })
  .strict();
export type PhoneAssign = z.input<typeof phoneAssignSchema>;

/**
 * The number in E.164, or AppError 'validation'. A parse can succeed on a number that cannot exist
 * (+91 with 9 digits), so isValid() is always checked.
 */
export function normalizeE164(input: string, field = 'phone_number'): string {
  const trimmed = input.trim();
  if (!trimmed.startsWith('+')) throw invalid(field, 'an E.164 number starting with +, e.g. +14155550100');
  const parsed = parsePhoneNumberFromString(trimmed);
  if (!parsed || !parsed.isValid()) throw invalid(field, 'not a valid phone number');
  return parsed.number;
}

export interface NumberLookup {
  assignment: PhoneNumberAssignment;
  agent?: Agent;
}

export interface PhoneNumberServiceOptions {
  now?: () => Date;
  /**
   * How long the number -> agent routing read by every inbound call is kept in memory (0: never), as
   * agents are (AGENT_CACHE_TTL_SECONDS): a number moved on another instance routes there within it.
   */
  cacheTtlMs?: number;
}

export class PhoneNumberService {
  private readonly now: () => Date;
  /** Assignments read for routing; a number without one is not kept (it may be assigned any time). */
  private readonly routing: TtlCache<PhoneNumberAssignment>;

  constructor(
    private readonly store: PhoneNumberStore,
    private readonly agents: AgentService,
    options: PhoneNumberServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.routing = new TtlCache(options.cacheTtlMs ?? 0, 1_000, () => this.now().getTime());
  }

  /** Assigns (or re-assigns) a number to an existing agent. */
  async assign(phoneNumber: string, input: unknown): Promise<PhoneNumberAssignment> {
    const number = normalizeE164(phoneNumber);
    const { agent_id, label } = parseOrThrow(phoneAssignSchema, input);
    const agent = await this.agents.find(agent_id);
    if (!agent || agent.status === 'archived') throw notFound(`agent ${agent_id}`);
    const assignment: PhoneNumberAssignment = {
      phone_number: number,
      assigned_agent_id: agent_id,
      assigned_at: this.now().toISOString(),
      ...(label ? { label } : {}),
    };
    await this.store.put(assignment);
    this.routing.delete(number);
    return assignment;
  }

  async unassign(phoneNumber: string): Promise<void> {
    const number = normalizeE164(phoneNumber);
    this.routing.delete(number);
    if (!(await this.store.remove(number))) throw notFound(`phone number ${number}`);
  }

  async list(agentId?: string): Promise<PhoneNumberAssignment[]> {
    return agentId ? this.store.listByAgent(agentId) : this.store.listAll();
  }

  /** Whether `e164` (already normalized) is assigned to an agent: one of our numbers. */
  async isAssigned(e164: string): Promise<boolean> {
    return (await this.store.get(e164)) !== undefined;
  }

  async lookup(phoneNumber: string): Promise<NumberLookup> {
    const number = normalizeE164(phoneNumber);
    const assignment = await this.store.get(number);
    if (!assignment) throw notFound(`phone number ${number}`);
    return { assignment, agent: await this.agents.find(assignment.assigned_agent_id) };
  }

  /**
   * The agent that answers a call to `to`: the assigned agent when it is active, otherwise the
   * `default` agent, so every call to one of our numbers is answered.
   */
  async resolveAgentForNumber(to: string): Promise<Agent> {
    let number: string | undefined;
    try {
      number = normalizeE164(to, 'To');
    } catch {
      number = undefined;
    }
    const assignment = number ? await this.routingOf(number) : undefined;
    if (assignment) {
      const agent = await this.agents.find(assignment.assigned_agent_id);
      if (agent?.status === 'active') return agent;
    }
    try {
      return await this.agents.getActive(DEFAULT_AGENT_ID);
    } catch (error) {
      if (error instanceof AppError) throw notFound('an agent for this number (and no active default agent)');
      throw error;
    }
  }

  private async routingOf(number: string): Promise<PhoneNumberAssignment | undefined> {
    const kept = this.routing.get(number);
    if (kept) return kept;
    const assignment = await this.store.get(number);
    if (assignment) this.routing.set(number, assignment);
    return assignment;
  }
}
