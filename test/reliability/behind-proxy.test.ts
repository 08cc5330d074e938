// B6 (reliability.md §5.4): the server behind a TLS-terminating proxy, a load balancer or ngrok sees
// http://, an internal host, a port and X-Forwarded-* headers that the proxy (or an attacker) wrote.
// Twilio signs the public URL it was given, so a valid request must pass whatever those headers say,
// and a signature made for another host must fail even when X-Forwarded-Host names that host. The
// URLs the server hands back to Twilio (Gather action, relay socket) come from PUBLIC_URL too.
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signTwilioRequest, type FormParams } from '../../src/adapters/twilio/signature.js';
import { relaySocketKey, relaySocketPath } from '../../src/transports/relay/relay-socket-grant.js';
import { createTestApp, type TestApp } from '../../src/http/testing.js';
import { newSid } from '../../src/simulator/twilio-params.js';
import { expectValidTwiml } from './support/fuzz-support.js';

const NGROK_URL = 'https://1a2b-203-0-113-7.ngrok-free.app';
const ATTACKER_HOST = 'attacker.example.net';

/** What a proxy in front of the server typically adds: TLS ended, internal host, client address. */
const PROXY_HEADERS = {
  host: '10.0.3.7:3000',
  'x-forwarded-proto': 'http',
  'x-forwarded-port': '80',
  'x-forwarded-for': '198.51.100.23',
};
const FORGED_HOST_HEADERS = {
  host: ATTACKER_HOST,
  'x-forwarded-host': ATTACKER_HOST,
  'x-forwarded-proto': 'https',
  forwarded: `for=198.51.100.23;host=${ATTACKER_HOST};proto=https`,
};

interface Server {
  t: TestApp;
  token: string;
  accountSid: string;
}

async function startServer(publicUrl: string, env: Record<string, string> = {}): Promise<Server> {
  const t = await createTestApp({ PUBLIC_URL: publicUrl, RECORD_CALLS: 'false', ...env });
  return {
    t,
    token: t.container.secrets.twilioAuthToken,
    accountSid: t.container.secrets.twilioAccountSid,
  };
}

/** A form POST of params to pathAndQuery, signed over signedUrl, with the given headers. */
function post(
  server: Server,
  options: { pathAndQuery: string; signedUrl: string; params: FormParams; headers: Record<string, string> },
) {
  return server.t.app.inject({
    method: 'POST',
    url: options.pathAndQuery,
    headers: {
      ...options.headers,
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signTwilioRequest(server.token, options.signedUrl, options.params),
    },
    payload: new URLSearchParams(options.params as Record<string, string>).toString(),
  });
}

/** The status of a fresh call's voice webhook at pathAndQuery, signed over signedUrl. */
async function voiceStatus(server: Server, signedUrl: string, pathAndQuery = '/twilio/voice') {
  const response = await post(server, {
    pathAndQuery,
    signedUrl,
    params: voiceParams(server),
    headers: PROXY_HEADERS,
  });
  return response.statusCode;
}

function voiceParams(server: Server, callSid = newSid('CA')): FormParams {
  return {
    AccountSid: server.accountSid,
    CallSid: callSid,
    From: '+14155550100',
    To: '+14155550142',
    Direction: 'outbound-api',
    CallStatus: 'in-progress',
  };
}

/** Every absolute URL in a TwiML answer. */
const urlsIn = (twiml: string) => [...twiml.matchAll(/(?:https?|wss?):\/\/[^"'<\s]+/g)].map((m) => m[0]);

describe('B6: behind a proxy, the signed URL is PUBLIC_URL + path, never the request headers', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer('https://voice.example.test');
  });
  afterAll(async () => {
    await server?.t.close();
  });

  it('accepts a valid voice webhook and Gather turn that arrive as http:// on an internal host', async () => {
    const pathAndQuery = '/twilio/voice?agent_id=default';
    const params = voiceParams(server);
    const voice = await post(server, {
      pathAndQuery,
      signedUrl: `https://voice.example.test${pathAndQuery}`,
      params,
      headers: PROXY_HEADERS,
    });
    expect(voice.statusCode).toBe(200);
    const verbs = expectValidTwiml(voice.body);
    const gather = verbs.find((verb) => verb.verb === 'gather');
    // The next URL Twilio is given is public too, so the next turn is signed over it.
    const action = gather?.action ?? '';
    expect(action.startsWith('https://voice.example.test/')).toBe(true);
    const turn = await post(server, {
      pathAndQuery: action.slice('https://voice.example.test'.length),
      signedUrl: action,
      params: { ...params, SpeechResult: 'Hi, my laptop will not start', Confidence: '0.9' },
      headers: PROXY_HEADERS,
    });
    expect(turn.statusCode, turn.body).toBe(200);
    expect(turn.body).not.toMatch(/trouble/i);
  });

  it('accepts a signature Twilio computed with :443 in the URL (either form is valid)', async () => {
    const pathAndQuery = '/twilio/voice?agent_id=default';
    const response = await post(server, {
      pathAndQuery,
      signedUrl: `https://voice.example.test:443${pathAndQuery}`,
      params: voiceParams(server),
      headers: { ...PROXY_HEADERS, host: 'voice.example.test:443', 'x-forwarded-port': '443' },
    });
    expect(response.statusCode).toBe(200);
    expectValidTwiml(response.body);
  });

  it('refuses a signature over the URL the proxy headers describe (http://, internal host)', async () => {
    for (const signedUrl of [
      'http://voice.example.test/twilio/voice',
      'http://10.0.3.7:3000/twilio/voice',
      'https://10.0.3.7:3000/twilio/voice',
    ]) {
      expect(await voiceStatus(server, signedUrl), signedUrl).toBe(403);
    }
  });

  it('a forged X-Forwarded-Host cannot change the validated URL nor the URLs handed to Twilio', async () => {
    // Signed for the attacker's host (as by another app on the same account): refused, no call made.
    const forgedSid = newSid('CA');
    const forged = await post(server, {
      pathAndQuery: '/twilio/voice?agent_id=default',
      signedUrl: `https://${ATTACKER_HOST}/twilio/voice?agent_id=default`,
      params: voiceParams(server, forgedSid),
      headers: FORGED_HOST_HEADERS,
    });
    expect(forged.statusCode).toBe(403);
    expect(await server.t.container.callStore.get(forgedSid)).toBeUndefined();

    // A valid request carrying the forged headers: accepted, and every URL in the answer is ours.
    for (const query of ['?agent_id=default', '?agent_id=default&transport=relay']) {
      const response = await post(server, {
        pathAndQuery: `/twilio/voice${query}`,
        signedUrl: `https://voice.example.test/twilio/voice${query}`,
        params: voiceParams(server),
        headers: FORGED_HOST_HEADERS,
      });
      expect(response.statusCode).toBe(200);
      expectValidTwiml(response.body);
      const urls = urlsIn(response.body);
      expect(urls.length, response.body).toBeGreaterThan(0);
      for (const url of urls) expect(url, response.body).toMatch(/^(https|wss):\/\/voice\.example\.test\//);
      expect(response.body).not.toContain(ATTACKER_HOST);
    }
  });

  it('refuses a relay socket signed for the forged host, accepts one signed for PUBLIC_URL', async () => {
    const url = await server.t.app.listen({ host: '127.0.0.1', port: 0 });
    // A socket URL as the server writes it into its TwiML: signed for one call.
    const path = relaySocketPath(relaySocketKey(server.t.container.secrets.signingSecret), {
      callSid: newSid('CA'),
      reconnect: 0,
    });
    const handshake = async (signedUrl: string) => {
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, {
        headers: {
          ...FORGED_HOST_HEADERS,
          'x-twilio-signature': signTwilioRequest(server.token, signedUrl, {}),
        },
      });
      const outcome = await Promise.race([
        once(socket, 'open').then(() => 101),
        once(socket, 'unexpected-response').then(
          ([, response]) => (response as { statusCode: number }).statusCode,
        ),
      ]);
      socket.terminate();
      return outcome;
    };
    expect(await handshake(`wss://${ATTACKER_HOST}${path}`)).toBe(403);
    expect(await handshake(`wss://voice.example.test${path}`)).toBe(101);
  });
});

describe('B6: with TRUST_PROXY the proxy names the client, and still never the URL', () => {
  it('a forged X-Forwarded-Host from a trusted proxy changes neither the signed URL nor the TwiML', async () => {
    // app.inject connects from 127.0.0.1: the trusted proxy.
    const server = await startServer('https://voice.example.test', { TRUST_PROXY: 'loopback' });
    try {
      const pathAndQuery = '/twilio/voice?agent_id=default';
      const forged = await post(server, {
        pathAndQuery,
        signedUrl: `https://${ATTACKER_HOST}${pathAndQuery}`,
        params: voiceParams(server),
        headers: FORGED_HOST_HEADERS,
      });
      expect(forged.statusCode).toBe(403);
      const valid = await post(server, {
        pathAndQuery,
        signedUrl: `https://voice.example.test${pathAndQuery}`,
        params: voiceParams(server),
        headers: FORGED_HOST_HEADERS,
      });
      expect(valid.statusCode).toBe(200);
      // (Whom it counts a wrong admin key against is what TRUST_PROXY decides: admin-keys.test.ts.)
      expect(urlsIn(valid.body).length).toBeGreaterThan(0);
      for (const url of urlsIn(valid.body)) expect(url).toMatch(/^(https|wss):\/\/voice\.example\.test\//);
    } finally {
      await server.t.close();
    }
  });
});

describe('B6: other PUBLIC_URL shapes', () => {
  it('PUBLIC_URL with :443 accepts Twilio signatures with and without the port', async () => {
    const server = await startServer('https://voice.example.test:443');
    try {
      for (const signedUrl of [
        'https://voice.example.test:443/twilio/voice?agent_id=default',
        'https://voice.example.test/twilio/voice?agent_id=default',
      ]) {
        expect(await voiceStatus(server, signedUrl, '/twilio/voice?agent_id=default'), signedUrl).toBe(200);
      }
    } finally {
      await server.t.close();
    }
  });

  it('an ngrok URL: requests arrive for localhost:3000 and pass; a forged host does not', async () => {
    const server = await startServer(NGROK_URL);
    try {
      const ngrokHeaders = {
        host: 'localhost:3000',
        'x-forwarded-host': new URL(NGROK_URL).host,
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '198.51.100.23',
        'ngrok-skip-browser-warning': '1',
      };
      const pathAndQuery = '/twilio/voice?agent_id=customer-support-001';
      const ok = await post(server, {
        pathAndQuery,
        signedUrl: `${NGROK_URL}${pathAndQuery}`,
        params: voiceParams(server),
        headers: ngrokHeaders,
      });
      expect(ok.statusCode).toBe(200);
      for (const url of urlsIn(ok.body)) expect(url.startsWith(`${NGROK_URL}/`)).toBe(true);
      const forged = await post(server, {
        pathAndQuery,
        signedUrl: `https://${ATTACKER_HOST}${pathAndQuery}`,
        params: voiceParams(server),
        headers: { ...ngrokHeaders, 'x-forwarded-host': ATTACKER_HOST },
      });
      expect(forged.statusCode).toBe(403);
    } finally {
      await server.t.close();
    }
  });
});
