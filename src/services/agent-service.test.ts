import { describe, expect, it } from 'vitest';
import type { Agent, AgentStatus } from '../domain/agent.js';
import { AppError } from '../domain/errors.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { Page, PageRequest } from '../ports/page.js';
import { AgentService } from './agent-service.js';
import { SEED_AGENTS, seedAgents } from './seed.js';

/** A Map-backed store that counts reads, with the port's conditional-write semantics. */
class CountingStore implements AgentStore {
  readonly items = new Map<string, Agent>();
  gets = 0;
  async get(agentId: string) {
    this.gets += 1;
    const agent = this.items.get(agentId);
    return agent ? structuredClone(agent) : undefined;
  }
  async list(query: { status: AgentStatus } & PageRequest): Promise<Page<Agent>> {
    return { items: [...this.items.values()].filter((a) => a.status === query.status) };
  }
  async create(agent: Agent) {
    if (this.items.has(agent.agent_id)) throw new AppError('conflict', 'exists');
    this.items.set(agent.agent_id, structuredClone(agent));
    return agent;
  }
  async replace(agent: Agent, expectedVersion: number) {
    if (this.items.get(agent.agent_id)?.version !== expectedVersion)
      throw new AppError('conflict', 'changed');
    this.items.set(agent.agent_id, structuredClone(agent));
    return agent;
  }
}

const input = { name: 'A', prompt: 'p', voice: 'Polly.Joanna', language: 'en-US', greeting: 'Hi' };

describe('AgentService', () => {
  it('serves repeated gets from the cache in well under a millisecond, until a write', async () => {
    const store = new CountingStore();
    const service = new AgentService(store, { cacheTtlMs: 60_000 });
    await service.create({ ...input, agent_id: 'a1', prompt: 'x'.repeat(20_000) });
    await service.get('a1');
    const readsBefore = store.gets;
    const started = performance.now();
    for (let i = 0; i < 10_000; i += 1) await service.get('a1');
    const perLookupMs = (performance.now() - started) / 10_000;
    expect(store.gets).toBe(readsBefore);
    expect(perLookupMs).toBeLessThan(0.05);

    await service.patch('a1', { name: 'B' });
    expect((await service.get('a1')).name).toBe('B');
  });

  it('reads the store every time when the TTL is 0, and expires entries', async () => {
    const store = new CountingStore();
    const uncached = new AgentService(store, { cacheTtlMs: 0 });
    await uncached.create({ ...input, agent_id: 'a1' });
    await uncached.get('a1');
    await uncached.get('a1');
    expect(store.gets).toBe(2);

    const shortLived = new AgentService(store, { cacheTtlMs: 20 });
    await shortLived.get('a1');
    await shortLived.get('a1');
    expect(store.gets).toBe(3);
    await new Promise((done) => setTimeout(done, 30));
    await shortLived.get('a1');
    expect(store.gets).toBe(4);
  });

  it('tells onLoaded of each agent read from the store, not of one served from the cache', async () => {
    const store = new CountingStore();
    const loaded: string[] = [];
    const service = new AgentService(store, {
      cacheTtlMs: 60_000,
      onLoaded: (agent) => loaded.push(`${agent.agent_id}@${agent.version}`),
    });
    await service.create({ ...input, agent_id: 'a1' });
    expect(loaded).toEqual([]);
    await service.get('a1');
    await service.getActive('a1');
    expect(await service.find('missing')).toBeUndefined();
    expect(loaded).toEqual(['a1@1']);
    await service.patch('a1', { name: 'B' });
    await service.get('a1');
    expect(loaded.at(-1)).toBe('a1@2');
  });

  it('bounds the cache', async () => {
    const store = new CountingStore();
    const service = new AgentService(store, { cacheTtlMs: 60_000, cacheMaxEntries: 2 });
    for (const id of ['a', 'b', 'c']) await service.create({ ...input, agent_id: id });
    for (const id of ['a', 'b', 'c']) await service.get(id);
    const reads = store.gets;
    await service.get('c');
    expect(store.gets).toBe(reads);
    await service.get('a'); // evicted as the oldest
    expect(store.gets).toBe(reads + 1);
  });

  it('returns frozen agents so a shared cached copy cannot be changed by accident', async () => {
    const service = new AgentService(new CountingStore(), { cacheTtlMs: 60_000 });
    await service.create({ ...input, agent_id: 'a1' });
    const agent = await service.get('a1');
    expect(() => {
      (agent as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(Object.isFrozen(agent.data_to_fill)).toBe(true);
  });

  it('getActive: archived is not found, inactive is refused', async () => {
    const service = new AgentService(new CountingStore(), { cacheTtlMs: 60_000 });
    await service.create({ ...input, agent_id: 'live' });
    await service.create({ ...input, agent_id: 'paused', status: 'inactive' });
    await service.create({ ...input, agent_id: 'gone' });
    await service.archive('gone');
    expect((await service.getActive('live')).agent_id).toBe('live');
    await expect(service.getActive('paused')).rejects.toMatchObject({ code: 'validation' });
    await expect(service.getActive('gone')).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.getActive('missing')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('checks the expected version and bumps it on every write', async () => {
    const service = new AgentService(new CountingStore(), { cacheTtlMs: 60_000 });
    await service.create({ ...input, agent_id: 'v' });
    expect((await service.replace('v', { ...input, name: 'two' }, 1)).version).toBe(2);
    await expect(service.patch('v', { name: 'stale' }, 1)).rejects.toMatchObject({ code: 'conflict' });
    const archived = await service.archive('v', 2);
    expect(archived).toMatchObject({ status: 'archived', version: 3, name: 'two' });
  });

  it('importMany creates new agents, skips existing ones and reports invalid ones', async () => {
    const service = new AgentService(new CountingStore(), { cacheTtlMs: 60_000 });
    await service.create({ ...input, agent_id: 'exists' });
    const results = await service.importMany([
      { source: 'new.json', data: { ...input, agent_id: 'new' } },
      { source: 'exists.json', data: { ...input, agent_id: 'exists', name: 'other' } },
      { source: 'bad.json', data: { ...input, agent_id: 'bad', greeting: '' } },
    ]);
    expect(results.map((r) => [r.source, r.result])).toEqual([
      ['new.json', 'created'],
      ['exists.json', 'exists'],
      ['bad.json', 'invalid'],
    ]);
    expect(results[2]?.message).toContain('greeting');
    expect((await service.get('exists')).name).toBe('A');
  });

  it('seeds the four example agents once and never overwrites edits', async () => {
    const service = new AgentService(new CountingStore(), { cacheTtlMs: 60_000 });
    expect((await seedAgents(service)).sort()).toEqual(SEED_AGENTS.map((a) => a.agent_id).sort());
    await service.patch('sales-001', { name: 'Edited' });
    expect(await seedAgents(service)).toEqual([]);
    expect((await service.get('sales-001')).name).toBe('Edited');
    const support = await service.get('customer-support-001');
    expect(support.data_to_fill.map((f) => [f.name, f.type, f.required])).toEqual([
      ['name', 'name', true],
      ['email', 'email', true],
    ]);
    expect(support.prompt).toMatch(/charger/);
    expect((await service.get('hindi-support-001')).voice).toMatch(/^Polly\.(Aditi|Kajal)/);
  });
});
