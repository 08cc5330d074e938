import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleCall } from '../../test/contracts/call-store.contract.js';
import { BUCKET, silentLogger, startDynamoStores, startS3 } from '../../test/recordings/harness.js';
import {
  recordingCallbackParams,
  startRecordingServer,
  type RecordingServer,
} from '../simulator/recording-server.js';
import { mediaOriginsFor } from './media-origin.js';
import { RecordingCopier, type RecordingCopierOptions } from './recording-copier.js';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const TOKEN = 'test-auth-token';
const MINUTE = 60_000;

let dynamo: Awaited<ReturnType<typeof startDynamoStores>>;
let s3: Awaited<ReturnType<typeof startS3>>;
let media: RecordingServer;
let s3Dir: string;
let clock = Date.parse('2025-03-10T10:00:00.000Z');

beforeAll(async () => {
  s3Dir = await mkdtemp(join(tmpdir(), 'copier-s3-'));
  [dynamo, s3, media] = await Promise.all([
    startDynamoStores(),
    startS3({ dataDir: s3Dir }),
    startRecordingServer({ accountSid: ACCOUNT, authToken: TOKEN, notFoundFirst: 2 }),
  ]);
});
afterAll(async () => {
  await Promise.all([dynamo.close(), s3.close(), media.close()]);
  await rm(s3Dir, { recursive: true, force: true });
});

let callCounter = 0;
async function newCall(): Promise<string> {
  callCounter += 1;
  const callSid = `CA${callCounter.toString(16).padStart(32, '0')}`;
  await dynamo.calls.create(sampleCall(callSid, { status: 'completed' }));
  return callSid;
}

function copier(overrides: Partial<RecordingCopierOptions> = {}): RecordingCopier {
  return new RecordingCopier({
    jobs: dynamo.jobs,
    calls: dynamo.calls,
    recordings: s3.store,
    fetch: globalThis.fetch,
    credentials: { accountSid: ACCOUNT, authToken: TOKEN },
    format: 'mp3',
    deleteFromTwilio: false,
    logger: silentLogger,
    now: () => new Date(clock),
    mediaOrigins: mediaOriginsFor(media.baseUrl),
    ...overrides,
  });
}

/** Runs due work, moving the clock past each backoff, until the job leaves pending/copying. */
async function settle(c: RecordingCopier, recordingSid: string, rounds = 20) {
  for (let i = 0; i < rounds; i += 1) {
    await c.drain();
    const job = await dynamo.jobs.get(recordingSid);
    if (job && job.status !== 'pending' && job.status !== 'copying') return job;
    clock += 15 * MINUTE;
  }
  return dynamo.jobs.get(recordingSid);
}

async function objectKeys(prefix: string): Promise<string[]> {
  const out = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

async function s3Bytes(key: string): Promise<Buffer> {
  const response = await fetch(await s3.store.presignGet(key, 300));
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('RecordingCopier', () => {
  it('copies a recording after two 404s, verifies it and records it on the call', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid, { durationSeconds: 3 });
    const c = copier();
    expect(await c.handleCallback(recordingCallbackParams(recording, ACCOUNT))).toBe('enqueued');
    expect((await dynamo.calls.get(callSid))!.recording).toMatchObject({ status: 'pending' });
    const job = await settle(c, recording.recordingSid);
    const key = `recordings/${ACCOUNT}/${callSid}/${recording.recordingSid}.mp3`;
    expect(job).toMatchObject({ status: 'copied', attempts: 3, s3_key: key });
    expect(media.mediaRequests(recording.recordingSid)).toBe(3);
    const call = await dynamo.calls.get(callSid);
    const expected = media.audio(recording.recordingSid, 'mp3');
    expect(call!.recording).toEqual({
      recording_sid: recording.recordingSid,
      status: 'copied',
      s3_key: key,
      size_bytes: expected.length,
      duration_seconds: 3,
    });
    expect((await s3Bytes(key)).equals(expected)).toBe(true);
    const head = await s3.store.head(key);
    expect(head?.size_bytes).toBe(expected.length);
  });

  it('copies WAV when configured, with the WAV bytes', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid, { notFoundFirst: 0 });
    const c = copier({ format: 'wav' });
    await c.handleCallback(recordingCallbackParams(recording, ACCOUNT));
    const job = await settle(c, recording.recordingSid);
    expect(job).toMatchObject({ status: 'copied', attempts: 1 });
    const bytes = await s3Bytes(job!.s3_key!);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(bytes.equals(media.audio(recording.recordingSid, 'wav'))).toBe(true);
  });

  it('turns duplicate callbacks, also on another instance, into one object', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid, { notFoundFirst: 0 });
    const params = recordingCallbackParams(recording, ACCOUNT);
    const a = copier();
    const b = copier();
    const results = await Promise.all([
      a.handleCallback(params),
      b.handleCallback(params),
      a.handleCallback(params),
    ]);
    expect(results.sort()).toEqual(['duplicate', 'duplicate', 'enqueued']);
    // (Both drain on the same clock: moving the test clock past the 5-minute lease of the running
    // attempt would let the other instance take the job over.)
    await Promise.all([a.drain(), b.drain()]);
    expect(await dynamo.jobs.get(recording.recordingSid)).toMatchObject({ status: 'copied', attempts: 1 });
    // A late duplicate after the copy changes nothing either.
    expect(await b.handleCallback(params)).toBe('duplicate');
    const job = (await dynamo.jobs.get(recording.recordingSid))!;
    expect(await a.attempt(job)).toBe('skipped');
    expect(await objectKeys(`recordings/${ACCOUNT}/${callSid}/`)).toHaveLength(1);
    expect(media.mediaRequests(recording.recordingSid)).toBe(1);
  });

  it('records an absent recording on the call without downloading anything', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid);
    const c = copier();
    expect(await c.handleCallback(recordingCallbackParams(recording, ACCOUNT, 'absent'))).toBe('absent');
    await c.drain();
    expect(media.mediaRequests(recording.recordingSid)).toBe(0);
    expect((await dynamo.calls.get(callSid))!.recording).toMatchObject({
      recording_sid: recording.recordingSid,
      status: 'absent',
      error: expect.stringContaining('16101'),
    });
    expect(await dynamo.jobs.get(recording.recordingSid)).toMatchObject({ status: 'absent' });
  });

  it('ignores in-progress callbacks and refuses recordings of another account', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid);
    const c = copier();
    const params = recordingCallbackParams(recording, ACCOUNT);
    expect(await c.handleCallback({ ...params, RecordingStatus: 'in-progress' })).toBe('ignored');
    await expect(c.handleCallback({ ...params, AccountSid: `AC${'b'.repeat(32)}` })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(c.handleCallback({ ...params, RecordingSid: 'RE1' })).rejects.toMatchObject({
      code: 'validation',
    });
    await expect(c.handleCallback({ ...params, RecordingUrl: 'file:///etc/passwd' })).rejects.toMatchObject({
      code: 'validation',
    });
    // The download sends our credentials: only to the allowed media hosts.
    const pinned = copier({ mediaOrigins: ['https://api.twilio.com'] });
    await expect(pinned.handleCallback(params)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await dynamo.jobs.get(recording.recordingSid)).toBeUndefined();
    const allowed = copier({ mediaOrigins: [media.baseUrl] });
    expect(await allowed.handleCallback(params)).toBe('enqueued');
    await allowed.drain();
  });

  it('refuses a RecordingUrl on any host but Twilio and TWILIO_API_URL, before any download', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid, { notFoundFirst: 0 });
    const params = recordingCallbackParams(recording, ACCOUNT);
    const path = new URL(recording.recordingUrl).pathname;
    for (const host of [
      'http://127.0.0.1:9',
      'http://169.254.169.254',
      'https://api.twilio.com.evil.example',
      'https://evil.example',
      'http://api.twilio.com',
    ]) {
      await expect(
        copier().handleCallback({ ...params, RecordingUrl: `${host}${path}` }),
      ).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(media.mediaRequests(recording.recordingSid)).toBe(0);
    expect(await dynamo.jobs.get(recording.recordingSid)).toBeUndefined();
  });

  it('copies a recording started by <Start><Recording> (inbound calls) like one the REST create asked for', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid, { notFoundFirst: 0 });
    const c = copier();
    const params = {
      ...recordingCallbackParams(recording, ACCOUNT),
      RecordingSource: 'StartCallRecordingAPI',
      RecordingChannels: '1',
    };
    expect(await c.handleCallback(params)).toBe('enqueued');
    const job = await settle(c, recording.recordingSid);
    expect(job?.status).toBe('copied');
    expect((await dynamo.calls.get(callSid))!.recording).toMatchObject({ status: 'copied' });
  });

  it('retries while S3 is down and makes one object once it is back', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid, { notFoundFirst: 0 });
    const port = Number(new URL(s3.server.endpoint).port);
    await s3.server.close();
    const c = copier();
    await c.handleCallback(recordingCallbackParams(recording, ACCOUNT));
    await c.drain();
    const waiting = (await dynamo.jobs.get(recording.recordingSid))!;
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting.last_error).toMatch(/^storage:/);
    expect((await dynamo.calls.get(callSid))!.recording?.status).toBe('pending');

    // The same folder and port, as after a restart of the storage service.
    const restarted = await startS3({ dataDir: s3Dir, port });
    s3.server = restarted.server;
    restarted.client.destroy();
    const job = await settle(c, recording.recordingSid);
    expect(job).toMatchObject({ status: 'copied', attempts: 2 });
    expect(await objectKeys(`recordings/${ACCOUNT}/${callSid}/`)).toEqual([job!.s3_key]);
    expect((await dynamo.calls.get(callSid))!.recording?.status).toBe('copied');
  });

  it('picks up a pending copy after a restart, and a copy whose instance died mid-attempt', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid, { notFoundFirst: 1 });
    const first = copier();
    await first.handleCallback(recordingCallbackParams(recording, ACCOUNT));
    await first.stop();
    expect(await dynamo.jobs.get(recording.recordingSid)).toMatchObject({ status: 'pending', attempts: 1 });

    // A crashed instance: claimed, never finished.
    const otherCall = await newCall();
    const crashed = media.addRecording(otherCall, { notFoundFirst: 0 });
    await dynamo.jobs.enqueue(
      {
        recording_sid: crashed.recordingSid,
        call_sid: otherCall,
        account_sid: ACCOUNT,
        recording_url: crashed.recordingUrl,
        duration_seconds: 2,
      },
      new Date(clock).toISOString(),
    );
    const stored = (await dynamo.jobs.get(crashed.recordingSid))!;
    await dynamo.jobs.claim(
      stored,
      new Date(clock).toISOString(),
      new Date(clock + 5 * MINUTE).toISOString(),
    );

    clock += 10 * MINUTE;
    const second = copier({ pollIntervalMs: 50 });
    second.start();
    await vi.waitFor(
      async () => {
        expect((await dynamo.jobs.get(recording.recordingSid))?.status).toBe('copied');
        expect((await dynamo.jobs.get(crashed.recordingSid))?.status).toBe('copied');
      },
      { timeout: 10_000, interval: 50 },
    );
    await second.stop();
    expect((await dynamo.calls.get(otherCall))!.recording?.status).toBe('copied');
  });

  it('fails at once on refused credentials, with the reason on the call', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid, { notFoundFirst: 0 });
    const c = copier({ credentials: { accountSid: ACCOUNT, authToken: 'wrong' } });
    await c.handleCallback(recordingCallbackParams(recording, ACCOUNT));
    await c.drain();
    const job = await dynamo.jobs.get(recording.recordingSid);
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job!.last_error).toMatch(/HTTP 401/);
    expect((await dynamo.calls.get(callSid))!.recording).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/HTTP 401/),
    });
  });

  it('gives up after the attempt bound and says why', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid, { notFoundFirst: 100 });
    const c = copier({ retry: { delayMs: () => 1_000, maxAttempts: 3, maxAgeMs: 24 * 60 * MINUTE } });
    await c.handleCallback(recordingCallbackParams(recording, ACCOUNT));
    const job = await settle(c, recording.recordingSid);
    expect(job).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_error: 'gave up after 3 attempts: download: HTTP 404',
    });
    expect((await dynamo.calls.get(callSid))!.recording?.status).toBe('failed');
    expect(await objectKeys(`recordings/${ACCOUNT}/${callSid}/`)).toEqual([]);
  });

  it('deletes the Twilio copy only after a verified copy, when configured', async () => {
    const callSid = await newCall();
    const recording = media.addRecording(callSid, { notFoundFirst: 1 });
    const c = copier({ deleteFromTwilio: true });
    await c.handleCallback(recordingCallbackParams(recording, ACCOUNT));
    await c.drain();
    expect(media.deleted(recording.recordingSid)).toBe(false);
    await settle(c, recording.recordingSid);
    expect(media.deleted(recording.recordingSid)).toBe(true);
    expect((await dynamo.calls.get(callSid))!.recording?.status).toBe('copied');
  });
});
