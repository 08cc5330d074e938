import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTwilioRequest } from '../../adapters/twilio/signature.js';
import { newSid } from '../../simulator/twilio-params.js';
import { captureLogs, type LogCapture } from '../../../test/support/log-capture.js';
import { createTestApp, type TestApp } from '../../http/testing.js';
import { MAX_FORM_PARAMETERS, parseTwilioForm } from './form-body.js';

const PUBLIC_URL = 'https://voice.example.test';
const ROUTES = [
  '/twilio/voice',
  '/twilio/gather?seq=1',
  '/twilio/status',
  '/twilio/recording',
  '/twilio/relay-action',
];
// The largest nesting that fits under the default 64 KB body limit.
const DEPTH = 30_000;
const deepArray = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;

describe('parseTwilioForm', () => {
  it('reads flat pairs, repeated keys as arrays, and nested-looking keys as plain keys', () => {
    const params = parseTwilioForm('CallSid=CA1&a[b][c]=1&a[]=x&a[]=y&Speech=Hello%2C+world.&e=');
    expect({ ...params }).toEqual({
      CallSid: 'CA1',
      'a[b][c]': '1',
      'a[]': ['x', 'y'],
      Speech: 'Hello, world.',
      e: '',
    });
  });

  it('keeps __proto__ a parameter, in an object without a prototype', () => {
    const params = parseTwilioForm('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect(params.__proto__).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it(`refuses more than ${MAX_FORM_PARAMETERS} parameters`, () => {
    const many = Array.from({ length: MAX_FORM_PARAMETERS + 1 }, (_, i) => `p${i}=1`).join('&');
    expect(() => parseTwilioForm(many)).toThrow(/more than 200 parameters/);
    expect(Object.keys(parseTwilioForm(many.slice(0, many.lastIndexOf('&'))))).toHaveLength(200);
  });
});

describe('Twilio routes take flat forms only', () => {
  let t: TestApp;
  let logs: LogCapture;
  beforeAll(async () => {
    logs = captureLogs();
    t = await createTestApp({ PUBLIC_URL, RECORD_CALLS: 'false' }, { logger: logs.logger });
  });
  afterAll(() => t.close());

  const post = (url: string, contentType: string | undefined, payload: string, signature = 'x') =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...(contentType ? { 'content-type': contentType } : {}), 'x-twilio-signature': signature },
      payload,
    });

  it('answers a deeply nested JSON body with 415 on every route, before the signature check', async () => {
    for (const url of ROUTES) {
      for (const payload of [
        deepArray,
        `{"CallSid":${deepArray}}`,
        `[{"a":${deepArray.slice(5_000, -5_000)}}]`,
      ]) {
        const response = await post(url, 'application/json', payload);
        expect(response.statusCode, url).toBe(415);
        expect(response.json()).toMatchObject({ message: expect.stringContaining('x-www-form-urlencoded') });
      }
    }
    expect(logs.errors()).toEqual([]);
  });

  it('answers other content types, and a body without one, with 415', async () => {
    const bodies: [string | undefined, string][] = [
      ['text/plain', 'CallSid=CA1'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
      ],
      ['application/xml', '<a/>'],
      ['application/x-www-form-urlencoded-extra', 'CallSid=CA1'],
      [undefined, 'CallSid=CA1'],
    ];
    for (const url of ROUTES) {
      for (const [type, payload] of bodies) {
        expect((await post(url, type, payload)).statusCode, `${url} ${type}`).toBe(415);
      }
    }
    expect(logs.errors()).toEqual([]);
  });

  it('answers a form with too many parameters with 400, and reads nested-looking keys flat', async () => {
    const many = Array.from({ length: MAX_FORM_PARAMETERS + 1 }, (_, i) => `p${i}=1`).join('&');
    const refused = await post('/twilio/status', 'application/x-www-form-urlencoded', many);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: 'validation', message: expect.stringContaining('200') });

    // `a[b][c]…` thousands deep is one key; signed over it as Twilio would, the handler runs.
    const params = {
      AccountSid: t.container.secrets.twilioAccountSid,
      CallSid: newSid('CA'),
      CallStatus: 'completed',
      [`a${'[b]'.repeat(5_000)}`]: '1',
    };
    const body = new URLSearchParams(params).toString();
    const signature = signTwilioRequest(
      t.container.secrets.twilioAuthToken,
      `${PUBLIC_URL}/twilio/status`,
      params,
    );
    for (const type of [
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
    ]) {
      const accepted = await post('/twilio/status', type, body, signature);
      expect(accepted.statusCode, type).toBeLessThan(500);
      expect(accepted.statusCode, type).not.toBe(403);
    }
    expect(logs.errors()).toEqual([]);
  });
});
