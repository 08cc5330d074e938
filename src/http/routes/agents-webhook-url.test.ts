import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing.js';

const agentBody = (webhook_url: string) => ({
  name: 'Webhook agent',
  prompt: 'Help the caller.',
  voice: 'Polly.Joanna',
  language: 'en-US',
  greeting: 'Hello!',
  webhook_url,
});

describe('an agent webhook_url is checked for SSRF when the agent is saved', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = (url: string) =>
    t.app.inject({ method: 'POST', url: '/agents', headers: t.auth, payload: agentBody(url) });

  it.each([
    'http://127.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/hook',
    'http://10.0.0.5/hook',
    'http://2130706433/hook',
    'http://localhost:3000/hook',
  ])('refuses %s with a 400 naming webhook_url', async (url) => {
    const response = await post(url);
    expect(response.statusCode).toBe(400);
    expect(response.json().issues[0].field).toBe('webhook_url');
  });

  it('accepts a public host, and refuses the same private host on PATCH', async () => {
    const created = await post('https://hooks.example.com/voice');
    expect(created.statusCode).toBe(201);
    const id = created.json().agent_id as string;
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/agents/${id}`,
      headers: t.auth,
      payload: { webhook_url: 'http://192.168.1.10/hook' },
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().issues[0].field).toBe('webhook_url');
  });
});
