// Shared behaviour of every AgentStore; an implementation's test calls describeAgentStoreContract.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/domain/agent.js';
import { AppError } from '../../src/domain/errors.js';
import type { AgentStore } from '../../src/ports/agent-store.js';

export function sampleAgent(agentId: string, overrides: Partial<Agent> = {}): Agent {
  return {
    agent_id: agentId,
    name: 'Clinic reminder',
    prompt: 'You confirm appointments.',
    few_shot: [{ user: 'Who is this?', assistant: 'The clinic, about your visit.' }],
    voice: 'Polly.Joanna',
    language: 'en-US',
    greeting: 'Hello, this is the clinic.',
    data_to_fill: [
      { name: 'confirmed', type: 'boolean', required: true, description: '' },
      { name: 'slot', type: 'enum', required: false, description: 'new slot', options: ['am', 'pm'] },
    ],
    status: 'active',
    confidence_threshold: 0.7,
    max_call_seconds: 900,
    silence_reprompts: 2,
    end_call_phrases: [],
    transfer_targets: [],
    llm: { provider: 'scripted' },
    memory: 'verified',
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

async function expectAppError(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

/** `makeStore` returns an empty store for each test. */
export function describeAgentStoreContract(name: string, makeStore: () => Promise<AgentStore>): void {
  describe(`AgentStore contract: ${name}`, () => {
    it('creates and reads back exactly what was written', async () => {
      const store = await makeStore();
      const agent = sampleAgent('a1');
      await store.create(agent);
      expect(await store.get('a1')).toEqual(agent);
      expect(await store.get('missing')).toBeUndefined();
    });

    it('refuses to create an existing id', async () => {
      const store = await makeStore();
      await store.create(sampleAgent('a1'));
      await expectAppError(store.create(sampleAgent('a1', { name: 'other' })), 'conflict');
      expect((await store.get('a1'))?.name).toBe('Clinic reminder');
    });

    it('replaces when the version matches and refuses a stale version', async () => {
      const store = await makeStore();
      await store.create(sampleAgent('a1'));
      const v2 = sampleAgent('a1', { name: 'Renamed', version: 2, updated_at: '2025-01-02T00:00:00.000Z' });
      await store.replace(v2, 1);
      expect(await store.get('a1')).toEqual(v2);

      const stale = sampleAgent('a1', { name: 'Lost update', version: 2 });
      const error = await expectAppError(store.replace(stale, 1), 'conflict');
      expect(error.message).toMatch(/changed by someone else/);
      expect((await store.get('a1'))?.name).toBe('Renamed');
    });

    it('refuses to replace an agent that does not exist', async () => {
      const store = await makeStore();
      await expectAppError(store.replace(sampleAgent('ghost', { version: 2 }), 1), 'conflict');
      expect(await store.get('ghost')).toBeUndefined();
    });

    it('lists by status newest first, page by page', async () => {
      const store = await makeStore();
      for (let i = 0; i < 5; i++) {
        await store.create(sampleAgent(`a${i}`, { created_at: `2025-01-0${i + 1}T00:00:00.000Z` }));
      }
      await store.create(sampleAgent('off', { status: 'inactive', created_at: '2025-02-01T00:00:00.000Z' }));

      const first = await store.list({ status: 'active', limit: 2 });
      expect(first.items.map((a) => a.agent_id)).toEqual(['a4', 'a3']);
      expect(first.cursor).toBeTypeOf('string');
      const second = await store.list({ status: 'active', limit: 2, cursor: first.cursor });
      expect(second.items.map((a) => a.agent_id)).toEqual(['a2', 'a1']);
      const third = await store.list({ status: 'active', limit: 2, cursor: second.cursor });
      expect(third.items.map((a) => a.agent_id)).toEqual(['a0']);
      const rest = third.cursor
        ? await store.list({ status: 'active', limit: 2, cursor: third.cursor })
        : undefined;
      expect(rest?.items ?? []).toEqual([]);
      expect(rest?.cursor).toBeUndefined();

      expect((await store.list({ status: 'inactive' })).items.map((a) => a.agent_id)).toEqual(['off']);
      expect((await store.list({ status: 'archived' })).items).toEqual([]);
    });

    it('refuses a forged or garbled cursor', async () => {
      const store = await makeStore();
      for (let i = 0; i < 3; i++) await store.create(sampleAgent(`a${i}`));
      const { cursor } = await store.list({ status: 'active', limit: 1 });
      expect(cursor).toBeTypeOf('string');
      const forged = Buffer.from(JSON.stringify({ k: { agent_id: 'a0' } })).toString('base64url');
      for (const bad of [`${forged}.${cursor!.split('.')[1]}`, 'garbage', `${cursor}x`]) {
        const error = await expectAppError(store.list({ status: 'active', cursor: bad }), 'validation');
        expect(error.issues).toEqual([{ field: 'cursor', message: 'invalid cursor' }]);
      }
      // A cursor of one query is refused by another.
      await expectAppError(store.list({ status: 'inactive', cursor: cursor! }), 'validation');
    });
  });
}
