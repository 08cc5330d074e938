import { describe, expect, it } from 'vitest';
import type { PhoneNumberAssignment } from '../domain/phone-number.js';
import type { PhoneNumberStore } from '../ports/phone-number-store.js';
import type { Agent } from '../domain/agent.js';
import { AgentService } from './agent-service.js';
import { normalizeE164, PhoneNumberService } from './phone-number-service.js';
import { AppError } from '../domain/errors.js';

class MapNumberStore implements PhoneNumberStore {
  readonly items = new Map<string, PhoneNumberAssignment>();
  async get(n: string) {
    return this.items.get(n);
  }
  async put(a: PhoneNumberAssignment) {
    this.items.set(a.phone_number, a);
  }
  async remove(n: string) {
    return this.items.delete(n);
  }
  async listByAgent(id: string) {
    return [...this.items.values()].filter((a) => a.assigned_agent_id === id);
  }
  async listAll() {
    return [...this.items.values()];
  }
}

function agentsWith(...agents: Partial<Agent>[]): AgentService {
  const map = new Map(agents.map((a) => [a.agent_id!, a as Agent]));
  return new AgentService(
    {
      get: async (id) => map.get(id),
      list: async () => ({ items: [] }),
      create: async (a) => a,
      replace: async (a) => a,
    },
    { cacheTtlMs: 0 },
  );
}

describe('normalizeE164', () => {
  it('accepts valid E.164 numbers and refuses invalid ones', () => {
    expect(normalizeE164('+14155550100')).toBe('+14155550100');
    expect(normalizeE164(' +919876543210 ')).toBe('+919876543210');
    for (const bad of ['+9198765', '4155550100', '+1 555 555 5555', 'abc', '']) {
      expect(() => normalizeE164(bad), bad).toThrow(AppError);
    }
  });
});

describe('PhoneNumberService.resolveAgentForNumber', () => {
  const store = new MapNumberStore();
  const agents = agentsWith(
    { agent_id: 'sales', status: 'active' },
    { agent_id: 'paused', status: 'inactive' },
    { agent_id: 'default', status: 'active' },
  );
  const service = new PhoneNumberService(store, agents);
  store.items.set('+14155550100', {
    phone_number: '+14155550100',
    assigned_agent_id: 'sales',
    assigned_at: '',
  });
  store.items.set('+14155550101', {
    phone_number: '+14155550101',
    assigned_agent_id: 'paused',
    assigned_at: '',
  });

  it('returns the assigned active agent, else the default agent', async () => {
    expect((await service.resolveAgentForNumber('+14155550100')).agent_id).toBe('sales');
    expect((await service.resolveAgentForNumber('+14155550101')).agent_id).toBe('default');
    expect((await service.resolveAgentForNumber('+14155550199')).agent_id).toBe('default');
    expect((await service.resolveAgentForNumber('client:browser')).agent_id).toBe('default');
  });

  it('fails with not_found when there is no default agent either', async () => {
    const bare = new PhoneNumberService(new MapNumberStore(), agentsWith());
    await expect(bare.resolveAgentForNumber('+14155550100')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('PhoneNumberService routing cache', () => {
  it("keeps a number's agent for the TTL, and forgets it when the number is moved here", async () => {
    const store = new MapNumberStore();
    let reads = 0;
    const read = store.get.bind(store);
    store.get = async (n: string) => {
      reads += 1;
      return read(n);
    };
    let now = Date.parse('2026-12-07T12:00:00Z');
    const service = new PhoneNumberService(
      store,
      agentsWith(
        { agent_id: 'sales', status: 'active' },
        { agent_id: 'support', status: 'active' },
        { agent_id: 'default', status: 'active' },
      ),
      { cacheTtlMs: 60_000, now: () => new Date(now) },
    );
    await service.assign('+14155550100', { agent_id: 'sales' });
    const agentOf = async () => (await service.resolveAgentForNumber('+14155550100')).agent_id;
    expect(await agentOf()).toBe('sales');
    expect(await agentOf()).toBe('sales');
    expect(reads).toBe(1);
    await service.assign('+14155550100', { agent_id: 'support' });
    expect(await agentOf()).toBe('support');
    expect(reads).toBe(2);
    // Moved by another instance: seen once the TTL has passed.
    store.items.set('+14155550100', {
      phone_number: '+14155550100',
      assigned_agent_id: 'sales',
      assigned_at: '',
    });
    now += 59_000;
    expect(await agentOf()).toBe('support');
    now += 2_000;
    expect(await agentOf()).toBe('sales');
    await service.unassign('+14155550100');
    expect(await agentOf()).toBe('default');
  });

  it('keeps nothing for a number without an agent, and nothing at all with a TTL of 0', async () => {
    const store = new MapNumberStore();
    const agents = agentsWith(
      { agent_id: 'sales', status: 'active' },
      { agent_id: 'default', status: 'active' },
    );
    const cached = new PhoneNumberService(store, agents, { cacheTtlMs: 60_000 });
    expect((await cached.resolveAgentForNumber('+14155550100')).agent_id).toBe('default');
    store.items.set('+14155550100', {
      phone_number: '+14155550100',
      assigned_agent_id: 'sales',
      assigned_at: '',
    });
    expect((await cached.resolveAgentForNumber('+14155550100')).agent_id).toBe('sales');
    const uncached = new PhoneNumberService(store, agents);
    expect((await uncached.resolveAgentForNumber('+14155550100')).agent_id).toBe('sales');
    store.items.delete('+14155550100');
    expect((await uncached.resolveAgentForNumber('+14155550100')).agent_id).toBe('default');
  });
});
