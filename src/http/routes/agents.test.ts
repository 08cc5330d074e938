import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_GREETING_CHARS, MAX_PROMPT_CHARS } from '../../domain/agent.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../testing.js';

const agentBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Test agent',
  prompt: 'Help the caller.',
  voice: 'Polly.Joanna',
  language: 'en-US',
  greeting: 'Hello!',
  ...overrides,
});

describe('agents API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = (payload: unknown, headers: Record<string, string> = t.auth) =>
    t.app.inject({ method: 'POST', url: '/agents', headers, payload: payload as object });

  it('lists the four seeded agents', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/agents', headers: t.auth });
    expect(response.statusCode).toBe(200);
    const ids = response.json().items.map((a: { agent_id: string }) => a.agent_id);
    expect(ids.sort()).toEqual(['customer-support-001', 'default', 'hindi-support-001', 'sales-001']);
    const hindi = response.json().items.find((a: { agent_id: string }) => a.agent_id === 'hindi-support-001');
    expect(hindi).toMatchObject({ language: 'hi-IN', version: 1 });
    expect(hindi.greeting).toMatch(/[\u0900-\u097F]/);
  });

  it('creates, reads, replaces, patches and archives an agent', async () => {
    const created = await post(agentBody({ agent_id: 'crud-1' }));
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe('/agents/crud-1');
    expect(created.json()).toMatchObject({
      agent_id: 'crud-1',
      version: 1,
      status: 'active',
      confidence_threshold: 0.7,
      few_shot: [],
    });
    expect(created.json().created_at).toBe(created.json().updated_at);

    const read = await t.app.inject({ method: 'GET', url: '/agents/crud-1', headers: t.auth });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created.json());

    const put = await t.app.inject({
      method: 'PUT',
      url: '/agents/crud-1',
      headers: { ...t.auth, 'if-match': '"1"' },
      payload: agentBody({ name: 'Replaced', greeting: 'Hi there' }),
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ name: 'Replaced', greeting: 'Hi there', version: 2 });
    expect(put.headers.etag).toBe('"2"');

    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/agents/crud-1',
      headers: t.auth,
      payload: { greeting: 'Patched greeting' },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({ name: 'Replaced', greeting: 'Patched greeting', version: 3 });

    const again = await t.app.inject({ method: 'GET', url: '/agents/crud-1', headers: t.auth });
    expect(again.json().greeting).toBe('Patched greeting'); // the cache was cleared by the write

    const archived = await t.app.inject({ method: 'DELETE', url: '/agents/crud-1', headers: t.auth });
    expect(archived.statusCode).toBe(200);
    expect(archived.json()).toMatchObject({ status: 'archived', version: 4 });
    const listArchived = await t.app.inject({
      method: 'GET',
      url: '/agents?status=archived',
      headers: t.auth,
    });
    expect(listArchived.json().items.map((a: { agent_id: string }) => a.agent_id)).toContain('crud-1');
  });

  it('recalls past calls only for verified numbers unless the memory setting says otherwise', async () => {
    const created = await post(agentBody({ agent_id: 'memory-1' }));
    expect(created.json().memory).toBe('verified');
    const patch = (memory: unknown) =>
      t.app.inject({ method: 'PATCH', url: '/agents/memory-1', headers: t.auth, payload: { memory } });
    for (const memory of ['off', 'any', 'verified']) {
      const patched = await patch(memory);
      expect(patched.statusCode).toBe(200);
      expect(patched.json().memory).toBe(memory);
    }
    const refused = await patch('always');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().issues[0].field).toBe('memory');
  });

  it('generates an id when none is given', async () => {
    const created = await post(agentBody());
    expect(created.statusCode).toBe(201);
    expect(created.json().agent_id).toMatch(/^agent-[0-9a-f]{8}$/);
  });

  it('pages through agents with a cursor', async () => {
    for (let i = 0; i < 5; i += 1)
      expect((await post(agentBody({ agent_id: `page-${i}`, status: 'inactive' }))).statusCode).toBe(201);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = `/agents?status=inactive&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await t.app.inject({ method: 'GET', url: query, headers: t.auth });
      expect(response.statusCode).toBe(200);
      const page = response.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a: { agent_id: string }) => a.agent_id));
      cursor = page.cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen.sort()).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    expect(pages).toBeGreaterThanOrEqual(3);

    const forged = await t.app.inject({ method: 'GET', url: '/agents?cursor=abc.def', headers: t.auth });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().issues[0].field).toBe('cursor');
  });

  it('refuses an unknown field and names it', async () => {
    const response = await post(agentBody({ is_admin: true }));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: 'validation',
      issues: [{ field: 'is_admin', message: 'unknown field' }],
    });
    expect(response.json().message).toContain('is_admin');
  });

  it('refuses server-owned fields (version, created_at) in a body', async () => {
    const response = await post(agentBody({ version: 7, created_at: '2020-01-01T00:00:00Z' }));
    expect(response.statusCode).toBe(400);
    const fields = response.json().issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['version', 'created_at']));
  });

  it('refuses wrong types, naming each field', async () => {
    const response = await post(
      agentBody({ name: 42, few_shot: 'nope', data_to_fill: [{ name: 'x', type: 'colour' }] }),
    );
    expect(response.statusCode).toBe(400);
    const fields = response.json().issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'few_shot', 'data_to_fill.0.type']));
  });

  it('refuses an oversize prompt and greeting', async () => {
    const response = await post(
      agentBody({ prompt: 'x'.repeat(MAX_PROMPT_CHARS + 1), greeting: 'y'.repeat(MAX_GREETING_CHARS + 1) }),
    );
    // A 20 kB prompt is inside the 64 kB body limit, so zod (not the body limit) answers.
    expect(response.statusCode).toBe(400);
    const byField = Object.fromEntries(
      response.json().issues.map((i: { field: string; message: string }) => [i.field, i.message]),
    );
    expect(byField.prompt).toBeDefined();
    expect(byField.greeting).toMatch(/at most 1000 characters/);
  });

  it('refuses a body over MAX_BODY_BYTES with 413 JSON', async () => {
    const response = await post(agentBody({ prompt: 'x'.repeat(70_000) }));
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'validation', message: 'request body is too large' });
  });

  it('refuses a voice that does not speak the language, on create and on patch', async () => {
    const created = await post(agentBody({ language: 'hi-IN', voice: 'Polly.Joanna' }));
    expect(created.statusCode).toBe(400);
    expect(created.json().issues).toEqual([
      { field: 'voice', message: 'voice Polly.Joanna does not speak hi-IN' },
    ]);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/agents/customer-support-001',
      headers: t.auth,
      payload: { language: 'hi-IN' },
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().issues[0].field).toBe('voice');
  });

  it('refuses prototype-pollution keys', async () => {
    const proto = await t.app.inject({
      method: 'POST',
      url: '/agents',
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: `{"name":"x","__proto__":{"polluted":true}}`,
    });
    expect(proto.statusCode).toBe(400);
    expect(proto.json().error).toBe('validation');
    const ctor = await post(agentBody({ constructor: { prototype: { polluted: true } } }));
    expect(ctor.statusCode).toBe(400);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/agents/sales-001',
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: `{"constructor":"x"}`,
    });
    expect(patch.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers bad JSON and wrong content types with JSON 4xx', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/agents',
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'validation', message: 'the body is not valid JSON' });
    // A form too: only Twilio's webhooks take forms.
    for (const [type, payload] of [
      ['application/xml', '<agent/>'],
      ['application/x-www-form-urlencoded', 'name=x&prompt=y'],
    ]) {
      const refused = await t.app.inject({
        method: 'POST',
        url: '/agents',
        headers: { ...t.auth, 'content-type': type },
        payload,
      });
      expect(refused.statusCode, type).toBe(415);
      expect(refused.json()).toMatchObject({
        error: 'validation',
        message: expect.stringMatching(/content type/),
      });
    }
    const plain = await t.app.inject({
      method: 'POST',
      url: '/agents',
      headers: { ...t.auth, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(plain.statusCode).toBe(400);
    expect(plain.json().issues[0].field).toBe('(body)');
  });

  it('answers 404 for an unknown agent', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await t.app.inject({
        method,
        url: '/agents/no-such-agent',
        headers: t.auth,
        ...(method === 'PATCH' ? { payload: { name: 'x' } } : {}),
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: 'not_found', message: 'agent no-such-agent not found' });
    }
  });

  it('answers 409 when the id exists', async () => {
    const response = await post(agentBody({ agent_id: 'sales-001' }));
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toBe('conflict');
  });

  it('needs the admin key: missing or wrong gives 401 JSON', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/agents' });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error).toBe('unauthorized');
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    const wrong = await t.app.inject({
      method: 'GET',
      url: '/agents',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const almost = await t.app.inject({
      method: 'GET',
      url: '/agents',
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}x` },
    });
    expect(almost.statusCode).toBe(401);
    const basic = await t.app.inject({
      method: 'GET',
      url: '/agents',
      headers: { authorization: TEST_ADMIN_KEY },
    });
    expect(basic.statusCode).toBe(401);
    const write = await post(agentBody({ agent_id: 'sneaky' }), {});
    expect(write.statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/agents/sneaky', headers: t.auth })).statusCode).toBe(
      404,
    );
  });

  it('lets one of two concurrent edits with the same If-Match win; the other gets 409', async () => {
    expect((await post(agentBody({ agent_id: 'race-1' }))).statusCode).toBe(201);
    const edit = (name: string) =>
      t.app.inject({
        method: 'PATCH',
        url: '/agents/race-1',
        headers: { ...t.auth, 'if-match': '"1"' },
        payload: { name },
      });
    const results = await Promise.all([edit('first'), edit('second')]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.statusCode === 409)!;
    expect(loser.json().error).toBe('conflict');
    const stale = await edit('third');
    expect(stale.statusCode).toBe(409);
    const final = await t.app.inject({ method: 'GET', url: '/agents/race-1', headers: t.auth });
    expect(final.json().version).toBe(2);
  });

  it('refuses a malformed If-Match', async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: '/agents/sales-001',
      headers: { ...t.auth, 'if-match': 'yesterday' },
      payload: { name: 'x' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().issues[0].field).toBe('If-Match');
  });
});
