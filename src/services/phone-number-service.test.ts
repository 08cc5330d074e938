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
