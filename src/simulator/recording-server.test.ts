import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateMp3,
  generateWav,
  recordingCallbackParams,
  startRecordingServer,
  type RecordingServer,
} from './recording-server.js';

const ACCOUNT = `AC${'c'.repeat(32)}`;
const auth = { authorization: `Basic ${Buffer.from(`${ACCOUNT}:token`).toString('base64')}` };
let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer({ accountSid: ACCOUNT, authToken: 'token' });
});
afterAll(() => server.close());

describe('recording server', () => {
  it('answers 404 twice, then the WAV, behind Basic auth', async () => {
    const recording = server.addRecording(`CA${'1'.repeat(32)}`, { durationSeconds: 1 });
    expect(recording.recordingSid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(recording.recordingUrl).toBe(
      `${server.baseUrl}/2010-04-01/Accounts/${ACCOUNT}/Recordings/${recording.recordingSid}`,
    );
    expect((await fetch(`${recording.recordingUrl}.wav`)).status).toBe(401);
    expect((await fetch(`${recording.recordingUrl}.wav`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${recording.recordingUrl}.wav`, { headers: auth })).status).toBe(404);
    const response = await fetch(`${recording.recordingUrl}.wav`, { headers: auth });
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(server.audio(recording.recordingSid, 'wav'))).toBe(true);
    expect(server.mediaRequests(recording.recordingSid)).toBe(3);
  });

  it('serves deterministic MP3 bytes as audio/mpeg, metadata as JSON, and honours DELETE', async () => {
    const recording = server.addRecording(`CA${'2'.repeat(32)}`, { notFoundFirst: 0 });
    const response = await fetch(`${recording.recordingUrl}.mp3`, { headers: auth });
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await response.arrayBuffer()).equals(generateMp3(recording.recordingSid, 2))).toBe(
      true,
    );
    const meta = await (await fetch(`${recording.recordingUrl}.json`, { headers: auth })).json();
    expect(meta).toMatchObject({ sid: recording.recordingSid, status: 'completed', duration: '2' });
    expect((await fetch(`${recording.recordingUrl}.json`, { method: 'DELETE', headers: auth })).status).toBe(
      204,
    );
    expect(server.deleted(recording.recordingSid)).toBe(true);
    expect((await fetch(`${recording.recordingUrl}.mp3`, { headers: auth })).status).toBe(404);
  });

  it('serves nothing until it is told the account, and listens where it is told', async () => {
    const first = await startRecordingServer({ notFoundFirst: 0 });
    try {
      expect(() => first.addRecording(`CA${'4'.repeat(32)}`)).toThrow(/no account yet/);
      first.useAccount(ACCOUNT, 'token');
      const recording = first.addRecording(`CA${'4'.repeat(32)}`);
      expect((await fetch(`${recording.recordingUrl}.mp3`, { headers: auth })).status).toBe(200);
      // A second host cannot take a port in use (the simulate command then says so, and sends nothing).
      const port = Number(new URL(first.baseUrl).port);
      await expect(startRecordingServer({ port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });

  it('generates a valid PCM WAV whose bytes depend on the SID only', () => {
    const wav = generateWav('RE1', 0.5);
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.toString('latin1', 8, 12)).toBe('WAVE');
    expect(wav.readUInt32LE(24)).toBe(8_000);
    expect(wav.readUInt32LE(40)).toBe(8_000); // 4,000 samples of 2 bytes
    expect(wav.length).toBe(44 + 8_000);
    expect(generateWav('RE1', 0.5).equals(wav)).toBe(true);
    expect(generateWav('RE2', 0.5).equals(wav)).toBe(false);
  });

  it('builds the callback parameters Twilio sends', () => {
    const recording = server.addRecording(`CA${'3'.repeat(32)}`);
    expect(recordingCallbackParams(recording, ACCOUNT)).toMatchObject({
      AccountSid: ACCOUNT,
      CallSid: recording.callSid,
      RecordingSid: recording.recordingSid,
      RecordingUrl: recording.recordingUrl,
      RecordingStatus: 'completed',
      RecordingDuration: '2',
    });
    expect(recordingCallbackParams(recording, ACCOUNT, 'absent')).toMatchObject({
      RecordingStatus: 'absent',
      ErrorCode: '16101',
    });
  });
});
