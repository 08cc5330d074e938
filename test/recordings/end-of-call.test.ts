// The "done when", with real parts: a call ends, its recording lands in s3rver after two
// 404s, GET /calls/:sid/recording serves the same bytes, the call has a summary and an outcome,
// and a local receiver got one signed report.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGuardedFetch } from '../../src/adapters/net/url-guard.js';
import { registerErrorHandler } from '../../src/http/error-handler.js';
import { recordingRoutes } from '../../src/http/routes/recordings.js';
import { useZodSchemas } from '../../src/http/zod-schemas.js';
import { CallFinalizer } from '../../src/services/call-finalizer.js';
import { RecordingCopier } from '../../src/services/recording-copier.js';
import { verifyWebhookSignature, WebhookNotifier } from '../../src/services/webhook-notifier.js';
import { mediaOriginsFor } from '../../src/services/media-origin.js';
import { recordingCallbackParams, startRecordingServer } from '../../src/simulator/recording-server.js';
import { sampleAgent } from '../contracts/agent-store.contract.js';
import { sampleCall, sampleTurn } from '../contracts/call-store.contract.js';
import { silentLogger, startDynamoStores, startS3 } from './harness.js';
import { startWebhookReceiver } from './webhook-receiver.js';

const ACCOUNT = `AC${'d'.repeat(32)}`;
const TOKEN = 'auth-token';
const SECRET = 'signing-secret';
const CALL = `CA${'e'.repeat(32)}`;

let parts: {
  dynamo: Awaited<ReturnType<typeof startDynamoStores>>;
  s3: Awaited<ReturnType<typeof startS3>>;
  media: Awaited<ReturnType<typeof startRecordingServer>>;
  receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
};
let app: FastifyInstance;

beforeAll(async () => {
  const [dynamo, s3, media, receiver] = await Promise.all([
    startDynamoStores(),
    startS3(),
    startRecordingServer({ accountSid: ACCOUNT, authToken: TOKEN }),
    startWebhookReceiver(),
  ]);
  parts = { dynamo, s3, media, receiver };
  app = Fastify() as unknown as FastifyInstance;
  useZodSchemas(app);
  registerErrorHandler(app);
  await app.register(recordingRoutes, { calls: dynamo.calls, recordings: s3.store });
});
afterAll(async () => {
  await app.close();
  await Promise.all(Object.values(parts).map((part) => part.close()));
});

it('leaves a copied recording, a summary, an outcome and one signed report behind', async () => {
  const { dynamo, s3, media, receiver } = parts;
  await dynamo.agents.create(sampleAgent('agent-1', { webhook_url: receiver.url }));
  await dynamo.calls.create(sampleCall(CALL, { status: 'in-progress', status_sequence: 2 }));
  await dynamo.calls.putTurn(sampleTurn(CALL, 0));
  await dynamo.calls.putTurn(sampleTurn(CALL, 1, { caller_text: "No thanks, I'm not interested" }));
  await dynamo.calls.applyStatus(CALL, {
    status: 'completed',
    sequence: 3,
    duration_seconds: 42,
    at: new Date().toISOString(),
  });

  const finalizer = new CallFinalizer({
    calls: dynamo.calls,
    agents: dynamo.agents,
    logger: silentLogger,
    notifier: new WebhookNotifier({
      calls: dynamo.calls,
      agents: dynamo.agents,
      jobs: dynamo.webhookJobs,
      post: createGuardedFetch({ allowPrivate: true }),
      secret: SECRET,
      logger: silentLogger,
    }),
  });
  finalizer.finalizeInBackground(CALL);
  finalizer.finalizeInBackground(CALL); // a duplicated completed callback

  const copier = new RecordingCopier({
    jobs: dynamo.jobs,
    calls: dynamo.calls,
    recordings: s3.store,
    fetch: globalThis.fetch,
    credentials: { accountSid: ACCOUNT, authToken: TOKEN },
    format: 'mp3',
    deleteFromTwilio: false,
    logger: silentLogger,
    retry: { delayMs: () => 0, maxAttempts: 5, maxAgeMs: 60_000 },
    mediaOrigins: mediaOriginsFor(media.baseUrl),
  });
  const recording = media.addRecording(CALL, { durationSeconds: 3 });
  expect(await copier.handleCallback(recordingCallbackParams(recording, ACCOUNT))).toBe('enqueued');
  await Promise.all([copier.drain(), finalizer.drain()]);

  const call = (await dynamo.calls.get(CALL))!;
  expect(call).toMatchObject({
    outcome: 'not_interested',
    recording: { status: 'copied', duration_seconds: 3 },
  });
  expect(call.summary).toMatch(/not interested/);
  expect(media.mediaRequests(recording.recordingSid)).toBe(3);

  const link = await app.inject({ url: `/calls/${CALL}/recording` });
  const audio = await fetch(link.json().url);
  expect(Buffer.from(await audio.arrayBuffer()).equals(media.audio(recording.recordingSid, 'mp3'))).toBe(
    true,
  );

  expect(receiver.received).toHaveLength(1);
  const [report] = receiver.received;
  expect(
    verifyWebhookSignature(SECRET, report!.headers['x-voice-agent-signature'] as string, report!.body),
  ).toBe(true);
  expect(JSON.parse(report!.body).call).toMatchObject({ call_sid: CALL, outcome: 'not_interested' });
});
