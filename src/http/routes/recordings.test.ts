import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCall } from '../../../test/contracts/call-store.contract.js';
import { startDynamoStores, startS3 } from '../../../test/recordings/harness.js';
import { registerAdminAuth } from '../auth.js';
import { registerErrorHandler } from '../error-handler.js';
import { useZodSchemas } from '../zod-schemas.js';
import { recordingRoutes } from './recordings.js';

const KEY = 'admin-key-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}` };
let dynamo: Awaited<ReturnType<typeof startDynamoStores>>;
let s3: Awaited<ReturnType<typeof startS3>>;
let app: FastifyInstance;
const audio = Buffer.from(Array.from({ length: 5_000 }, (_, i) => (i * 7) % 256));
const KEY_S3 = 'recordings/AC1/CA1/RE1.mp3';
const logLines: string[] = [];

beforeAll(async () => {
  [dynamo, s3] = await Promise.all([startDynamoStores(), startS3()]);
  await s3.store.put(KEY_S3, audio, 'audio/mpeg');
  await dynamo.calls.create(
    sampleCall('CA1', {
      recording: { recording_sid: 'RE1', status: 'copied', s3_key: KEY_S3, size_bytes: audio.length },
    }),
  );
  await dynamo.calls.create(sampleCall('CA2', { recording: { recording_sid: 'RE2', status: 'pending' } }));
  await dynamo.calls.create(sampleCall('CA3'));
  app = Fastify({
    logger: { level: 'trace', stream: { write: (line: string) => void logLines.push(line) } },
  }) as unknown as FastifyInstance;
  useZodSchemas(app);
  registerErrorHandler(app);
  registerAdminAuth(app, { apiKey: KEY });
  await app.register(recordingRoutes, { calls: dynamo.calls, recordings: s3.store });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await Promise.all([dynamo.close(), s3.close()]);
});

describe('GET /calls/:sid/recording', () => {
  it('answers a short-lived presigned URL that fetches the same bytes', async () => {
    const response = await app.inject({ url: '/calls/CA1/recording', headers: auth });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const { url, expires_in_seconds } = response.json();
    expect(expires_in_seconds).toBe(300);
    expect(url).toContain('X-Amz-Expires=300');
    const media = await fetch(url);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await media.arrayBuffer()).equals(audio)).toBe(true);
    // Never logged.
    expect(logLines.join('\n')).not.toContain('X-Amz-Signature');
  });

  it('redirects with ?redirect=1', async () => {
    const response = await app.inject({ url: '/calls/CA1/recording?redirect=1', headers: auth });
    expect(response.statusCode).toBe(302);
    const media = await fetch(response.headers.location as string);
    expect(Buffer.from(await media.arrayBuffer()).equals(audio)).toBe(true);
    expect(logLines.join('\n')).not.toContain('X-Amz-Signature');
  });

  it('answers 404 without a copied recording, and for unknown calls', async () => {
    for (const [sid, message] of [
      ['CA2', /recording is pending/],
      ['CA3', /no recording/],
      ['CA404', /call not found/],
    ] as const) {
      const response = await app.inject({ url: `/calls/${sid}/recording`, headers: auth });
      expect(response.statusCode).toBe(404);
      expect(response.json().message).toMatch(message);
    }
  });

  it('needs the admin key', async () => {
    expect((await app.inject({ url: '/calls/CA1/recording' })).statusCode).toBe(401);
  });
});
