import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTwilioRest, type FakeTwilioRest } from './twilio-rest-server.js';
import { TwilioSpecValidator } from './twilio-rest-spec.js';

describe('fake Twilio REST server', () => {
  let fake: FakeTwilioRest;
  let auth: string;

  beforeAll(async () => {
    fake = await startFakeTwilioRest();
    auth = `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`;
  });
  afterAll(async () => {
    await fake.close();
  });

  async function createCall(body: string, authorization = auth, signal?: AbortSignal) {
    const response = await fetch(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Calls.json`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const valid = 'To=%2B14155550111&From=%2B14155550100&Url=https%3A%2F%2Fa.example.com%2Fv';

  it('creates a call: 201 with a call resource', async () => {
    const { status, body } = await createCall(
      `${valid}&StatusCallbackEvent=initiated&StatusCallbackEvent=completed&Record=true&Timeout=30`,
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({
      sid: expect.stringMatching(/^CA[0-9a-f]{32}$/),
      status: 'queued',
      to: '+14155550111',
      from: '+14155550100',
      account_sid: fake.accountSid,
      api_version: '2010-04-01',
    });
    expect(fake.calls.at(-1)?.params.StatusCallbackEvent).toEqual(['initiated', 'completed']);
  });

  it("refuses other credentials with Twilio's 20003 body", async () => {
    const wrong = `Basic ${Buffer.from(`${fake.accountSid}:nope`).toString('base64')}`;
    const { status, body } = await createCall(valid, wrong);
    expect(status).toBe(401);
    expect(body).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
  });

  it.each([
    ['missing To', 'From=%2B14155550100&Url=https%3A%2F%2Fa.example.com%2Fv', 21201],
    ['missing From', 'To=%2B14155550111&Url=https%3A%2F%2Fa.example.com%2Fv', 21213],
    ['no Url, Twiml or ApplicationSid', 'To=%2B14155550111&From=%2B14155550100', 21205],
    ['To not E.164', valid.replace('%2B14155550111', '4155550111'), 21211],
    ['a misspelt parameter', `${valid}&StatusCallbak=https%3A%2F%2Fa.example.com%2Fs`, 20001],
    ['a method outside the enum', `${valid}&Method=PUT`, 20001],
    ['a non-integer Timeout', `${valid}&Timeout=soon`, 20001],
    ['a repeated scalar', `${valid}&To=%2B14155550112`, 20001],
  ])('rejects %s with 400 and code %i', async (_name, body, code) => {
    const before = fake.calls.length;
    const result = await createCall(body);
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      code,
      status: 400,
      more_info: expect.stringContaining(String(code)),
    });
    expect(fake.calls).toHaveLength(before);
  });

  it('records every request, including refused ones', async () => {
    const before = fake.requests.length;
    await createCall('From=%2B14155550100');
    expect(fake.requests.slice(before)).toEqual([
      expect.objectContaining({
        method: 'POST',
        operation: 'CreateCall',
        status: 400,
        params: { From: '+14155550100' },
      }),
    ]);
  });

  it('fails the next n requests, then recovers', async () => {
    fake.failNext(2, { status: 429, code: 20429, retryAfter: 3 });
    const response = await fetch(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Calls.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: valid,
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect((await createCall(valid)).status).toBe(429);
    expect((await createCall(valid)).status).toBe(201);
  });

  it('accepts and never answers after hangAfterAccept', async () => {
    fake.hangAfterAccept(1);
    const before = fake.calls.length;
    const outcome = await createCall(valid, auth, AbortSignal.timeout(300)).then(
      () => 'answered',
      () => 'aborted',
    );
    expect(outcome).toBe('aborted');
    expect(fake.calls).toHaveLength(before + 1);
  }, 10_000);
});

describe('TwilioSpecValidator', () => {
  it('names the missing spec file clearly', () => {
    expect(() => new TwilioSpecValidator('/nonexistent/twilio_api_v2010.json')).toThrow(
      /Twilio OpenAPI spec not found at \/nonexistent.*vendor-twilio-spec/,
    );
  });
});
