// B1–B10 (reliability.md §5.4), property-based: generated requests to every Twilio route through
// app.inject, signed with the server's own token over the generated parameters (so the handlers run,
// not only the signature check), plus forged, replayed and missing signatures. Properties: never a
// 5xx; every TwiML answer parses with the simulator's strict XML reader and holds only known verbs;
// a <Dial> never reaches a number the agent does not list; a refused signature has no side effect;
// a nested or non-form body (deep JSON, `a[b][c]…` keys) is 415/400 with no error-level log.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTwilioRequest, type FormParams } from '../../src/adapters/twilio/signature.js';
import { createTestApp, type TestApp } from '../../src/http/testing.js';
import { parseTwilioForm } from '../../src/transports/twilio/form-body.js';
import { newSid } from '../../src/simulator/twilio-params.js';
import { captureLogs } from '../support/log-capture.js';
import {
  CaseCounter,
  contentTypes,
  essence,
  expectJsonError,
  expectValidTwiml,
  FUZZ_SEED,
  hostileText,
  nestedForm,
  nestedJson,
  phoneLike,
  runs,
  ssrfUrls,
  wellFormedText as wellFormed,
} from './support/fuzz-support.js';

const PUBLIC_URL = 'https://voice.example.test';
const counter = new CaseCounter('fuzz-twilio');
const logs = captureLogs();
let t: TestApp;
let accountSid: string;
let token: string;
/** Calls that exist, so generated webhooks reach the conversation and not only the "unknown call" path. */
const liveCalls: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL, RECORD_CALLS: 'false' }, { logger: logs.logger });
  accountSid = t.container.secrets.twilioAccountSid;
  token = t.container.secrets.twilioAuthToken;
  for (const agentId of ['default', 'customer-support-001', 'sales-001']) {
    const callSid = newSid('CA');
    const response = await post(`/twilio/voice?agent_id=${agentId}`, {
      AccountSid: accountSid,
      CallSid: callSid,
      From: '+14155550100',
      To: '+14155550123',
      Direction: 'outbound-api',
    });
    expect(response.statusCode).toBe(200);
    liveCalls.push(callSid);
  }
});
afterAll(async () => {
  counter.print();
  await t?.close();
});

function encode(params: FormParams): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, item);
  }
  return form.toString();
}

/** Posts form params, signed like Twilio over PUBLIC_URL + path (or with the given signature). */
function post(pathAndQuery: string, params: FormParams, signature?: string | null) {
  const sig =
    signature === undefined ? signTwilioRequest(token, PUBLIC_URL + pathAndQuery, params) : signature;
  return t.app.inject({
    method: 'POST',
    url: pathAndQuery,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(sig === null ? {} : { 'x-twilio-signature': sig }),
    },
    payload: encode(params),
  });
}

const callSid = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...['', '', ''].map((_, i) => i)).map((i) => liveCalls[i] ?? '') },
  { weight: 2, arbitrary: fc.constant(null).map(() => newSid('CA')) },
  { weight: 1, arbitrary: fc.oneof(hostileText(40), fc.stringMatching(/^CA[0-9a-f]{0,40}$/)) },
);
const account = fc.oneof(
  { weight: 5, arbitrary: fc.constant(null).map(() => accountSid) },
  { weight: 1, arbitrary: fc.constantFrom(`AC${'0'.repeat(32)}`, '', 'AC') },
);
/** Extra parameters Twilio may add, hostile names included (no nested parsing, no pollution). */
const extras = fc.dictionary(
  fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'a[b]', 'a[]', 'toString'),
    fc.string({ maxLength: 12 }),
  ),
  fc.oneof(hostileText(30), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 })),
  { maxKeys: 4 },
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?agent_id=default',
    '?agent_id=sales-001&transport=relay',
    '?transport=relay',
    '?agent_id=nope',
  ),
  hostileText(20).map(
    (value) =>
      `?agent_id=${encodeURIComponent(wellFormed(value))}&transport=${encodeURIComponent(wellFormed(value))}`,
  ),
);

function withOptional(base: FormParams, optional: Record<string, string | undefined>): FormParams {
  const params: FormParams = { ...base };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) params[key] = value;
  return params;
}

describe('Twilio webhooks with valid signatures over generated parameters', () => {
  it('/twilio/voice: never 5xx, always valid TwiML of known verbs', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        callSid,
        account,
        phoneLike,
        phoneLike,
        fc.option(fc.constantFrom('inbound', 'outbound-api', 'outbound-dial', 'x'), { nil: undefined }),
        fc.option(fc.constantFrom('human', 'machine_end_beep', 'fax', 'unknown', '<x>'), { nil: undefined }),
        query,
        extras,
        async (sid, acct, from, to, direction, answeredBy, q, extra) => {
          counter.add('voice');
          const params = withOptional(
            { ...extra, AccountSid: acct, CallSid: sid, From: from, To: to },
            { Direction: direction, AnsweredBy: answeredBy },
          );
          const response = await post(`/twilio/voice${q}`, params);
          expect(response.statusCode).toBeLessThan(500);
          if (response.statusCode === 403) return; // another account
          expectValidTwiml(response.body);
        },
      ),
      runs(400),
    );
  });

  it(
    '/twilio/gather: never 5xx, valid TwiML, no <Dial> to an unlisted number',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          callSid,
          fc.oneof(
            fc.integer({ min: -5, max: 200_000 }).map(String),
            hostileText(8).map(wellFormed),
            fc.constant(''),
          ),
          fc.option(
            fc.oneof(
              hostileText(80),
              fc.constantFrom(
                'transfer me to +19005550100',
                'goodbye',
                'my email is a@b.co',
                'x'.repeat(10_000),
              ),
            ),
            { nil: undefined },
          ),
          fc.option(fc.oneof(fc.stringMatching(/^[0-9*#]{1,6}$/), hostileText(6)), { nil: undefined }),
          fc.option(fc.oneof(fc.double().map(String), hostileText(6)), { nil: undefined }),
          extras,
          async (sid, seq, speech, digits, confidence, extra) => {
            counter.add('gather');
            const params = withOptional(
              { ...extra, AccountSid: accountSid, CallSid: sid },
              { SpeechResult: speech, Digits: digits, Confidence: confidence },
            );
            const response = await post(`/twilio/gather?seq=${encodeURIComponent(seq)}`, params);
            expect(response.statusCode).toBeLessThan(500);
            const verbs = expectValidTwiml(response.body);
            for (const verb of verbs) {
              // The seeded agents list no transfer targets: a <Dial> here is always wrong.
              expect(verb.verb).not.toBe('dial');
            }
          },
        ),
        runs(600),
      );
    },
  );

  it(
    '/twilio/status: never 5xx; 4xx names the parameters; a terminal call never goes back',
    { timeout: 120_000 },
    async () => {
      const statuses = [
        'queued',
        'initiated',
        'ringing',
        'in-progress',
        'completed',
        'busy',
        'failed',
        'no-answer',
        'canceled',
      ];
      await fc.assert(
        fc.asyncProperty(
          callSid,
          account,
          fc.oneof(fc.constantFrom(...statuses), hostileText(12)),
          fc.option(fc.oneof(fc.integer({ min: -10, max: 10_000 }).map(String), hostileText(6)), {
            nil: undefined,
          }),
          fc.option(fc.oneof(fc.integer({ min: -10, max: 100_000 }).map(String), hostileText(6)), {
            nil: undefined,
          }),
          extras,
          async (sid, acct, status, sequence, duration, extra) => {
            counter.add('status');
            const before = liveCalls.includes(sid) ? await t.container.callStore.get(sid) : undefined;
            const params = withOptional(
              { ...extra, AccountSid: acct, CallSid: sid, CallStatus: status },
              { SequenceNumber: sequence, CallDuration: duration },
            );
            const response = await post('/twilio/status', params);
            expect(response.statusCode).toBeLessThan(500);
            if (response.statusCode >= 400 && response.statusCode !== 403) {
              expect(expectJsonError(response.statusCode, response.body).message).toMatch(
                /CallSid|CallStatus/,
              );
            }
            if (before && ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(before.status)) {
              expect((await t.container.callStore.get(sid))?.status).toBe(before.status);
            }
          },
        ),
        runs(600),
      );
    },
  );

  it('/twilio/recording: never 5xx, never a download outside loopback', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        callSid,
        fc.oneof(
          fc.constant(null).map(() => newSid('RE')),
          hostileText(20),
        ),
        fc.oneof(
          fc.constantFrom(...ssrfUrls),
          hostileText(30),
          fc.constant('http://127.0.0.1:9/2010-04-01/Recordings/RE1'),
        ),
        fc.oneof(fc.constantFrom('completed', 'absent', 'failed', 'in-progress'), hostileText(10)),
        fc.option(fc.oneof(fc.integer({ min: -5, max: 10_000 }).map(String), hostileText(6)), {
          nil: undefined,
        }),
        async (sid, recordingSid, recordingUrl, status, duration) => {
          counter.add('recording');
          // Only loopback and refused schemes are generated: a completed recording is fetched for real.
          const url =
            /^https?:\/\/(127\.|\[::1\]|localhost)/.test(recordingUrl) || !/^https?:/.test(recordingUrl)
              ? recordingUrl
              : 'http://127.0.0.1:9/x';
          const params = withOptional(
            {
              AccountSid: accountSid,
              CallSid: sid,
              RecordingSid: recordingSid,
              RecordingUrl: url,
              RecordingStatus: status,
            },
            { RecordingDuration: duration },
          );
          const response = await post('/twilio/recording', params);
          expect(response.statusCode).toBeLessThan(500);
          if (response.statusCode >= 400 && response.statusCode !== 403)
            expectJsonError(response.statusCode, response.body);
        },
      ),
      runs(500),
    );
  });

  it(
    '/twilio/relay-action: never 5xx, valid TwiML, never a <Dial> to a target the agent does not list',
    { timeout: 120_000 },
    async () => {
      const handoff = fc.oneof(
        fc.constantFrom(
          '{"reason":"server-restart"}',
          '{"reason":"end"}',
          '{"reason":"transfer","target_id":"sales"}',
          '{"reason":"transfer","target":"+19005550100"}',
          '{"reason":"transfer","target_id":"+19005550100"}',
          '{"__proto__":{"reason":"transfer"}}',
          '{not json',
        ),
        fc.json(),
        hostileText(40),
      );
      await fc.assert(
        fc.asyncProperty(
          callSid,
          fc.option(handoff, { nil: undefined }),
          fc.option(fc.constantFrom('completed', 'failed', 'ended', ''), { nil: undefined }),
          fc.option(fc.oneof(fc.constantFrom('64105', '64102', '0'), hostileText(8)), { nil: undefined }),
          async (sid, handoffData, sessionStatus, errorCode) => {
            counter.add('relay-action');
            const params = withOptional(
              { AccountSid: accountSid, CallSid: sid },
              { HandoffData: handoffData, SessionStatus: sessionStatus, ErrorCode: errorCode },
            );
            const response = await post('/twilio/relay-action', params);
            expect(response.statusCode).toBeLessThan(500);
            const verbs = expectValidTwiml(response.body);
            expect(verbs.some((verb) => verb.verb === 'dial')).toBe(false);
          },
        ),
        runs(500),
      );
    },
  );
});

describe('Twilio webhooks with bad signatures', () => {
  const ROUTES = [
    '/twilio/voice',
    '/twilio/gather?seq=1',
    '/twilio/status',
    '/twilio/recording',
    '/twilio/relay-action',
  ];
  type Forgery =
    'random' | 'missing' | 'other-token' | 'other-route' | 'changed-param' | 'http-scheme' | 'empty';

  it('forged, missing, replayed or tampered: 403 and no side effect', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.constantFrom<Forgery>(
          'random',
          'missing',
          'other-token',
          'other-route',
          'changed-param',
          'http-scheme',
          'empty',
        ),
        fc.base64String({ minLength: 4, maxLength: 40 }),
        hostileText(20),
        async (route, forgery, randomSignature, speech) => {
          counter.add('forged');
          const sid = newSid('CA');
          const params: FormParams = {
            AccountSid: accountSid,
            CallSid: sid,
            From: '+14155550100',
            To: '+14155550123',
            CallStatus: 'completed',
            SpeechResult: speech,
          };
          const signatures: Record<Forgery, string | null> = {
            random: randomSignature,
            missing: null,
            empty: '',
            'other-token': signTwilioRequest('another-token', PUBLIC_URL + route, params),
            'other-route': signTwilioRequest(
              token,
              `${PUBLIC_URL}${route === '/twilio/status' ? '/twilio/voice' : '/twilio/status'}`,
              params,
            ),
            'changed-param': signTwilioRequest(token, PUBLIC_URL + route, {
              ...params,
              CallSid: newSid('CA'),
            }),
            'http-scheme': signTwilioRequest(token, PUBLIC_URL.replace('https', 'http') + route, params),
          };
          const response = await post(route, params, signatures[forgery]);
          expect(response.statusCode).toBe(403);
          expect(await t.container.callStore.get(sid)).toBeUndefined();
        },
      ),
      runs(1_000),
    );
  });

  it('raw malformed bodies (any signature): never 5xx', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.oneof(
          fc.constantFrom(
            'a=%',
            '%E0%A4%A',
            'a[b]=1',
            'a[]=1&a[]=2',
            '',
            '{"CallSid":"CA1"}',
            '&&&==',
            '__proto__[x]=1',
          ),
          fc.string({ unit: 'binary', maxLength: 200 }),
        ),
        fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/json',
          'text/plain',
          'multipart/form-data',
        ),
        fc.option(fc.base64String({ maxLength: 40 }), { nil: undefined }),
        async (route, body, contentType, signature) => {
          counter.add('malformed-body');
          const response = await t.app.inject({
            method: 'POST',
            url: route,
            headers: {
              'content-type': contentType,
              ...(signature === undefined ? {} : { 'x-twilio-signature': signature }),
            },
            payload: body,
          });
          expect(response.statusCode).toBeLessThan(500);
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
        },
      ),
      runs(2_000),
    );
    // A body over MAX_BODY_BYTES is refused before parsing.
    const huge = await t.app.inject({
      method: 'POST',
      url: '/twilio/voice',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `SpeechResult=${'x'.repeat(70_000)}`,
    });
    expect(huge.statusCode).toBe(413);
    counter.add('malformed-body');
  });

  it(
    'nested and mixed bodies (deep JSON, nested form keys, wrong content types), signed or not: ' +
      'never 5xx, never an error log; only a form is read, anything else is 415',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...ROUTES),
          fc.oneof(nestedJson, nestedForm),
          contentTypes,
          fc.boolean(),
          async (route, body, contentType, signed) => {
            counter.add('nested-body');
            const isForm = essence(contentType) === 'application/x-www-form-urlencoded';
            // Signed as Twilio would sign the flat form, so a form reaches the handlers.
            const signature = signTwilioRequest(
              token,
              PUBLIC_URL + route,
              signed && isForm ? parseTwilioForm(body) : {},
            );
            const errorsBefore = logs.errors().length;
            const response = await t.app.inject({
              method: 'POST',
              url: route,
              headers: {
                ...(contentType === undefined ? {} : { 'content-type': contentType }),
                'x-twilio-signature': signature,
              },
              payload: body,
            });
            expect(response.statusCode, response.body.slice(0, 200)).toBeLessThan(500);
            expect(logs.errors().slice(errorsBefore)).toEqual([]);
            if (!isForm && body.length > 0) {
              expect(response.statusCode).toBe(415);
              expectJsonError(response.statusCode, response.body);
            }
          },
        ),
        runs(400),
      );
    },
  );

  it(`generated its share of the 10,000 cases; the run's last fuzz file checks the sum (seed ${FUZZ_SEED})`, () => {
    counter.expectShare(5_600);
  });
});
