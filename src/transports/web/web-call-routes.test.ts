import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../http/testing.js';

describe('web calls API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = (url: string, payload: object) =>
    t.app.inject({ method: 'POST', url, headers: t.auth, payload });
  const say = (sid: string, text: string) => post(`/web-calls/${sid}/messages`, { text });

  it('runs a call through the engine to the end and files it like a phone call', async () => {
    const started = await post('/web-calls', { agent_id: 'customer-support-001' });
    expect(started.statusCode).toBe(201);
    const { call_sid: sid, greeting, language } = started.json();
    expect(sid).toMatch(/^WC[0-9a-f]{32}$/);
    expect(greeting).toMatch(/thanks for calling support/i);
    expect(language).toBe('en-US');

    const first = await say(sid, 'My laptop will not start');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ seq: 1, ended: false, data_collected: {} });
    const named = await say(sid, 'my name is Asha Rao');
    expect(named.json().data_collected).toEqual({ name: { value: 'Asha Rao', turn: 2 } });
    await say(sid, 'asha.rao@example.com');
    const last = await say(sid, 'yes');
    expect(last.json()).toMatchObject({
      seq: 4,
      ended: true,
      ended_by: 'system_complete',
      data_collected: { email: { value: 'asha.rao@example.com', turn: 4 } },
    });

    const after = await say(sid, 'hello?');
    expect(after.statusCode).toBe(409);
    const end = await post(`/web-calls/${sid}/end`, {});
    expect(end.json()).toEqual({ call_sid: sid, status: 'completed', ended_by: 'system_complete' });

    const detail = await t.app.inject({ method: 'GET', url: `/calls/${sid}`, headers: t.auth });
    expect(detail.json()).toMatchObject({
      direction: 'web',
      transport: 'web',
      status: 'completed',
      agent_id: 'customer-support-001',
      turn_count: 5,
    });
    expect(detail.json().answered_at).toBeDefined();
    expect(detail.json().ended_at).toBeDefined();
    expect(detail.json().transcript.map((turn: { caller?: string }) => turn.caller)).toEqual([
      undefined,
      'My laptop will not start',
      'my name is Asha Rao',
      'asha.rao@example.com',
      'yes',
    ]);
    // Each turn keeps its timeline up to its store; the greeting's runs from the start request. A
    // reply's also says when it was sent, after the store: the last one's too, written as the call
    // ended.
    await expect
      .poll(async () => (await t.container.callStore.listTurns(sid)).at(-1)?.timeline?.first_text_out)
      .toBeDefined();
    const turns = await t.container.callStore.listTurns(sid);
    for (const turn of turns)
      expect(turn.timeline).toMatchObject({ received: 0, stored: expect.any(Number) });
    for (const { timeline } of turns.slice(1))
      expect(timeline?.first_text_out).toBeGreaterThanOrEqual(timeline!.stored!);
    await t.container.finalizer.drain();
    const finished = await t.app.inject({ method: 'GET', url: `/calls/${sid}`, headers: t.auth });
    expect(finished.json().outcome).toBeDefined();
    expect(finished.json().summary).toContain('Collected name, email');
    expect(finished.json().data_collected.name.value).toBe('Asha Rao');

    const list = await t.app.inject({
      method: 'GET',
      url: '/calls?agent_id=customer-support-001',
      headers: t.auth,
    });
    expect(list.json().items.map((call: { call_sid: string }) => call.call_sid)).toContain(sid);
  });

  it('hanging up early ends the call as ended by the user', async () => {
    const { call_sid: sid } = (await post('/web-calls', { agent_id: 'sales-001' })).json();
    await say(sid, 'hello');
    const end = await post(`/web-calls/${sid}/end`, {});
    expect(end.json()).toMatchObject({ status: 'completed', ended_by: 'user' });
    const again = await post(`/web-calls/${sid}/end`, {});
    expect(again.json()).toMatchObject({ status: 'completed', ended_by: 'user' });
  });

  it('refuses blank text, unknown calls and archived agents', async () => {
    const { call_sid: sid } = (await post('/web-calls', { agent_id: 'default' })).json();
    const blank = await say(sid, '   ');
    expect(blank.statusCode).toBe(400);
    expect(blank.json().issues[0].field).toBe('text');
    expect((await say('WCnope', 'hi')).statusCode).toBe(404);
    expect((await post('/web-calls', { agent_id: 'no-such-agent' })).statusCode).toBe(404);

    const archived = await post('/agents', {
      agent_id: 'web-archived',
      name: 'Old',
      prompt: 'p',
      voice: 'Polly.Joanna',
      language: 'en-US',
      greeting: 'Hi',
      status: 'archived',
    });
    expect(archived.statusCode).toBe(201);
    expect((await post('/web-calls', { agent_id: 'web-archived' })).statusCode).toBe(404);
  });

  it('needs admin access', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/web-calls',
      payload: { agent_id: 'default' },
    });
    expect(response.statusCode).toBe(401);
  });
});
