// F13 (reliability.md §5.3): every status and recording callback of a call delivered twice, all at
// once, in a shuffled order with `completed` before `ringing`. The call must end `completed` with
// the right duration, never move back, answer every delivery 2xx, send one end-of-call report and
// keep one recording object. Several seeded shuffles, so a failure names the order that broke it.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormParams } from '../../src/adapters/twilio/signature.js';
import { newSid, statusCallbackParams } from '../../src/simulator/twilio-params.js';
import { recordingCallbackParams } from '../../src/simulator/recording-callback.js';
import { startRecordingServer, type RecordingServer } from '../../src/simulator/recording-server.js';
import { startWebhookReceiver } from '../recordings/webhook-receiver.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';
import { seededRandom } from './support/sdk-faults.js';

const SEED = 7_331;
const SHUFFLES = 5;
const DURATION_SECONDS = 42;

let server: LiveServer;
let media: RecordingServer;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // Twilio's media host at TWILIO_API_URL: the only place besides Twilio recordings are fetched from.
  media = await startRecordingServer({ notFoundFirst: 0 });
  server = await startLiveServer({
    WEBHOOK_URL: receiver.url,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    TWILIO_API_URL: media.baseUrl,
  });
  const { twilioAccountSid, twilioAuthToken } = server.container.secrets;
  media.useAccount(twilioAccountSid, twilioAuthToken);
});
afterAll(async () => {
  await server?.close();
  await media?.close();
  await receiver?.close();
});

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('duplicated and shuffled callbacks', () => {
  const random = seededRandom(SEED);
  for (let round = 0; round < SHUFFLES; round += 1) {
    it(`shuffle ${round} (seed ${SEED}): completed, right duration, one report, one recording`, async () => {
      const { twilioAccountSid: accountSid } = server.container.secrets;
      // A call the server answered; the simulator sends no status callbacks of its own.
      const call = await server.simulator.startCall({
        direction: 'outbound',
        from: '+14155550100',
        to: `+1415555${String(2000 + round)}`,
        voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=default`,
        statusEvents: [],
      });
      await call.say('line 1 question');
      const identity = { ...call.identity, direction: 'outbound' as const };
      const at = new Date();
      const statuses: [string, FormParams][] = [
        ['initiated', statusCallbackParams(identity, 'initiated', 0, at)],
        ['ringing', statusCallbackParams(identity, 'ringing', 1, at)],
        ['in-progress', statusCallbackParams(identity, 'in-progress', 2, at)],
        [
          'completed',
          statusCallbackParams(identity, 'completed', 3, at, {
            CallDuration: String(DURATION_SECONDS),
            Duration: '1',
          }),
        ],
      ];
      const recording = media.addRecording(call.callSid, { durationSeconds: 3 });
      const recordingParams = recordingCallbackParams(
        identity,
        {
          url: `${PUBLIC_URL}/twilio/recording`,
          recordingSid: recording.recordingSid,
          recordingUrl: recording.recordingUrl,
          durationSeconds: 3,
        },
        at,
      );
      const deliveries: { name: string; url: string; params: FormParams }[] = [
        ...statuses.map(([name, params]) => ({ name, url: `${PUBLIC_URL}/twilio/status`, params })),
        { name: 'recording', url: `${PUBLIC_URL}/twilio/recording`, params: recordingParams },
      ].flatMap((delivery) => [delivery, delivery]);
      // Shuffled, then `completed` moved ahead of every `ringing`.
      const mixed = shuffled(deliveries, random);
      const completed = mixed.filter((d) => d.name === 'completed');
      const order = mixed.filter((d) => d.name !== 'completed');
      order.splice(
        order.findIndex((d) => d.name === 'ringing'),
        0,
        ...completed,
      );
      expect(order.findIndex((d) => d.name === 'completed')).toBeLessThan(
        order.findIndex((d) => d.name === 'ringing'),
      );

      const responses = await Promise.all(
        order.map((delivery) => server.simulator.post(delivery.url, delivery.params)),
      );
      expect(responses.map((r) => r.status).every((status) => status >= 200 && status < 300)).toBe(true);

      await server.container.finalizer.drain();
      await server.container.recordings.drain();
      const stored = await server.container.callStore.get(call.callSid);
      expect(stored).toMatchObject({ status: 'completed', duration_seconds: DURATION_SECONDS });
      expect(stored?.recording).toMatchObject({ recording_sid: recording.recordingSid, status: 'copied' });
      const reports = receiver.received.filter((r) => r.body.includes(call.callSid));
      expect(reports).toHaveLength(1);
      const objects = await server.container.s3.client.send(
        new ListObjectsV2Command({
          Bucket: server.container.s3.bucket,
          Prefix: `recordings/${accountSid}/${call.callSid}/`,
        }),
      );
      expect(objects.Contents ?? []).toHaveLength(1);
      expect(media.mediaRequests(recording.recordingSid)).toBe(1);
      console.info(
        `[F13] shuffle ${round}: ${order.map((d) => d.name).join(', ')} -> completed, 1 report, 1 object`,
      );
    });
  }

  it('a status for an unknown call is answered 2xx and creates nothing', async () => {
    const callSid = newSid('CA');
    const response = await server.simulator.post(`${PUBLIC_URL}/twilio/status`, {
      AccountSid: server.container.secrets.twilioAccountSid,
      CallSid: callSid,
      CallStatus: 'completed',
      SequenceNumber: '3',
    });
    expect(response.status).toBeLessThan(300);
    expect(await server.container.callStore.get(callSid)).toBeUndefined();
  });
});
