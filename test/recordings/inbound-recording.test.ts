// Inbound calls are recorded (issue 12, item 9): only calls we place ask Twilio for a recording when
// they are created, so the answer of an inbound call, Gather or relay, starts one with
// <Start><Recording>, and its callback reaches the same copier as an outbound call's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/simulator/recording-server.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';
import { sendServedRecording, settledRecording } from './harness.js';

const OUR_NUMBER = '+14155550100';
const RELAY_NUMBER = '+14155550155';

let media: RecordingServer;
let server: LiveServer;
let unrecorded: LiveServer;

beforeAll(async () => {
  media = await startRecordingServer({ notFoundFirst: 1 });
  [server, unrecorded] = await Promise.all([
    startLiveServer({ TWILIO_API_URL: media.baseUrl, RECORD_CALLS: 'true' }),
    startLiveServer({ RECORD_CALLS: 'false' }),
  ]);
  media.useAccount(server.container.secrets.twilioAccountSid, server.container.secrets.twilioAuthToken);
  const agent = await server.app.inject({
    method: 'POST',
    url: '/agents',
    headers: server.auth,
    payload: {
      agent_id: 'relay-line',
      name: 'Relay line',
      prompt: 'You answer the phone.',
      voice: 'Polly.Joanna-Neural',
      language: 'en-US',
      greeting: 'Hello, you are on the relay line.',
      transport: 'relay',
    },
  });
  expect(agent.statusCode, agent.body).toBe(201);
  const assigned = await server.app.inject({
    method: 'PUT',
    url: `/phone-numbers/${encodeURIComponent(RELAY_NUMBER)}`,
    headers: server.auth,
    payload: { agent_id: 'relay-line' },
  });
  expect(assigned.statusCode, assigned.body).toBe(200);
});
afterAll(async () => {
  await Promise.all([server?.close(), unrecorded?.close()]);
  await media?.close();
});

const startRecording = {
  source: 'StartCallRecordingAPI',
  statusCallbackUrl: `${PUBLIC_URL}/twilio/recording`,
  statusCallbackMethod: 'POST',
  events: ['completed', 'absent'],
  channels: 1,
  track: 'both',
};

describe('the answer of an inbound call', () => {
  it('starts a recording (Gather), and the recording is copied like an outbound one', async () => {
    const call = await server.simulator.startCall({
      direction: 'inbound',
      from: '+14155550123',
      to: OUR_NUMBER,
    });
    expect(call.exchanges[0]?.response.body).toMatch(/^<\?xml[^>]*><Response><Start><Recording /);
    expect(call.recordingRequests).toEqual([startRecording]);
    await call.say('Hi, my laptop will not start.');
    await call.hangUp();

    const { response } = await sendServedRecording(call, media, 3);
    expect(response.status).toBe(204);
    expect(await settledRecording(server.container.callStore, call.callSid)).toMatchObject({
      status: 'copied',
      duration_seconds: 3,
    });
    expect((await server.container.callStore.get(call.callSid))?.direction).toBe('inbound');
  });

  it('starts a recording before the ConversationRelay session', async () => {
    const call = await server.simulator.startCall({
      direction: 'inbound',
      from: '+14155550123',
      to: RELAY_NUMBER,
    });
    expect(call.state).toBe('in-relay');
    expect(call.recordingRequests).toEqual([startRecording]);
    await call.hangUp();
  });

  it('starts none with RECORD_CALLS off', async () => {
    const call = await unrecorded.simulator.startCall({
      direction: 'inbound',
      from: '+14155550123',
      to: OUR_NUMBER,
    });
    expect(call.exchanges[0]?.response.body).not.toContain('<Start>');
    expect(call.recordingRequests).toEqual([]);
    await call.hangUp();
  });
});

describe('the answer of a call we placed', () => {
  it('starts no second recording: the call asked for one when it was created', async () => {
    const call = await server.simulator.startCall({
      direction: 'outbound',
      from: OUR_NUMBER,
      to: '+14155550123',
      voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=customer-support-001`,
    });
    expect(call.exchanges.find((e) => e.kind === 'voice')?.response.body).not.toContain('<Start>');
    expect(call.recordingRequests).toEqual([]);
    await call.hangUp();
  });
});
