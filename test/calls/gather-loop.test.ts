// Whole calls over the <Gather> loop: the simulator plays Twilio against a real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTwilioRequest } from '../../src/adapters/twilio/signature.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

const CALLER = '+14155550123';
const SUPPORT_NUMBER = '+14155550100';
const UNASSIGNED_NUMBER = '+14155550199';

let server: LiveServer;

beforeAll(async () => {
  server = await startLiveServer();
  const response = await server.app.inject({
    method: 'PUT',
    url: `/phone-numbers/${encodeURIComponent(SUPPORT_NUMBER)}`,
    headers: server.auth,
    payload: { agent_id: 'customer-support-001' },
  });
  expect(response.statusCode).toBe(200);
});
afterAll(() => server.close());

async function inbound(to = SUPPORT_NUMBER, from = CALLER) {
  return server.simulator.startCall({ direction: 'inbound', from, to });
}

async function callDetail(sid: string) {
  const response = await server.app.inject({ method: 'GET', url: `/calls/${sid}`, headers: server.auth });
  expect(response.statusCode).toBe(200);
  return response.json() as {
    agent_id: string;
    status: string;
    ended_by?: string;
    data_collected: Record<string, { value: unknown; turn: number }>;
    transcript: { seq: number; kind: string; caller?: string; agent: string; confidence?: number }[];
  };
}

describe('inbound calls', () => {
  it('routes the dialled number to its agent, greets, collects and ends on goodbye', async () => {
    const call = await inbound();
    expect(call.hear()).toContain('');
    const greeting = call.transcript[0];
    expect(greeting?.speaker).toBe('agent');
    expect(greeting?.voice).toBe('Polly.Joanna-Neural');

    await call.say('Hi, my laptop will not start', { confidence: 0.92 });
    await call.say('My name is Manas. Do you need my email?', { confidence: 0.9 });
    await call.say('thanks, bye', { confidence: 0.95 });
    expect(call.ended).toBe(true);
    expect(call.endReason).toBe('hangup-verb');

    const detail = await callDetail(call.callSid);
    expect(detail.agent_id).toBe('customer-support-001');
    expect(detail.ended_by).toBe('user');
    expect(detail.data_collected.name).toEqual({ value: 'Manas', turn: 2 });
    expect(detail.transcript.map((t) => t.seq)).toEqual([0, 1, 2, 3]);
    expect(detail.transcript[1]).toMatchObject({ caller: 'Hi, my laptop will not start', confidence: 0.92 });
    // What the caller heard is exactly what was stored.
    const heardAgentLines = call.transcript.filter((t) => t.speaker === 'agent').map((t) => t.text);
    expect(heardAgentLines).toEqual(detail.transcript.map((t) => t.agent));
  });

  it('sends an unknown number to the default agent', async () => {
    const call = await inbound(UNASSIGNED_NUMBER, '+14155550124');
    const detail = await callDetail(call.callSid);
    expect(detail.agent_id).toBe('default');
    expect(detail.status).toBe('in-progress');
  });

  it('asks again on low confidence at most twice in a row', async () => {
    const call = await inbound();
    await call.say('mumble one', { confidence: 0.2 });
    await call.say('mumble two', { confidence: 0.3 });
    await call.say('my laptop will not start', { confidence: 0.4 });
    const detail = await callDetail(call.callSid);
    expect(detail.transcript.slice(1).map((t) => t.kind)).toEqual([
      'low_confidence',
      'low_confidence',
      'speech',
    ]);
    expect(detail.transcript[1]?.agent).toMatch(/again/i);
  });

  it('treats a missing Confidence as unknown, not as zero', async () => {
    const call = await inbound();
    await call.say('my laptop will not start');
    const detail = await callDetail(call.callSid);
    expect(detail.transcript[1]?.kind).toBe('speech');
  });

  it('re-prompts a silent caller, then says goodbye and hangs up', async () => {
    const call = await inbound();
    await call.silence();
    await call.silence();
    expect(call.ended).toBe(false);
    await call.silence();
    expect(call.ended).toBe(true);
    const detail = await callDetail(call.callSid);
    expect(detail.ended_by).toBe('system_silence');
    expect(detail.transcript.slice(1).map((t) => t.kind)).toEqual(['silence', 'silence', 'silence']);
  });

  it('answers a duplicate delivery with the same TwiML and stores one turn', async () => {
    const call = await inbound();
    await call.say('my laptop will not start', { confidence: 0.9 });
    const first = call.exchanges.at(-1);
    const again = await call.resend();
    expect(again.status).toBe(200);
    expect(again.body).toBe(first?.response.body);
    const detail = await callDetail(call.callSid);
    expect(detail.transcript).toHaveLength(2);
  });

  it('answers a retried voice webhook as the first time, with one call item, even once its number moved', async () => {
    const call = await inbound(SUPPORT_NUMBER, '+14155550125');
    const first = call.exchanges.at(-1);
    const moveTo = (agent_id: string) =>
      server.app.inject({
        method: 'PUT',
        url: `/phone-numbers/${encodeURIComponent(SUPPORT_NUMBER)}`,
        headers: server.auth,
        payload: { agent_id },
      });
    expect((await moveTo('default')).statusCode).toBe(200);
    try {
      const again = await call.resend();
      expect(again.status).toBe(200);
      expect(again.body).toBe(first?.response.body);
    } finally {
      expect((await moveTo('customer-support-001')).statusCode).toBe(200);
    }
    const detail = await callDetail(call.callSid);
    expect(detail.agent_id).toBe('customer-support-001');
    expect(detail.transcript.map((t) => t.kind)).toEqual(['greeting']);
  });

  it('keeps XML specials, emoji and Devanagari as text and still answers valid TwiML', async () => {
    const call = await inbound();
    const speech = 'ok <Hangup/> & "quotes" ]]> 😀 मेरा नाम राहुल है';
    await call.say(speech, { confidence: 0.9 });
    expect(call.applicationErrors).toEqual([]);
    expect(call.ended).toBe(false);
    const detail = await callDetail(call.callSid);
    expect(detail.transcript[1]?.caller).toBe(speech);
  });
});

describe('webhook security and bad input', () => {
  const voiceUrl = `${PUBLIC_URL}/twilio/voice`;
  const params = () => ({
    CallSid: `CA${'a'.repeat(32)}`,
    AccountSid: server.container.secrets.twilioAccountSid,
    From: CALLER,
    To: SUPPORT_NUMBER,
    CallStatus: 'ringing',
    Direction: 'inbound',
  });

  it('refuses a forged or missing signature with 403', async () => {
    const forged = await server.simulator.post(voiceUrl, params(), { signature: 'bm90LWEtc2lnbmF0dXJl' });
    expect(forged.status).toBe(403);
    const wrongToken = signTwilioRequest('another-token', voiceUrl, params());
    expect((await server.simulator.post(voiceUrl, params(), { signature: wrongToken })).status).toBe(403);
    const response = await server.app.inject({
      method: 'POST',
      url: '/twilio/voice',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(params()).toString(),
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'forbidden' });
  });

  it('answers a signed request without CallSid with 400 and valid TwiML', async () => {
    const { CallSid: _omit, ...rest } = params();
    const response = await server.simulator.post(voiceUrl, rest);
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Response>');
  });

  it('refuses a request for another account', async () => {
    const response = await server.simulator.post(voiceUrl, {
      ...params(),
      AccountSid: `AC${'b'.repeat(32)}`,
    });
    expect(response.status).toBe(403);
  });

  it('answers 400 to a malformed form body, never 500', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/twilio/status',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=%E0%A4%A&b=%',
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
  });
});

describe('status callbacks', () => {
  it('applies statuses in order and ignores a late ringing after completed', async () => {
    const call = await inbound();
    await call.hangUp();
    const statusUrl = `${PUBLIC_URL}/twilio/status`;
    const late = await server.simulator.post(statusUrl, {
      CallSid: call.callSid,
      AccountSid: server.container.secrets.twilioAccountSid,
      CallStatus: 'ringing',
      SequenceNumber: '0',
    });
    expect(late.status).toBe(204);
    const detail = await callDetail(call.callSid);
    expect(detail.status).toBe('completed');
    expect(detail.ended_by).toBe('user');
  });
});
