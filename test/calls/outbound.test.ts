// Outbound calls end to end: POST /calls through the real twilio client to the fake Twilio REST
// server, then the Twilio simulator plays the call the fake recorded, against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTwilioRest, type FakeCall, type FakeTwilioRest } from '../fakes/twilio-rest-server.js';
import { sendServedRecording, settledRecording } from '../recordings/harness.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

const OUR_NUMBER = '+14155550100';
const CALLEE = '+14155550123';

let twilio: FakeTwilioRest;
let server: LiveServer;

function twilioEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    TWILIO_API_URL: twilio.url,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_PHONE_NUMBER: OUR_NUMBER,
    TWILIO_TIMEOUT_MS: '1000',
    ...extra,
  };
}

beforeAll(async () => {
  twilio = await startFakeTwilioRest();
  server = await startLiveServer(
    twilioEnv({
      RECORD_CALLS: 'true',
      ANSWERING_MACHINE_DETECTION: 'DetectMessageEnd',
      CALLS_PER_MINUTE: '1000',
    }),
  );
  for (const agent of [
    {
      agent_id: 'voicemail-agent',
      voicemail_message: 'Hi, this is Acme. Please call us back at your convenience.',
    },
    { agent_id: 'paused-agent', status: 'inactive' },
  ]) {
    const response = await server.app.inject({
      method: 'POST',
      url: '/agents',
      headers: server.auth,
      payload: {
        name: agent.agent_id,
        prompt: 'You call customers back.',
        voice: 'Polly.Joanna-Neural',
        language: 'en-US',
        greeting: 'Hello, this is Acme calling back.',
        ...agent,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
  }
});
afterAll(async () => {
  await server?.close();
  await twilio?.close();
});

async function post(
  url: string,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
  target = server,
) {
  const response = await target.app.inject({
    method: 'POST',
    url,
    headers: { ...target.auth, ...headers },
    payload,
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    json: response.json() as {
      call_sid?: string;
      status?: string;
      error?: string;
      message?: string;
      issues?: { field: string; message: string }[];
    },
  };
}

const placeCall = (body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  post('/calls', { agent_id: 'customer-support-001', to: CALLEE, ...body }, headers);

// Injected faults answer before the fake names the operation, so match on the path.
const createRequests = () =>
  twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Calls.json'));
const fakeCall = (sid: string | undefined): FakeCall => {
  const found = twilio.calls.find((call) => call.sid === sid);
  if (!found) throw new Error(`the fake has no call ${sid}`);
  return found;
};
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Plays the call Twilio was asked to place, to the URL it was given, recorded if it asked (Record). */
function playOutbound(call: FakeCall, options: { answeredBy?: string } = {}) {
  const { params } = call;
  const events = [params.RecordingStatusCallbackEvent ?? 'completed'].flat().flatMap((e) => e.split(' '));
  return server.simulator.startCall({
    direction: 'outbound',
    callSid: call.sid,
    from: first(params.From)!,
    to: first(params.To)!,
    voiceUrl: first(params.Url),
    statusCallbackUrl: first(params.StatusCallback),
    ...(first(params.Record) === 'true'
      ? { record: { statusCallbackUrl: first(params.RecordingStatusCallback), events } }
      : {}),
    ...options,
  });
}

describe('POST /calls', () => {
  it('creates the call at Twilio with our webhooks, stores it, and the call plays to the end', async () => {
    const before = Date.now();
    const response = await placeCall({ metadata: { crm_id: '42' } });
    expect(response.status).toBe(201);
    const sid = response.json.call_sid;
    expect(sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(response.json).toMatchObject({ status: 'queued', agent_id: 'customer-support-001' });

    const params = fakeCall(sid).params;
    expect(params).toMatchObject({
      To: CALLEE,
      From: OUR_NUMBER,
      Url: `${PUBLIC_URL}/twilio/voice?agent_id=customer-support-001`,
      Method: 'POST',
      StatusCallback: `${PUBLIC_URL}/twilio/status`,
      StatusCallbackMethod: 'POST',
      Record: 'true',
      RecordingStatusCallback: `${PUBLIC_URL}/twilio/recording`,
      MachineDetection: 'DetectMessageEnd',
    });
    expect([params.StatusCallbackEvent].flat().sort()).toEqual([
      'answered',
      'completed',
      'initiated',
      'ringing',
    ]);

    const stored = await server.container.callStore.get(sid!);
    expect(stored).toMatchObject({
      call_sid: sid,
      direction: 'outbound',
      status: 'queued',
      agent_id: 'customer-support-001',
      recipient_phone: CALLEE,
      agent_phone: OUR_NUMBER,
      metadata: { crm_id: '42' },
    });
    expect(stored!.agent_recipient_key).toBe(`${CALLEE}#${stored!.started_at}`);
    expect(Date.parse(stored!.started_at)).toBeGreaterThanOrEqual(before - 1_000);

    const call = await playOutbound(fakeCall(sid));
    expect(call.hear()).toContain('');
    expect(call.transcript[0]?.speaker).toBe('agent');
    await call.say('Hi, my laptop will not start');
    await call.say('My name is Manas');
    await call.say('thanks, bye');
    expect(call.ended).toBe(true);
    expect(call.endReason).toBe('hangup-verb');
    await server.container.finalizer.drain();

    const detail = (
      await server.app.inject({ method: 'GET', url: `/calls/${sid}`, headers: server.auth })
    ).json();
    expect(detail).toMatchObject({ direction: 'outbound', status: 'completed', ended_by: 'user' });
    expect(detail.data_collected.name).toMatchObject({ value: 'Manas' });
    expect(detail.transcript).toHaveLength(4);

    // The create asked for the recording (Record), so the answer started none; Twilio's media host
    // (the fake, at TWILIO_API_URL) serves it and the copier takes it from there.
    expect(call.exchanges.find((e) => e.kind === 'voice')?.response.body).not.toContain('<Start>');
    expect(call.recordingRequests).toMatchObject([
      { source: 'OutboundAPI', events: ['completed', 'absent'] },
    ]);
    const { recording, response: delivered } = await sendServedRecording(call, twilio.recordings);
    expect(delivered.status).toBe(204);
    expect(await settledRecording(server.container.callStore, sid!)).toMatchObject({
      status: 'copied',
      recording_sid: recording.recordingSid,
    });
    expect(twilio.recordings.mediaRequests(recording.recordingSid)).toBe(1);
  });

  it('keeps the seed POST /make-call {agent_id, to_number} working', async () => {
    const response = await post('/make-call', { agent_id: 'customer-support-001', to_number: CALLEE });
    expect(response.status).toBe(201);
    expect(fakeCall(response.json.call_sid).params.To).toBe(CALLEE);
    expect(await server.container.callStore.get(response.json.call_sid!)).toBeDefined();
  });

  it('names `to_number` when POST /make-call refuses the number', async () => {
    const seen = twilio.requests.length;
    const response = await post('/make-call', { agent_id: 'customer-support-001', to_number: '12345' });
    expect(response.status).toBe(400);
    expect(response.json.issues?.map((i) => i.field)).toEqual(['to_number']);
    expect(response.json.message).toMatch(/^to_number: /);
    expect(twilio.requests.length).toBe(seen);
  });

  it.each([
    ['no plus sign', '14155550123'],
    ['letters', '+1415555ABCD'],
    ['too long', '+1415555012345678'],
    ['a premium-rate number', '+19005550123'],
    ['a country not allowed', '+33142685300'],
  ])('refuses %s in `to` with 400 and sends nothing to Twilio', async (_label, to) => {
    const seen = twilio.requests.length;
    const response = await placeCall({ to });
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('validation');
    expect(response.json.issues?.map((i) => i.field)).toEqual(['to']);
    expect(twilio.requests.length).toBe(seen);
  });

  // Toll fraud: only types that reach a person are called (libphonenumber's getType with 'max' metadata).
  it.each([
    ['a UK personal number (070, revenue share)', '+447011234567', /personal/],
    ['a NANP personal number (500)', '+15005550006', /personal/],
    ['a UK premium-rate number', '+449012345678', /premium-rate/],
    ['a UK universal access number (UAN)', '+443001234567', /universal access/],
    ['a UK pager number', '+447640123456', /pager/],
    ['a toll-free number', '+18005550199', /toll-free/],
  ])('refuses %s in `to` with 400 naming the field, and sends nothing to Twilio', async (_l, to, why) => {
    const seen = twilio.requests.length;
    const response = await placeCall({ to });
    expect(response.status).toBe(400);
    expect(response.json.issues?.map((i) => i.field)).toEqual(['to']);
    expect(response.json.message).toMatch(why);
    expect(twilio.requests.length).toBe(seen);
  });

  it('calls fixed-line, mobile and VoIP numbers', async () => {
    for (const to of ['+442071838750', '+919876543210', '+445612345678']) {
      const response = await placeCall({ to });
      expect(response.status, to).toBe(201);
      expect(fakeCall(response.json.call_sid).params.To).toBe(to);
    }
  });

  it('refuses a `from` that is not one of our numbers, and places calls from a number assigned to an agent', async () => {
    const seen = twilio.requests.length;
    for (const from of ['+14155550199', 'anonymous', '+1 415 555 0100x']) {
      const response = await placeCall({ from });
      expect(response.status, from).toBe(400);
      expect(response.json.issues?.map((i) => i.field)).toEqual(['from']);
      expect(response.json.message).toMatch(/^from: /);
    }
    expect(twilio.requests.length).toBe(seen);

    const assigned = await server.app.inject({
      method: 'PUT',
      url: `/phone-numbers/${encodeURIComponent('+14155550177')}`,
      headers: server.auth,
      payload: { agent_id: 'customer-support-001' },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const response = await placeCall({ from: '+14155550177' });
    expect(response.status).toBe(201);
    expect(fakeCall(response.json.call_sid).params.From).toBe('+14155550177');
    const ours = await placeCall({ from: OUR_NUMBER });
    expect(ours.status).toBe(201);
  });

  it('refuses an unknown or inactive agent with 4xx and sends nothing to Twilio', async () => {
    const seen = twilio.requests.length;
    const unknown = await placeCall({ agent_id: 'no-such-agent' });
    expect(unknown.status).toBe(404);
    const paused = await placeCall({ agent_id: 'paused-agent' });
    expect(paused.status).toBeGreaterThanOrEqual(400);
    expect(paused.status).toBeLessThan(500);
    expect(paused.json.message).toMatch(/inactive|not active/i);
    expect(twilio.requests.length).toBe(seen);
  });

  it("maps Twilio's 21211 (invalid To) to 400 on `to`", async () => {
    twilio.failNext(1, { status: 400, code: 21211, message: "Invalid 'To' Phone Number" });
    const response = await placeCall();
    expect(response.status).toBe(400);
    expect(response.json.issues).toEqual([{ field: 'to', message: expect.stringMatching(/not a valid/) }]);
  });

  it("retries Twilio's 429 and creates one call", async () => {
    const calls = twilio.calls.length;
    const requests = createRequests().length;
    twilio.failNext(1, { status: 429, code: 20429, message: 'Too Many Requests', retryAfter: 0 });
    const response = await placeCall();
    expect(response.status).toBe(201);
    expect(twilio.calls.length).toBe(calls + 1);
    expect(createRequests().length).toBe(requests + 2);
    expect(createRequests().at(-2)?.status).toBe(429);
  });

  it('answers 429 with Retry-After when Twilio keeps rate limiting', async () => {
    const calls = twilio.calls.length;
    const requests = createRequests().length;
    // One try and two retries (backoff 0.25 s, 0.5 s): exactly three faults are consumed.
    twilio.failNext(3, { status: 429, code: 20429, message: 'Too Many Requests' });
    const response = await placeCall();
    expect(createRequests().length).toBe(requests + 3);
    expect([429, 503]).toContain(response.status);
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(twilio.calls.length).toBe(calls);
  });
});

describe('Idempotency-Key', () => {
  it('creates one call for the same request sent twice, in turn and at once', async () => {
    const calls = twilio.calls.length;
    const headers = { 'idempotency-key': 'order-1001' };
    const one = await placeCall({}, headers);
    const two = await placeCall({}, headers);
    expect(one.status).toBe(201);
    expect(two.status).toBe(201);
    expect(two.json.call_sid).toBe(one.json.call_sid);

    const together = await Promise.all(
      [1, 2, 3].map(() => placeCall({}, { 'idempotency-key': 'order-1002' })),
    );
    expect(together.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(together.map((r) => r.json.call_sid)).size).toBe(1);
    expect(together[0]!.json.call_sid).not.toBe(one.json.call_sid);
    expect(twilio.calls.length).toBe(calls + 2);
  });

  it('refuses the same key with another body (409)', async () => {
    const headers = { 'idempotency-key': 'order-1003' };
    expect((await placeCall({}, headers)).status).toBe(201);
    const other = await placeCall({ to: '+14155550124' }, headers);
    expect(other.status).toBe(409);
    expect(other.json.error).toBe('conflict');
  });

  it('lets a request refused before Twilio run again under the same key', async () => {
    const headers = { 'idempotency-key': 'order-1004' };
    twilio.failNext(1, { status: 400, code: 21211 });
    expect((await placeCall({}, headers)).status).toBe(400);
    expect((await placeCall({}, headers)).status).toBe(201);
  });

  it('answers a clear 5xx when Twilio accepts then never answers, and a retry places no second call', async () => {
    const calls = twilio.calls.length;
    const headers = { 'idempotency-key': 'order-1005' };
    twilio.hangAfterAccept(1);
    const started = Date.now();
    const lost = await placeCall({}, headers);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(lost.status).toBeGreaterThanOrEqual(500);
    expect(lost.json.error).toBe('upstream');
    expect(lost.json.message).toMatch(/may have been created/);
    expect(twilio.calls.length).toBe(calls + 1);

    const retry = await placeCall({}, headers);
    expect(retry.status).toBeGreaterThanOrEqual(500);
    expect(retry.json.message).toMatch(/not placed again/);
    expect(twilio.calls.length).toBe(calls + 1);
  });
});

describe('toll-fraud rate limit', () => {
  let limited: LiveServer;
  beforeAll(async () => {
    limited = await startLiveServer(twilioEnv({ CALLS_PER_MINUTE: '2', RECORD_CALLS: 'false' }));
  });
  afterAll(() => limited?.close());

  it('allows CALLS_PER_MINUTE calls, then 429 with Retry-After; without recording or AMD', async () => {
    const body = { agent_id: 'customer-support-001', to: CALLEE };
    const one = await post('/calls', body, {}, limited);
    const two = await post('/calls', body, {}, limited);
    expect([one.status, two.status]).toEqual([201, 201]);
    const params = fakeCall(one.json.call_sid).params;
    expect(params.Record).toBe('false');
    expect(params.RecordingStatusCallback).toBeUndefined();
    expect(params.MachineDetection).toBeUndefined();

    const seen = twilio.requests.length;
    const third = await post('/calls', body, {}, limited);
    expect(third.status).toBe(429);
    expect(third.json.error).toBe('rate_limited');
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(twilio.requests.length).toBe(seen);
  });
});

describe('answering-machine detection', () => {
  it("leaves the agent's voicemail message on a machine, hangs up, and the outcome says voicemail", async () => {
    const response = await placeCall({ agent_id: 'voicemail-agent' });
    expect(response.status).toBe(201);
    const call = await playOutbound(fakeCall(response.json.call_sid), { answeredBy: 'machine_end_beep' });
    expect(call.ended).toBe(true);
    expect(call.endReason).toBe('hangup-verb');
    expect(call.heard().map((entry) => entry.text)).toEqual([
      'Hi, this is Acme. Please call us back at your convenience.',
    ]);
    await server.container.finalizer.drain();
    const stored = await server.container.callStore.get(response.json.call_sid!);
    expect(stored).toMatchObject({
      status: 'completed',
      answered_by: 'machine_end_beep',
      outcome: 'voicemail',
    });
    expect(await server.container.callStore.listTurns(response.json.call_sid!)).toEqual([]);
  });

  it('talks to a person the fake answered as human', async () => {
    const response = await placeCall({ agent_id: 'voicemail-agent' });
    const call = await playOutbound(fakeCall(response.json.call_sid), { answeredBy: 'human' });
    expect(call.ended).toBe(false);
    expect(call.hear()).toBe('Hello, this is Acme calling back.');
  });
});
