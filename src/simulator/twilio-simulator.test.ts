// The simulator against a small in-process server built from our own TwiML builders and
// signature check, standing in for the real routes (which the http layer owns).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  verifyTwilioSignature,
  verifyWebSocketSignature,
  type FormParams,
} from '../adapters/twilio/signature.js';
import { gatherTwiml, hangupTwiml, redirectTwiml, relayTwiml } from '../adapters/twilio/twiml.js';
import { APPLICATION_ERROR_TEXT } from './simulated-call.js';
import { TwilioSimulator, WITHHELD_CALLER } from './twilio-simulator.js';

const publicUrl = 'https://agent.example.com';
const accountSid = `AC${'a'.repeat(32)}`;
const authToken = 'test-auth-token-0123456789abcdef';
const voice = { voice: 'Polly.Joanna', language: 'en-US' };

interface Received {
  path: string;
  params: FormParams;
  headers: IncomingMessage['headers'];
  signatureValid: boolean;
  body: string;
}

function parseForm(raw: string): FormParams {
  const params: FormParams = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const existing = params[key];
    params[key] = existing === undefined ? value : ([] as string[]).concat(existing, value);
  }
  return params;
}

/** How the stand-in server answers each path; tests replace entries. */
type Handler = (params: FormParams, url: URL) => { status?: number; type?: string; body: string };

describe('TwilioSimulator', () => {
  let server: Server;
  let serverUrl: string;
  let received: Received[];
  let handlers: Record<string, Handler>;

  const defaultHandlers = (): Record<string, Handler> => ({
    '/twilio/voice': () => ({
      body: gatherTwiml({
        ...voice,
        say: 'Hello! What is your name?',
        actionUrl: `${publicUrl}/twilio/gather?seq=1`,
      }),
    }),
    '/twilio/gather': (params, url) => {
      const seq = Number(url.searchParams.get('seq'));
      if (params.SpeechResult === undefined) {
        return {
          body: gatherTwiml({
            ...voice,
            say: 'Are you still there?',
            actionUrl: `${publicUrl}/twilio/gather?seq=${seq}`,
          }),
        };
      }
      if (seq >= 2) return { body: hangupTwiml({ ...voice, say: 'Thanks, goodbye.' }) };
      return {
        body: gatherTwiml({
          ...voice,
          say: `Nice to meet you, ${String(params.SpeechResult)}. Your email?`,
          actionUrl: `${publicUrl}/twilio/gather?seq=${seq + 1}`,
        }),
      };
    },
    '/twilio/status': () => ({ status: 204, body: '' }),
    '/twilio/recording': () => ({ status: 204, body: '' }),
  });

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const url = new URL(request.url ?? '/', 'http://local');
        const params = parseForm(body);
        const signatureValid = verifyTwilioSignature({
          authTokens: [authToken],
          publicUrl,
          pathAndQuery: request.url ?? '/',
          params,
          signature: request.headers['x-twilio-signature'] as string | undefined,
        }).valid;
        received.push({
          path: url.pathname + url.search,
          params,
          headers: request.headers,
          signatureValid,
          body,
        });
        const handler = handlers[url.pathname];
        const answer = handler ? handler(params, url) : { status: 404, body: 'not found' };
        response.writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'text/xml' });
        response.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    received = [];
    handlers = defaultHandlers();
  });

  const simulator = (overrides: Partial<ConstructorParameters<typeof TwilioSimulator>[0]> = {}) =>
    new TwilioSimulator({ serverUrl, publicUrl, accountSid, authToken, ...overrides });

  it('places an inbound call with Twilio parameter names, signed over the public URL', async () => {
    const call = await simulator().startCall({
      direction: 'inbound',
      from: '+919876543210',
      to: '+14155550100',
    });
    expect(call.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call.state).toBe('awaiting-input');
    expect(call.hear()).toBe('Hello! What is your name?');
    expect(received).toHaveLength(1);
    const [voiceHook] = received;
    expect(voiceHook?.path).toBe('/twilio/voice');
    expect(voiceHook?.signatureValid).toBe(true);
    expect(voiceHook?.params).toMatchObject({
      CallSid: call.callSid,
      AccountSid: accountSid,
      From: '+919876543210',
      To: '+14155550100',
      Caller: '+919876543210',
      Called: '+14155550100',
      CallStatus: 'ringing',
      ApiVersion: '2010-04-01',
      Direction: 'inbound',
      FromCountry: 'IN',
      ToCountry: 'US',
    });
    expect(voiceHook?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(voiceHook?.headers['i-twilio-idempotency-token']).toMatch(/^[0-9a-f-]{36}$/);
    expect(voiceHook?.headers['user-agent']).toBe('TwilioProxy/1.1');
  });

  it('runs a conversation: speech to the Gather action, then Hangup and the completed callback', async () => {
    let clock = 1_700_000_000_000;
    const sim = simulator({ now: () => clock });
    const call = await sim.startCall({ direction: 'inbound', from: '+14155550111', to: '+14155550100' });
    clock += 4_000;
    await call.say('Rahul', { confidence: 0.81 });
    expect(call.hear()).toBe('Nice to meet you, Rahul. Your email?');
    clock += 7_000;
    await call.say('rahul@example.com');
    expect(call.ended).toBe(true);
    expect(call.endReason).toBe('hangup-verb');
    expect(call.hear()).toBe('Thanks, goodbye.');

    const gathers = received.filter((r) => r.path.startsWith('/twilio/gather'));
    expect(gathers.map((r) => r.path)).toEqual(['/twilio/gather?seq=1', '/twilio/gather?seq=2']);
    expect(gathers[0]?.params).toMatchObject({
      SpeechResult: 'Rahul',
      Confidence: '0.81000000',
      CallStatus: 'in-progress',
    });
    expect(gathers.every((r) => r.signatureValid)).toBe(true);

    const status = received.filter((r) => r.path === '/twilio/status');
    expect(status).toHaveLength(1);
    expect(status[0]?.signatureValid).toBe(true);
    expect(status[0]?.params).toMatchObject({
      CallStatus: 'completed',
      CallDuration: '11',
      Duration: '1',
      SequenceNumber: '0',
      CallbackSource: 'call-progress-events',
      Timestamp: expect.stringMatching(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/),
    });
    expect(call.transcript.map((entry) => [entry.speaker, entry.text])).toEqual([
      ['agent', 'Hello! What is your name?'],
      ['caller', 'Rahul'],
      ['agent', 'Nice to meet you, Rahul. Your email?'],
      ['caller', 'rahul@example.com'],
      ['agent', 'Thanks, goodbye.'],
    ]);
  });

  it('places an outbound call: initiated, ringing, answered, then the voice URL, in sequence', async () => {
    const callSid = `CA${'b'.repeat(32)}`;
    const call = await simulator().startCall({
      direction: 'outbound',
      from: '+14155550100',
      to: '+14155550111',
      callSid,
      voiceUrl: `${publicUrl}/twilio/voice?attempt=at_1`,
      statusCallbackUrl: `${publicUrl}/twilio/status?attempt=at_1`,
      answeredBy: 'human',
    });
    await call.hangUp();
    expect(received.map((r) => [r.path, r.params.CallStatus, r.params.SequenceNumber])).toEqual([
      ['/twilio/status?attempt=at_1', 'initiated', '0'],
      ['/twilio/status?attempt=at_1', 'ringing', '1'],
      ['/twilio/status?attempt=at_1', 'in-progress', '2'],
      ['/twilio/voice?attempt=at_1', 'in-progress', undefined],
      ['/twilio/status?attempt=at_1', 'completed', '3'],
    ]);
    expect(received.every((r) => r.signatureValid && r.params.CallSid === callSid)).toBe(true);
    expect(received[3]?.params).toMatchObject({ Direction: 'outbound-api', AnsweredBy: 'human' });
    expect(call.endReason).toBe('caller-hung-up');
  });

  it('reports an unanswered outbound call without requesting the voice URL', async () => {
    const call = await simulator().startCall({
      direction: 'outbound',
      from: '+14155550100',
      to: '+14155550111',
      answer: 'no-answer',
    });
    expect(call.ended).toBe(true);
    expect(call.endReason).toBe('not-answered');
    expect(received.map((r) => r.params.CallStatus)).toEqual(['initiated', 'ringing', 'no-answer']);
    expect(received.at(-1)?.params).toMatchObject({ CallDuration: '0' });
    expect(received.at(-1)?.params).not.toHaveProperty('SipResponseCode');
  });

  it('posts an empty result for silence and follows a Redirect', async () => {
    handlers['/twilio/gather'] = (params) =>
      params.SpeechResult === undefined
        ? { body: redirectTwiml(`${publicUrl}/twilio/reprompt`) }
        : { body: hangupTwiml({ ...voice, say: 'Bye.' }) };
    handlers['/twilio/reprompt'] = () => ({
      body: gatherTwiml({
        ...voice,
        say: 'Sorry, I did not catch that.',
        actionUrl: `${publicUrl}/twilio/gather?seq=1`,
      }),
    });
    const call = await simulator().startCall({
      direction: 'inbound',
      from: '+14155550111',
      to: '+14155550100',
    });
    await call.silence();
    const silent = received.find((r) => r.path.startsWith('/twilio/gather'));
    expect(silent?.params).not.toHaveProperty('SpeechResult');
    expect(silent?.params).not.toHaveProperty('Confidence');
    expect(received.some((r) => r.path === '/twilio/reprompt' && r.signatureValid)).toBe(true);
    expect(call.hear()).toBe('Sorry, I did not catch that.');
    await call.say('hello');
    expect(call.ended).toBe(true);
  });

  it('resends the last webhook byte for byte', async () => {
    const call = await simulator().startCall({
      direction: 'inbound',
      from: '+14155550111',
      to: '+14155550100',
    });
    await call.say('Rahul');
    const result = await call.resend();
    expect(result.status).toBe(200);
    const [first, second] = received.filter((r) => r.path === '/twilio/gather?seq=1');
    expect(second).toBeDefined();
    expect(second?.body).toBe(first?.body);
    expect(second?.headers['i-twilio-idempotency-token']).toBe(first?.headers['i-twilio-idempotency-token']);
    expect(second?.headers['x-twilio-signature']).toBe(first?.headers['x-twilio-signature']);
  });

  it('hears Twilio’s application error on a 500 or bad TwiML, and uses a fallback URL when given', async () => {
    handlers['/twilio/voice'] = () => ({ status: 500, body: 'boom' });
    const failed = await simulator().startCall({
      direction: 'inbound',
      from: '+14155550111',
      to: '+14155550100',
    });
    expect(failed.ended).toBe(true);
    expect(failed.endReason).toBe('application-error');
    expect(failed.applicationErrors).toEqual([expect.objectContaining({ code: 11200, status: 500 })]);
    expect(failed.hear()).toBe(APPLICATION_ERROR_TEXT);

    handlers['/twilio/voice'] = () => ({ body: '<Response><Say>a & b</Say></Response>' });
    const malformed = await simulator().startCall({
      direction: 'inbound',
      from: '+14155550111',
      to: '+14155550100',
    });
    expect(malformed.applicationErrors[0]?.code).toBe(12100);

    handlers['/twilio/voice'] = () => ({ status: 503, body: '' });
    handlers['/twilio/fallback'] = () => ({
      body: hangupTwiml({ ...voice, say: 'Please call back later.' }),
    });
    const rescued = await simulator().startCall({
      direction: 'inbound',
      from: '+14155550111',
      to: '+14155550100',
      fallbackUrl: `${publicUrl}/twilio/fallback`,
    });
    expect(rescued.hear()).toBe('Please call back later.');
    expect(received.find((r) => r.path === '/twilio/fallback')?.params).toMatchObject({
      ErrorCode: '11200',
      ErrorUrl: `${publicUrl}/twilio/voice`,
    });
  });

  it('times out a slow webhook as 11205', async () => {
    handlers['/twilio/voice'] = () => ({ body: '' });
    const slow = simulator({
      webhookTimeoutMs: 100,
      fetchImpl: ((_url: string | URL | Request, init?: RequestInit) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        })) as typeof fetch,
    });
    const call = await slow.startCall({ direction: 'inbound', from: '+14155550111', to: '+14155550100' });
    expect(call.applicationErrors[0]?.code).toBe(11205);
  });

  it('surfaces a ConversationRelay session and posts the Connect action when it ends', async () => {
    handlers['/twilio/voice'] = () => ({
      body: relayTwiml({
        url: 'wss://agent.example.com/twilio/relay?agent=a1',
        actionUrl: `${publicUrl}/twilio/relay-action`,
        welcomeGreeting: 'Hi!',
        language: 'en-US',
        voice: 'Polly.Joanna-Neural',
        interruptible: true,
        dtmfDetection: true,
        parameters: { agent_id: 'a1' },
      }),
    });
    handlers['/twilio/relay-action'] = () => ({
      body: hangupTwiml({ ...voice, say: 'Transferring ended. Bye.' }),
    });
    const call = await simulator().startCall({
      direction: 'inbound',
      from: '+14155550111',
      to: '+14155550100',
    });
    expect(call.state).toBe('in-relay');
    const relay = call.relay!;
    expect(relay.url).toBe('wss://agent.example.com/twilio/relay?agent=a1');
    expect(relay.serverUrl).toBe(`${serverUrl.replace('http://', 'ws://')}/twilio/relay?agent=a1`);
    expect(relay.parameters).toEqual({ agent_id: 'a1' });
    expect(relay.attributes.welcomeGreeting).toBe('Hi!');
    expect(relay.setup).toMatchObject({
      callSid: call.callSid,
      customParameters: { agent_id: 'a1' },
      direction: 'inbound',
    });
    expect(relay.sessionId).toMatch(/^VX[0-9a-f]{32}$/);
    expect(
      verifyWebSocketSignature({
        authTokens: [authToken],
        url: relay.url,
        signature: relay.headers['x-twilio-signature'],
      }),
    ).toEqual({ valid: true });

    await call.endRelay({ handoffData: '{"reasonCode":"live-agent-handoff"}' });
    const action = received.find((r) => r.path === '/twilio/relay-action');
    expect(action?.signatureValid).toBe(true);
    expect(action?.params).toMatchObject({
      CallSid: call.callSid,
      SessionId: relay.sessionId,
      SessionStatus: 'completed',
      HandoffData: '{"reasonCode":"live-agent-handoff"}',
    });
    expect(call.ended).toBe(true);
  });

  it('runs a script and sends a recording callback', async () => {
    const startRecording = { statusCallbackUrl: `${publicUrl}/twilio/recording` };
    handlers['/twilio/voice'] = () => ({
      body: gatherTwiml({
        ...voice,
        say: 'Hello! What is your name?',
        actionUrl: `${publicUrl}/twilio/gather?seq=1`,
        startRecording,
      }),
    });
    const { call, transcript, endReason, unused } = await simulator().runScript(
      { direction: 'inbound', from: '+14155550111', to: '+14155550100' },
      ['Rahul', { silence: true }, { say: 'rahul@example.com', confidence: 0.5 }, 'never said'],
    );
    expect(endReason).toBe('hangup-verb');
    expect(unused).toBe(1);
    expect(
      transcript.filter((entry) => entry.speaker === 'caller').map((entry) => entry.event ?? entry.text),
    ).toEqual(['Rahul', 'silence', 'rahul@example.com']);
    const result = await call.sendRecording({ durationSeconds: 30 });
    expect(result.status).toBe(204);
    const recording = received.find((r) => r.path === '/twilio/recording');
    expect(recording?.signatureValid).toBe(true);
    expect(recording?.params).toMatchObject({
      CallSid: call.callSid,
      RecordingSid: expect.stringMatching(/^RE[0-9a-f]{32}$/),
      RecordingStatus: 'completed',
      RecordingDuration: '30',
      RecordingUrl: expect.stringContaining('/Recordings/RE'),
      RecordingSource: 'StartCallRecordingAPI',
      RecordingChannels: '1',
      RecordingTrack: 'both',
    });
    await call.sendRecording({ status: 'absent' });
    expect(received.filter((r) => r.path === '/twilio/recording')).toHaveLength(2);
  });

  it('sends a recording callback only for a recording the call asked for', async () => {
    const unrecorded = await simulator().runScript(
      { direction: 'inbound', from: '+14155550111', to: '+14155550100' },
      ['Rahul', 'rahul@example.com'],
    );
    expect(unrecorded.call.recordingRequests).toEqual([]);
    await expect(unrecorded.call.sendRecording()).rejects.toThrow(/asked for no recording/);

    // The REST create asked for one (Record=true): Twilio's defaults are mono and `completed` only.
    const outbound = await simulator().startCall({
      direction: 'outbound',
      from: '+14155550100',
      to: '+14155550111',
      record: { statusCallbackUrl: `${publicUrl}/twilio/recording` },
    });
    expect(outbound.recordingRequests).toEqual([
      {
        source: 'OutboundAPI',
        statusCallbackUrl: `${publicUrl}/twilio/recording`,
        statusCallbackMethod: 'POST',
        events: ['completed'],
        channels: 1,
        track: 'both',
      },
    ]);
    await expect(outbound.sendRecording({ status: 'absent' })).rejects.toThrow(/subscribed to "completed"/);
    await outbound.sendRecording();
    expect(received.find((r) => r.path === '/twilio/recording')?.params).toMatchObject({
      RecordingSource: 'OutboundAPI',
      RecordingChannels: '1',
    });

    // <Start><Recording> with Twilio's defaults (dual, completed) and a relative callback URL.
    handlers['/twilio/voice'] = () => ({
      body:
        '<?xml version="1.0" encoding="UTF-8"?><Response><Start><Recording recordingStatusCallback="/twilio/recording"/>' +
        '</Start><Say>Recording.</Say><Hangup/></Response>',
    });
    const started = await simulator().startCall({
      direction: 'inbound',
      from: '+14155550111',
      to: '+14155550100',
    });
    expect(started.heard().map((entry) => entry.text)).toEqual(['Recording.']);
    expect(started.recordingRequests).toMatchObject([
      {
        source: 'StartCallRecordingAPI',
        statusCallbackUrl: `${publicUrl}/twilio/recording`,
        events: ['completed'],
        channels: 2,
      },
    ]);
  });

  it('sends the parameter names of a captured real inbound request, and of its speech Gather action', async () => {
    const captured = JSON.parse(
      readFileSync(new URL('./fixtures/twilio-voice-webhooks.json', import.meta.url), 'utf8'),
    ) as { inboundVoice: Record<string, string>; speechGatherAction: Record<string, string> };
    const call = await simulator().startCall({
      direction: 'inbound',
      from: '+14155550123',
      to: '+14155550100',
    });
    await call.say('Hello.');
    const [voiceHook, gatherHook] = received;
    const names = (params: FormParams | undefined) => Object.keys(params ?? {}).sort();
    expect(names(voiceHook?.params)).toEqual(names(captured.inboundVoice));
    expect(names(gatherHook?.params)).toEqual(names(captured.speechGatherAction));
    // Unplaced geo values are sent, empty; a normal number arrives fully attested with a CallToken.
    expect(voiceHook?.params).toMatchObject({
      FromCity: '',
      FromState: '',
      FromZip: '',
      FromCountry: 'US',
      StirVerstat: 'TN-Validation-Passed-A',
    });
    expect(JSON.parse(String(voiceHook?.params.CallToken))).toMatchObject({
      parentCallInfoToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    });
    expect(gatherHook?.params).toMatchObject({ SpeechResult: 'Hello.', Language: 'en-US' });
  });

  it('simulates a withheld caller and the attestation it asks for', async () => {
    await simulator().startCall({ direction: 'inbound', from: WITHHELD_CALLER, to: '+14155550100' });
    await simulator().startCall({
      direction: 'inbound',
      from: '+14155550123',
      to: '+14155550100',
      stirVerstat: 'TN-Validation-Failed-C',
    });
    await simulator().startCall({
      direction: 'inbound',
      from: '+14155550124',
      to: '+14155550100',
      stirVerstat: null,
    });
    const [withheld, failed, none] = received.filter((r) => r.path === '/twilio/voice');
    expect(withheld?.params).toMatchObject({ From: '+266696687', Caller: '+266696687', FromCountry: '' });
    expect(withheld?.params.StirVerstat).toBeUndefined();
    expect(failed?.params.StirVerstat).toBe('TN-Validation-Failed-C');
    expect(none?.params.StirVerstat).toBeUndefined();
    expect(none?.params.CallToken).toBeDefined();
  });

  it('refuses to act out of turn and to leave the public URL', async () => {
    const call = await simulator().startCall({
      direction: 'inbound',
      from: '+14155550111',
      to: '+14155550100',
    });
    await call.hangUp();
    await expect(call.say('hello')).rejects.toThrow(/no Gather is waiting/);
    handlers['/twilio/voice'] = () => ({ body: redirectTwiml('https://elsewhere.example.com/x') });
    await expect(
      simulator().startCall({ direction: 'inbound', from: '+14155550111', to: '+14155550100' }),
    ).rejects.toThrow(/not under the public URL/);
  });
});
