import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import type { OutboundCallRequest } from '../../ports/telephony.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../../../test/fakes/twilio-rest-server.js';
import { TwilioRestTelephony } from './rest-telephony.js';

const ourNumber = '+14155550100';
const request: OutboundCallRequest = {
  to: '+919876543210',
  from: ourNumber,
  answerUrl: 'https://agent.example.com/twilio/voice',
  statusCallbackUrl: 'https://agent.example.com/twilio/status?attempt=at_1',
  record: true,
  recordingStatusCallbackUrl: 'https://agent.example.com/twilio/recording',
  machineDetection: 'DetectMessageEnd',
  timeLimitSeconds: 600,
};

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('TwilioRestTelephony against the fake Twilio REST API', () => {
  let fake: FakeTwilioRest;
  let telephony: TwilioRestTelephony;

  beforeEach(async () => {
    fake = await startFakeTwilioRest({ phoneNumbers: [ourNumber] });
    telephony = new TwilioRestTelephony({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      apiUrl: fake.url,
      timeoutMs: 2_000,
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('creates a call with the status, recording and AMD parameters', async () => {
    const created = await telephony.createCall(request);
    expect(created.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(created.status).toBe('queued');
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.sid).toBe(created.callSid);
    expect(fake.calls[0]?.params).toEqual({
      To: '+919876543210',
      From: ourNumber,
      Url: 'https://agent.example.com/twilio/voice',
      Method: 'POST',
      StatusCallback: 'https://agent.example.com/twilio/status?attempt=at_1',
      StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      StatusCallbackMethod: 'POST',
      Record: 'true',
      RecordingStatusCallback: 'https://agent.example.com/twilio/recording',
      RecordingStatusCallbackEvent: ['completed', 'absent'],
      RecordingStatusCallbackMethod: 'POST',
      MachineDetection: 'DetectMessageEnd',
      AsyncAmd: 'false',
      TimeLimit: '600',
    });
  });

  it('leaves out recording and AMD parameters when not asked for', async () => {
    await telephony.createCall({
      ...request,
      record: false,
      machineDetection: undefined,
      timeLimitSeconds: undefined,
    });
    const params = fake.calls[0]?.params ?? {};
    expect(params.Record).toBe('false');
    for (const name of [
      'RecordingStatusCallback',
      'RecordingStatusCallbackEvent',
      'MachineDetection',
      'AsyncAmd',
      'TimeLimit',
    ]) {
      expect(params).not.toHaveProperty(name);
    }
  });

  it("maps Twilio 21211 to a validation error on 'to'", async () => {
    const error = await rejection(telephony.createCall({ ...request, to: '4155550123' }));
    expect(error.code).toBe('validation');
    expect(error.issues).toEqual([{ field: 'to', message: expect.any(String) }]);
    expect(error.retryable).toBe(false);
  });

  it('maps 429 / 20429 to rate_limited with Retry-After', async () => {
    fake.failNext(1, { status: 429, code: 20429, message: 'Too Many Requests', retryAfter: 7 });
    const error = await rejection(telephony.createCall(request));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterSeconds: 7 });
    expect(fake.calls).toHaveLength(0);
    // Safe to retry: the next attempt goes through.
    await expect(telephony.createCall(request)).resolves.toMatchObject({ status: 'queued' });
  });

  it('maps 5xx to a retryable upstream error and 401 to unavailable', async () => {
    fake.failNext(1, { status: 503, code: 20500, message: 'Service Unavailable' });
    expect(await rejection(telephony.createCall(request))).toMatchObject({
      code: 'upstream',
      retryable: true,
    });
    const wrongToken = new TwilioRestTelephony({
      accountSid: fake.accountSid,
      authToken: 'not-the-token',
      apiUrl: fake.url,
    });
    const error = await rejection(wrongToken.createCall(request));
    expect(error).toMatchObject({ code: 'unavailable', message: 'Twilio rejected our credentials' });
  });

  it('does not mark a create that timed out after being accepted as retryable', async () => {
    fake.hangAfterAccept(1);
    const quick = new TwilioRestTelephony({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      apiUrl: fake.url,
      timeoutMs: 300,
    });
    const error = await rejection(quick.createCall(request));
    expect(error).toMatchObject({ code: 'upstream', retryable: false });
    expect(fake.calls).toHaveLength(1);
  });

  it('refuses without credentials, without contacting Twilio', async () => {
    const bare = new TwilioRestTelephony({ apiUrl: fake.url });
    expect(bare.configured).toBe(false);
    const error = await rejection(bare.createCall(request));
    expect(error).toMatchObject({
      code: 'unavailable',
      message: 'Twilio credentials are not configured: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN',
    });
    await expect(bare.hangUp('CA00000000000000000000000000000000')).rejects.toMatchObject({
      code: 'unavailable',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('hangs up with Status=completed, and a second hang-up is a no-op', async () => {
    const { callSid } = await telephony.createCall(request);
    await telephony.hangUp(callSid);
    expect(fake.calls[0]?.updates).toEqual([{ Status: 'completed' }]);
    await expect(telephony.hangUp(callSid)).resolves.toBeUndefined();
    const missing = await rejection(telephony.hangUp(`CA${'0'.repeat(32)}`));
    expect(missing.code).toBe('not_found');
  });

  it('points a number at our webhooks, or reports it missing', async () => {
    await telephony.connectNumber(
      ourNumber,
      'https://agent.example.com/twilio/voice',
      'https://agent.example.com/twilio/status',
    );
    expect(fake.phoneNumbers[0]).toMatchObject({
      voiceUrl: 'https://agent.example.com/twilio/voice',
      voiceMethod: 'POST',
      statusCallback: 'https://agent.example.com/twilio/status',
    });
    const error = await rejection(
      telephony.connectNumber('+14155550111', 'https://a.example/v', 'https://a.example/s'),
    );
    expect(error.code).toBe('not_found');
  });

  it('maps a connection refused to a retryable upstream error', async () => {
    await fake.close();
    const offline = new TwilioRestTelephony({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      apiUrl: fake.url,
    });
    const error = await rejection(offline.createCall(request));
    expect(error).toMatchObject({ code: 'upstream', retryable: true });
    fake = await startFakeTwilioRest();
  });
});
