// F9 (reliability.md §5.3): S3 unreachable when a recording arrives, through the real server. The
// recording callback still answers 2xx at once; the copy job stays pending and retries with backoff;
// once S3 is back the recording is copied exactly once (one object), even though Twilio delivered the
// callback twice during the outage.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DynamoRecordingJobStore } from '../../src/adapters/dynamodb/recording-job-store.js';
import { startRecordingServer, type RecordingServer } from '../../src/simulator/recording-server.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';
import { injectSdkFaults, type SdkFaultInjector } from './support/sdk-faults.js';

let server: LiveServer;
let media: RecordingServer;
let faults: SdkFaultInjector;

beforeAll(async () => {
  // Twilio's media host at TWILIO_API_URL: the only place besides Twilio recordings are fetched from.
  media = await startRecordingServer({ notFoundFirst: 0 });
  server = await startLiveServer({ TWILIO_API_URL: media.baseUrl });
  const { twilioAccountSid, twilioAuthToken } = server.container.secrets;
  media.useAccount(twilioAccountSid, twilioAuthToken);
  faults = injectSdkFaults(server.container.s3.client);
});
afterAll(async () => {
  faults?.remove();
  await media?.close();
  await server?.close();
});

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it(
  'answers the callback at once while S3 is down, and copies the recording once after recovery',
  { timeout: 60_000 },
  async () => {
    const call = await server.simulator.startCall({
      direction: 'inbound',
      from: '+14155550123',
      to: '+14155550100',
    });
    await call.say('line 1 question');
    await call.hangUp();
    const recording = media.addRecording(call.callSid, { durationSeconds: 4 });

    faults.outage('refused');
    const started = performance.now();
    const callbacks = await Promise.all([
      call.sendRecording({
        url: `${PUBLIC_URL}/twilio/recording`,
        recordingSid: recording.recordingSid,
        recordingUrl: recording.recordingUrl,
        durationSeconds: 4,
      }),
      call.resend(),
    ]);
    const answeredMs = performance.now() - started;
    expect(callbacks.map((c) => c.status)).toEqual([204, 204]);
    expect(answeredMs).toBeLessThan(1_000);

    // The job fails against S3 and is rescheduled, at least twice, while the outage lasts.
    const jobs = new DynamoRecordingJobStore({
      doc: server.container.dynamo.doc,
      table: server.container.config.tables.recordings,
    });
    const pending = await waitFor(
      () => jobs.get(recording.recordingSid),
      (job) => job?.status === 'pending' && job.attempts >= 2,
      20_000,
    );
    expect(pending).toMatchObject({ status: 'pending', last_error: expect.stringMatching(/^storage: /) });
    expect(faults.counts.failed).toBeGreaterThan(0);
    const stored = await server.container.callStore.get(call.callSid);
    expect(stored?.recording?.status).toBe('pending');

    faults.heal();
    const copied = await waitFor(
      () => server.container.callStore.get(call.callSid),
      (value) => value?.recording?.status === 'copied',
      30_000,
    );
    expect(copied?.recording).toMatchObject({ status: 'copied', size_bytes: expect.any(Number) });
    const objects = await server.container.s3.client.send(
      new ListObjectsV2Command({ Bucket: server.container.s3.bucket, Prefix: 'recordings/' }),
    );
    const keys = (objects.Contents ?? []).map((object) => object.Key);
    expect(keys.filter((key) => key?.includes(recording.recordingSid))).toHaveLength(1);
    console.info(
      `[F9] recording callback answered in ${Math.round(answeredMs)} ms with S3 down; ${faults.counts.failed} S3 ` +
        `requests failed; copied once after recovery (${keys.length} object, ${copied?.recording?.size_bytes} bytes)`,
    );
  },
);
