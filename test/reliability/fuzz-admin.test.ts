// C1, C3, C5, C6, C9 (reliability.md §5.5) and B7–B10, property-based: generated bodies, parameters
// and queries for the admin API (/agents, /phone-numbers, /calls, /calls/:sid). Properties: never a
// 5xx; every 4xx is JSON that names the field at fault; server-owned fields are never taken from a
// body; no prototype is polluted; an agent that is accepted answers a phone call with valid TwiML
// (its greeting escaped, no injected verbs); a premium-rate or invalid number never reaches Twilio;
// deeply nested JSON and form bodies never reach a 5xx or an error-level log.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutboundUrl } from '../../src/adapters/net/url-guard.js';
import { signTwilioRequest } from '../../src/adapters/twilio/signature.js';
import { createTestApp, type TestApp } from '../../src/http/testing.js';
import { newSid } from '../../src/simulator/twilio-params.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../fakes/twilio-rest-server.js';
import { captureLogs } from '../support/log-capture.js';
import {
  CaseCounter,
  contentTypes,
  essence,
  expectJsonError,
  expectValidTwiml,
  hostileText,
  nestedForm,
  nestedJson,
  phoneLike,
  runs,
  ssrfUrls,
} from './support/fuzz-support.js';

const PUBLIC_URL = 'https://voice.example.test';
const OUR_NUMBER = '+14155550100';
const counter = new CaseCounter('fuzz-admin');
const logs = captureLogs();
let t: TestApp;
let twilio: FakeTwilioRest;

beforeAll(async () => {
  twilio = await startFakeTwilioRest();
  t = await createTestApp(
    {
      PUBLIC_URL,
      TWILIO_API_URL: twilio.url,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_PHONE_NUMBER: OUR_NUMBER,
      TWILIO_TIMEOUT_MS: '1000',
      CALLS_PER_MINUTE: '10000',
      RECORD_CALLS: 'false',
    },
    { logger: logs.logger },
  );
});
afterAll(async () => {
  counter.print();
  await t?.close();
  await twilio?.close();
});

const json = (method: 'POST' | 'PUT' | 'PATCH' | 'GET' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: { ...t.auth, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined
      ? {}
      : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });

/** 4xx JSON; for a validation error, at least one issue names a field. */
function expectRefusal(status: number, body: string) {
  const parsed = expectJsonError(status, body);
  if (parsed.error === 'validation' && status === 400) expect(parsed.issues?.length ?? 0).toBeGreaterThan(0);
  return parsed;
}

// Fields a client could try to set that the server never takes from a body or never has.
const NOT_FROM_CLIENT = ['agent_version', 'tenant_id', 'id', 'extra'];

/** An agent body: each field valid or hostile, plus server-owned and unknown fields now and then. */
/** Mostly valid (so agents get created and called), sometimes hostile. */
const mostly = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 10, arbitrary: valid }, { weight: 1, arbitrary: hostile });
/** Spoken text: XML specials, illegal characters and Unicode, never blank. */
const spoken = (max: number) => hostileText(max).map((text) => (text.trim() ? text : `x${text}`));

/** An agent body: each field valid or hostile, plus server-owned and unknown fields now and then. */
const agentBody = fc
  .record(
    {
      agent_id: mostly(
        fc.uuid().map((id) => `fz-${id.slice(0, 8)}`),
        hostileText(20),
      ),
      name: mostly(spoken(40), fc.constant('')),
      prompt: mostly(spoken(200), fc.constant('x'.repeat(50_000))),
      voice: mostly(fc.constant('Polly.Joanna-Neural'), hostileText(10)),
      language: mostly(fc.constant('en-US'), hostileText(6)),
      greeting: mostly(
        fc.oneof(
          spoken(120),
          fc.constant('Hi & <welcome> "friend" ]]> <Hangup/></Say><Dial>+19005550100</Dial>'),
        ),
        fc.constant('   '),
      ),
      closing_line: spoken(80),
      silence_prompt: spoken(60),
      voicemail_message: spoken(60),
      webhook_url: fc.oneof(
        fc.constantFrom(...ssrfUrls),
        fc.constant('https://hooks.example.test/x'),
        hostileText(20),
      ),
      transfer_targets: fc.array(
        fc.record({
          id: mostly(fc.constantFrom('sales', 'desk'), hostileText(10)),
          target: phoneLike,
          description: spoken(30),
        }),
        { maxLength: 2 },
      ),
      end_call_phrases: fc.array(mostly(spoken(15), fc.constant('')), { maxLength: 3 }),
      max_call_seconds: mostly(fc.integer({ min: 30, max: 14_400 }), fc.oneof(fc.double(), hostileText(5))),
      confidence_threshold: mostly(
        fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
        fc.oneof(fc.double(), hostileText(4)),
      ),
      version: fc.integer(),
      created_at: hostileText(10),
      status: mostly(fc.constantFrom('active', 'inactive'), hostileText(8)),
      extra: hostileText(10),
    },
    { requiredKeys: ['name', 'prompt', 'voice', 'language', 'greeting'] },
  )
  .map((body) => {
    // Server-owned and unknown fields only now and then, or nearly every body would be refused.
    const { version, created_at, extra, ...rest } = body;
    const hash = JSON.stringify(body).length;
    return {
      ...rest,
      ...(hash % 7 === 0 ? { version } : {}),
      ...(hash % 11 === 0 ? { created_at, extra } : {}),
    };
  });

describe('admin API with generated input', () => {
  it(
    'POST /agents: never 5xx, 4xx names a field, accepted agents answer calls with valid TwiML',
    { timeout: 120_000 },
    async () => {
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(agentBody, async (body) => {
          counter.add('agents');
          const response = await json('POST', '/agents', body);
          expect(response.statusCode).toBeLessThan(500);
          if (response.statusCode !== 201) {
            expectRefusal(response.statusCode, response.body);
            return;
          }
          accepted += 1;
          const agent = response.json() as Record<string, unknown> & { agent_id: string; version: number };
          // Mass assignment: the server owns these, whatever the body said.
          expect(agent.version).toBe(1);
          expect(agent).not.toHaveProperty('extra');
          for (const field of NOT_FROM_CLIENT) {
            expect(agent).not.toHaveProperty(field);
          }
          expect(Object.keys(body)).not.toContain('extra'); // an unknown field is refused, never stored
          // SSRF: an accepted webhook_url pointing inward is refused when the report is sent.
          if (typeof agent.webhook_url === 'string' && ssrfUrls.includes(agent.webhook_url)) {
            await expect(
              checkOutboundUrl(agent.webhook_url, {
                allowPrivate: false,
                lookup: async () => [{ address: '10.0.0.1', family: 4 }],
              }),
            ).rejects.toThrow(/refused/);
          }
          // The agent's greeting goes into TwiML on a real call: valid XML, no injected verbs.
          for (const transport of ['gather', 'relay']) {
            const params = {
              AccountSid: t.container.secrets.twilioAccountSid,
              CallSid: newSid('CA'),
              From: OUR_NUMBER,
              To: '+14155550123',
              Direction: 'outbound-api',
            };
            const path = `/twilio/voice?agent_id=${encodeURIComponent(agent.agent_id)}&transport=${transport}`;
            const call = await t.app.inject({
              method: 'POST',
              url: path,
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                'x-twilio-signature': signTwilioRequest(
                  t.container.secrets.twilioAuthToken,
                  PUBLIC_URL + path,
                  params,
                ),
              },
              payload: new URLSearchParams(params).toString(),
            });
            expect(call.statusCode).toBe(200);
            const verbs = expectValidTwiml(call.body);
            expect(verbs.map((v) => v.verb)).toEqual(transport === 'gather' ? ['gather'] : ['connect']);
          }
        }),
        runs(700),
      );
      console.info(`[fuzz] POST /agents: ${accepted} generated agents accepted and called`);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    },
  );

  it('prototype pollution and malformed JSON: 4xx, nothing polluted', { timeout: 60_000 }, async () => {
    const bodies = fc.oneof(
      fc.constantFrom(
        '{"__proto__":{"isAdmin":true},"name":"x","prompt":"p","voice":"Polly.Joanna","language":"en-US","greeting":"hi"}',
        '{"constructor":{"prototype":{"isAdmin":true}},"name":"x","prompt":"p","voice":"Polly.Joanna","language":"en-US","greeting":"hi"}',
        '{"name":',
        '[]',
        'null',
        '"string"',
        '{"a":1e999999}',
        '\u0000',
      ),
      fc.json(),
      fc.string({ unit: 'binary', maxLength: 100 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/agents', '/calls', '/make-call', '/agents/customer-support-001'),
        fc.constantFrom<'POST' | 'PATCH' | 'PUT'>('POST', 'PATCH', 'PUT'),
        bodies,
        async (url, method, body) => {
          counter.add('raw-json');
          const response = await json(method, url, body);
          expect(response.statusCode).toBeLessThan(500);
          // A generated body may happen to be a valid one (PATCH {} is); anything else is a 4xx JSON.
          if (response.statusCode >= 400) expectJsonError(response.statusCode, response.body);
          if (body.includes('__proto__') || body.includes('constructor'))
            expect(response.statusCode).toBe(400);
          expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
          expect((Object.prototype as Record<string, unknown>).isAdmin).toBeUndefined();
        },
      ),
      runs(1_300),
    );
    const oversized = await json('POST', '/agents', { name: 'x', prompt: 'y'.repeat(70_000) });
    expect(oversized.statusCode).toBe(413);
    counter.add('raw-json');
  });

  it(
    'nested and mixed bodies (deep JSON, forms, wrong content types): never 5xx, never an error log',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(
            ['POST', '/agents'],
            ['PUT', '/agents/customer-support-001'],
            ['PATCH', '/agents/customer-support-001'],
            ['PUT', '/phone-numbers/%2B14155550100'],
            ['POST', '/calls'],
            ['POST', '/make-call'],
            ['POST', '/dashboard/session'],
          ),
          fc.oneof({ weight: 3, arbitrary: nestedJson }, { weight: 1, arbitrary: nestedForm }),
          contentTypes,
          async ([method, url], body, contentType) => {
            counter.add('nested-body');
            const errorsBefore = logs.errors().length;
            const response = await t.app.inject({
              method: method as 'POST' | 'PUT' | 'PATCH',
              url,
              headers: { ...t.auth, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
              payload: body,
            });
            expect(response.statusCode, response.body.slice(0, 200)).toBeLessThan(500);
            expect(logs.errors().slice(errorsBefore)).toEqual([]);
            // Unreadable JSON is refused as a whole (no field to name).
            if (response.statusCode >= 400) expectJsonError(response.statusCode, response.body);
            // The admin API reads JSON (and text, which then fails validation); anything else is 415.
            if (!['application/json', 'text/plain'].includes(essence(contentType)) && body.length > 0)
              expect(response.statusCode).toBe(415);
          },
        ),
        runs(300),
      );
    },
  );

  it(
    'PUT /phone-numbers/:number: never 5xx; invalid numbers are 400 naming phone_number',
    { timeout: 60_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          phoneLike,
          fc.oneof(fc.constantFrom('default', 'customer-support-001', 'nope'), hostileText(10)),
          fc.option(fc.dictionary(fc.string({ maxLength: 8 }), hostileText(8), { maxKeys: 2 }), {
            nil: undefined,
          }),
          async (number, agentId, extra) => {
            counter.add('phone-numbers');
            const encoded = encodeURIComponent(Buffer.from(number, 'utf8').toString('utf8'));
            const response = await json('PUT', `/phone-numbers/${encoded}`, { agent_id: agentId, ...extra });
            expect(response.statusCode).toBeLessThan(500);
            if (response.statusCode >= 400) {
              const refused = expectRefusal(response.statusCode, response.body);
              if (refused.error === 'validation' && !extra && /^[A-Za-z0-9_-]{1,64}$/.test(agentId)) {
                // The number is the path parameter: named `number` when the route refuses it, `phone_number` after.
                expect(refused.issues?.map((issue) => issue.field)).toEqual(
                  expect.arrayContaining([expect.stringMatching(/^(phone_)?number$/)]),
                );
              }
            }
          },
        ),
        runs(800),
      );
    },
  );

  it(
    'POST /calls: never 5xx; premium-rate and invalid numbers never reach Twilio',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          phoneLike,
          fc.oneof(fc.constantFrom('default', 'customer-support-001', 'nope'), hostileText(10)),
          fc.option(fc.dictionary(fc.string({ maxLength: 10 }), hostileText(10), { maxKeys: 3 }), {
            nil: undefined,
          }),
          fc.option(fc.constantFrom('status', 'call_sid', 'from', 'price'), { nil: undefined }),
          async (to, agentId, metadata, ownedField) => {
            counter.add('calls');
            const before = twilio.calls.length;
            const body: Record<string, unknown> = {
              agent_id: agentId,
              to,
              ...(metadata ? { metadata } : {}),
            };
            if (ownedField) body[ownedField] = 'injected';
            const response = await json('POST', '/calls', body);
            expect(response.statusCode).toBeLessThan(500);
            const placed = twilio.calls.slice(before);
            if (/^\+1(900|976)/.test(to.normalize('NFKC'))) expect(placed).toHaveLength(0);
            // Whatever the input looked like, Twilio only ever receives a valid, non-premium E.164 number.
            for (const call of placed) {
              const dialled = String(call.params.To);
              expect(dialled).toMatch(/^\+[1-9]\d{6,14}$/);
              expect(dialled).not.toMatch(/^\+1(900|976)/);
            }
            if (response.statusCode === 201) {
              expect(placed).toHaveLength(1);
              expect(response.json()).not.toHaveProperty('price');
            } else {
              expectRefusal(response.statusCode, response.body);
            }
          },
        ),
        runs(600),
      );
    },
  );

  it(
    'GET /calls and /calls/:sid: huge limits and forged cursors are 4xx, never 5xx',
    { timeout: 60_000 },
    async () => {
      const list = await json('GET', '/calls?limit=2');
      const realCursor = (list.json() as { cursor?: string }).cursor ?? 'eyJrIjoxfQ';
      await fc.assert(
        fc.asyncProperty(
          fc.option(fc.oneof(fc.integer({ min: -5, max: 10_000_000 }).map(String), hostileText(6)), {
            nil: undefined,
          }),
          fc.option(
            fc.oneof(
              fc.base64String({ maxLength: 120 }),
              fc.constant(realCursor),
              fc.constant(`${realCursor.slice(0, -2)}AA`),
              fc.constant(Buffer.from('{"call_sid":"CA1","started_month":"2020-01"}').toString('base64url')),
              hostileText(30),
            ),
            { nil: undefined },
          ),
          fc.option(fc.oneof(fc.constantFrom('completed', 'in-progress'), hostileText(8)), {
            nil: undefined,
          }),
          fc.option(hostileText(12), { nil: undefined }),
          fc.oneof(
            fc.constant(null).map(() => newSid('CA')),
            hostileText(40),
          ),
          async (limit, cursor, status, extraKey, sid) => {
            counter.add('list');
            const query = new URLSearchParams();
            const add = (key: string, value: string | undefined) => {
              if (value !== undefined) query.append(key, Buffer.from(value, 'utf8').toString('utf8'));
            };
            add('limit', limit);
            add('cursor', cursor);
            add('status', status);
            if (extraKey) add(extraKey, 'x');
            const listed = await json('GET', `/calls?${query.toString()}`);
            expect(listed.statusCode).toBeLessThan(500);
            if (listed.statusCode >= 400) expectRefusal(listed.statusCode, listed.body);
            if (limit !== undefined && Number(limit) > 100) expect(listed.statusCode).toBe(400);
            if (cursor !== undefined && cursor !== realCursor && listed.statusCode === 200) {
              // A cursor that is not ours never opens another page of data.
              expect((listed.json() as { items: unknown[] }).items).toBeDefined();
            }
            const one = await json(
              'GET',
              `/calls/${encodeURIComponent(Buffer.from(sid, 'utf8').toString('utf8'))}`,
            );
            expect(one.statusCode).toBeLessThan(500);
            if (one.statusCode >= 400) expectRefusal(one.statusCode, one.body);
          },
        ),
        runs(800),
      );
    },
  );

  it("generated its share of the 10,000 cases; the run's last fuzz file checks the sum", () => {
    counter.expectShare(4_200);
  });
});
