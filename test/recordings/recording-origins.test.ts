// SSRF through the recording callback (issue 12, item 7): a signed callback whose RecordingUrl names
// another host must not make the server fetch it with our Basic credentials and store the body, in
// local mode (generated credentials) as with real Twilio credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSid } from '../../src/simulator/twilio-params.js';
import { recordingCallbackParams } from '../../src/simulator/recording-callback.js';
import { startRecordingServer, type RecordingServer } from '../../src/simulator/recording-server.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';
import { sendServedRecording, settledRecording } from './harness.js';

let twilioMedia: RecordingServer;
let attacker: RecordingServer;
let local: LiveServer;

beforeAll(async () => {
  [twilioMedia, attacker] = await Promise.all([
    startRecordingServer({ notFoundFirst: 0 }),
    startRecordingServer({ notFoundFirst: 0 }),
  ]);
  // Local mode: no Twilio credentials in the environment, so they are generated.
  local = await startLiveServer({ TWILIO_API_URL: twilioMedia.baseUrl });
  const { twilioAccountSid, twilioAuthToken, twilioSource } = local.container.secrets;
  expect(twilioSource).toBe('local');
  // The attacker's host would serve a body to anyone holding our credentials.
  for (const host of [twilioMedia, attacker]) host.useAccount(twilioAccountSid, twilioAuthToken);
});
afterAll(async () => {
  await local?.close();
  await Promise.all([twilioMedia?.close(), attacker?.close()]);
});

async function recordedCall() {
  const call = await local.simulator.startCall({
    direction: 'inbound',
    from: '+14155550123',
    to: '+14155550100',
  });
  await call.hangUp();
  return call;
}

describe('recording callbacks', () => {
  it('refuses a signed RecordingUrl on another host: no request reaches it, nothing is stored', async () => {
    const call = await recordedCall();
    const planted = attacker.addRecording(call.callSid);
    for (const recordingUrl of [
      planted.recordingUrl,
      planted.recordingUrl.replace('127.0.0.1', 'localhost'),
      `http://169.254.169.254/2010-04-01/Accounts/${call.identity.accountSid}/Recordings/${newSid('RE')}`,
    ]) {
      const params = recordingCallbackParams(
        call.identity,
        { recordingSid: newSid('RE'), recordingUrl },
        new Date(),
      );
      const response = await local.simulator.post(`${PUBLIC_URL}/twilio/recording`, params);
      expect(response.status, recordingUrl).toBe(403);
    }
    expect(attacker.mediaRequests(planted.recordingSid)).toBe(0);
    expect((await local.container.callStore.get(call.callSid))?.recording).toBeUndefined();
  });

  it("copies a recording served at Twilio's stand-in (TWILIO_API_URL)", async () => {
    const call = await recordedCall();
    const { response } = await sendServedRecording(call, twilioMedia);
    expect(response.status).toBe(204);
    expect((await settledRecording(local.container.callStore, call.callSid))?.status).toBe('copied');
  });
});
