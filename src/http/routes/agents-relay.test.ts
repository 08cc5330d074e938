// The agent's ConversationRelay settings are validated with the rest of the agent: unknown fields and
// unknown providers are refused with a 400 that names the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing.js';

const agentBody = (relay: unknown) => ({
  name: 'Relay agent',
  prompt: 'Help the caller.',
  voice: 'Polly.Joanna',
  language: 'en-US',
  greeting: 'Hello!',
  transport: 'relay',
  relay,
});

describe('agent relay settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = (relay: unknown) =>
    t.app.inject({ method: 'POST', url: '/agents', headers: t.auth, payload: agentBody(relay) });

  it('stores an override and further languages, and PATCH replaces them', async () => {
    const relay = {
      tts_provider: 'Google',
      voice: 'en-US-Journey-O',
      transcription_provider: 'Deepgram',
      languages: [{ code: 'hi-IN', voice: 'Polly.Kajal-Neural', transcription_provider: 'Google' }],
    };
    const created = await post(relay);
    expect(created.statusCode).toBe(201);
    expect(created.json().relay).toEqual(relay);
    const id = created.json().agent_id as string;
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/agents/${id}`,
      headers: { ...t.auth, 'if-match': `"${created.json().version}"` },
      payload: { relay: { languages: [{ code: 'es-US' }] } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().relay).toEqual({ languages: [{ code: 'es-US' }] });
  });

  it.each([
    [{ tts_provider: 'Polly' }, 'relay.tts_provider'],
    [{ transcription_provider: 'Whisper' }, 'relay.transcription_provider'],
    [{ speed: 2 }, 'relay.speed'],
    [{ voice: 'Joanna Neural' }, 'relay.voice'],
    [{ languages: [{ code: 'hindi' }] }, 'relay.languages.0.code'],
    [{ languages: [{ code: 'hi-IN', pitch: 'high' }] }, 'relay.languages.0.pitch'],
    [{ languages: [{ code: 'en-US' }] }, 'relay.languages.0.code'],
    [{ languages: [{ code: 'hi-IN' }, { code: 'hi-IN' }] }, 'relay.languages.1.code'],
  ])('refuses %j with a 400 naming %s', async (relay, field) => {
    const response = await post(relay);
    expect(response.statusCode).toBe(400);
    expect(response.json().issues.map((issue: { field: string }) => issue.field)).toContain(field);
  });
});
