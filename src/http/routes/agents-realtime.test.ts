// A realtime agent (transport "realtime") names its speech-to-speech model in llm.realtime; the schema
// refuses one without it, and bad settings, with a 400 naming the field. Until the Media Streams
// transport answers calls, its calls go on over the fallback transport.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTwiml } from '../../simulator/twiml-parser.js';
import { newSid } from '../../simulator/twilio-params.js';
import { createTestApp, type TestApp } from '../testing.js';

const agentBody = (fields: Record<string, unknown>) => ({
  name: 'Realtime agent',
  prompt: 'Help the caller.',
  voice: 'Polly.Joanna',
  language: 'en-US',
  greeting: 'Hello!',
  ...fields,
});
const realtime = { provider: 'openai', model: 'gpt-realtime', voice: 'marin' };

describe('realtime agents', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ TWILIO_VALIDATE_SIGNATURES: 'false' });
  });
  afterAll(() => t.close());

  const post = (fields: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/agents', headers: t.auth, payload: agentBody(fields) });
  const fieldsOf = (response: { json(): { issues: { field: string }[] } }) =>
    response.json().issues.map((issue) => issue.field);

  it('stores a realtime agent with its model, voice, transcription model and fallback', async () => {
    const llm = {
      realtime: { ...realtime, transcription_model: 'gpt-4o-transcribe', fallback_transport: 'relay' },
    };
    const created = await post({ transport: 'realtime', llm });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ transport: 'realtime', llm });
  });

  it('refuses transport realtime without a realtime model, naming llm.realtime (create and PATCH)', async () => {
    const refused = await post({ transport: 'realtime' });
    expect(refused.statusCode).toBe(400);
    expect(fieldsOf(refused)).toEqual(['llm.realtime']);
    const plain = await post({ transport: 'relay' });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/agents/${plain.json().agent_id as string}`,
      headers: t.auth,
      payload: { transport: 'realtime' },
    });
    expect(patched.statusCode).toBe(400);
    expect(fieldsOf(patched)).toEqual(['llm.realtime']);
  });

  it.each([
    [{ ...realtime, provider: 'gemini' }, 'llm.realtime.provider'],
    [{ provider: 'openai' }, 'llm.realtime.model'],
    [{ ...realtime, model: 'gpt realtime' }, 'llm.realtime.model'],
    [{ ...realtime, voice: 'Polly.Joanna' }, 'llm.realtime.voice'],
    [{ ...realtime, fallback_transport: 'realtime' }, 'llm.realtime.fallback_transport'],
    [{ ...realtime, temperature: 0.8 }, 'llm.realtime.temperature'],
  ])('refuses %j with a 400 naming %s', async (settings, field) => {
    const response = await post({ transport: 'realtime', llm: { realtime: settings } });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response)).toContain(field);
  });

  it.each([
    ['relay', 'connect'],
    ['gather', 'gather'],
  ])(
    'answers its calls over its fallback transport (%s) while realtime calls are not served',
    async (fallback, verb) => {
      const created = await post({
        transport: 'realtime',
        llm: { realtime: { ...realtime, fallback_transport: fallback } },
      });
      const agentId = created.json().agent_id as string;
      const callSid = newSid('CA');
      const answer = await t.app.inject({
        method: 'POST',
        url: `/twilio/voice?agent_id=${agentId}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          CallSid: callSid,
          AccountSid: t.container.config.TWILIO_ACCOUNT_SID ?? `AC${'0'.repeat(32)}`,
          From: '+14155550100',
          To: '+14155550142',
          Direction: 'outbound-api',
          CallStatus: 'in-progress',
          ApiVersion: '2010-04-01',
        }).toString(),
      });
      expect(answer.statusCode).toBe(200);
      expect(parseTwiml(answer.body).map((v) => v.verb)).toContain(verb);
      const call = await t.container.callStore.get(callSid);
      expect(call?.transport).toBe(fallback);
    },
  );
});
