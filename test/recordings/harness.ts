// Real parts for the recording and end-of-call tests: dynalite in memory with every table, the
// DynamoDB stores, and s3rver in a temporary folder.
import {
  createDynamoClients,
  createTables,
  DynamoAgentStore,
  DynamoCallStore,
} from '../../src/adapters/dynamodb/index.js';
import { DynamoRecordingJobStore } from '../../src/adapters/dynamodb/recording-job-store.js';
import { DynamoWebhookJobStore } from '../../src/adapters/dynamodb/webhook-job-store.js';
import { startEmbeddedDynamo } from '../../src/adapters/embedded/dynalite.js';
import { startEmbeddedS3, type EmbeddedS3 } from '../../src/adapters/embedded/s3rver.js';
import { createS3Client } from '../../src/adapters/s3/client.js';
import { createBucket } from '../../src/adapters/s3/create-bucket.js';
import { S3RecordingStore } from '../../src/adapters/s3/recording-store.js';
import { pino } from 'pino';
import type { RecordingInfo } from '../../src/domain/call.js';
import type { CallStore } from '../../src/ports/call-store.js';
import type { RecordingMedia } from '../../src/simulator/recording-media.js';
import type { SimulatedCall } from '../../src/simulator/twilio-simulator.js';

export const TABLES = {
  agents: 'T_Agents',
  calls: 'T_Calls',
  phoneNumbers: 'T_PhoneNumbers',
  turns: 'T_Turns',
  recordings: 'T_Recordings',
  idempotency: 'T_Idempotency',
  webhookDeliveries: 'T_WebhookDeliveries',
  campaigns: 'T_Campaigns',
  campaignContacts: 'T_CampaignContacts',
  campaignAttempts: 'T_CampaignAttempts',
  doNotCall: 'T_DoNotCall',
};

export const silentLogger = pino({ level: 'silent' });

export async function startDynamoStores() {
  const dynamo = await startEmbeddedDynamo();
  const { client, doc } = createDynamoClients({ endpoint: dynamo.endpoint });
  await createTables(client, TABLES);
  const cursorSecret = 'test-cursor-secret';
  return {
    calls: new DynamoCallStore({ doc, cursorSecret, callsTable: TABLES.calls, turnsTable: TABLES.turns }),
    agents: new DynamoAgentStore({ doc, cursorSecret, table: TABLES.agents }),
    jobs: new DynamoRecordingJobStore({ doc, table: TABLES.recordings }),
    webhookJobs: new DynamoWebhookJobStore({ doc, table: TABLES.webhookDeliveries }),
    doc,
    close: async () => {
      client.destroy();
      await dynamo.close();
    },
  };
}

export const BUCKET = 'test-recordings';

export async function startS3(options: { dataDir?: string; port?: number } = {}) {
  const server: EmbeddedS3 = await startEmbeddedS3(options);
  const client = createS3Client({ endpoint: server.endpoint, embedded: true });
  await createBucket(client, BUCKET);
  return {
    server,
    client,
    store: new S3RecordingStore(client, BUCKET),
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

/** Twilio's side of the recording a call asked for: `media` serves it, then the status callback. */
export async function sendServedRecording(
  call: SimulatedCall,
  media: Pick<RecordingMedia, 'addRecording'>,
  durationSeconds = 2,
) {
  const recording = media.addRecording(call.callSid, { durationSeconds });
  const response = await call.sendRecording({
    recordingSid: recording.recordingSid,
    recordingUrl: recording.recordingUrl,
    durationSeconds,
  });
  return { recording, response };
}

/** The call's recording once its copy is no longer pending (or as it is after `timeoutMs`). */
export async function settledRecording(
  calls: CallStore,
  callSid: string,
  timeoutMs = 15_000,
): Promise<RecordingInfo | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const recording = (await calls.get(callSid))?.recording;
    if ((recording && recording.status !== 'pending') || Date.now() > deadline) return recording;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
