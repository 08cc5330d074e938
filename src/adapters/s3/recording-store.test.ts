import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedS3, type EmbeddedS3 } from '../embedded/s3rver.js';
import { createS3Client } from './client.js';
import { createBucket } from './create-bucket.js';
import { openS3 } from './open.js';
import { S3RecordingStore } from './recording-store.js';

let server: EmbeddedS3;
let client: ReturnType<typeof createS3Client>;
let store: S3RecordingStore;
beforeAll(async () => {
  server = await startEmbeddedS3();
  client = createS3Client({ endpoint: server.endpoint, embedded: true });
  expect(await createBucket(client, 'store-test')).toBe(true);
  store = new S3RecordingStore(client, 'store-test');
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) % 251);

describe('S3RecordingStore on s3rver', () => {
  it('stores the exact bytes with their content type, small and multipart', async () => {
    // 6 MB passes lib-storage's 5 MB part size: a multipart upload, where the SDK's default
    // checksums corrupt s3rver uploads (STACK.md).
    for (const [key, body] of [
      ['recordings/a/small.mp3', bytes(20_000, 1)],
      ['recordings/a/large.wav', bytes(6 * 1024 * 1024, 2)],
    ] as const) {
      expect(await store.put(key, body, 'audio/mpeg')).toEqual({ key, size_bytes: body.byteLength });
      expect(await store.head(key)).toEqual({ key, size_bytes: body.byteLength });
      const response = await fetch(await store.presignGet(key, 60));
      expect(response.headers.get('content-type')).toBe('audio/mpeg');
      expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(body))).toBe(true);
    }
  });

  it('answers undefined from head for a missing key, and overwrites the same key in place', async () => {
    expect(await store.head('recordings/none.mp3')).toBeUndefined();
    await store.put('recordings/b/same.mp3', bytes(100, 3), 'audio/mpeg');
    await store.put('recordings/b/same.mp3', bytes(100, 3), 'audio/mpeg');
    expect(await store.head('recordings/b/same.mp3')).toEqual({
      key: 'recordings/b/same.mp3',
      size_bytes: 100,
    });
  });

  it('presigns short-lived GET URLs', async () => {
    const url = new URL(await store.presignGet('recordings/a/small.mp3', 300));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.pathname).toBe('/store-test/recordings/a/small.mp3');
  });

  it('creates buckets idempotently', async () => {
    expect(await createBucket(client, 'store-test')).toBe(false);
  });
});

describe('openS3', () => {
  it('starts the embedded server under DATA_DIR with the bucket, and reuses a live one', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'open-s3-'));
    const config = {
      embeddedS3: true,
      DATA_DIR: dataDir,
      S3_BUCKET: 'open-test',
      S3_FORCE_PATH_STYLE: false,
      S3_ENDPOINT: undefined,
      AWS_REGION: undefined,
    };
    const first = await openS3(config);
    const second = await openS3(config);
    try {
      expect(first.embedded).toMatchObject({ shared: false });
      expect(second.embedded).toEqual({ endpoint: first.embedded!.endpoint, shared: true });
      await first.store.put('k.mp3', bytes(10, 4), 'audio/mpeg');
      expect(await second.store.head('k.mp3')).toEqual({ key: 'k.mp3', size_bytes: 10 });
    } finally {
      await second.close();
      await first.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('talks to a configured endpoint (MinIO and the like) with path-style URLs', async () => {
    const opened = await openS3({
      embeddedS3: false,
      DATA_DIR: './unused',
      S3_BUCKET: 'store-test',
      S3_FORCE_PATH_STYLE: true,
      S3_ENDPOINT: server.endpoint,
      AWS_REGION: 'us-east-1',
    });
    try {
      expect(opened.embedded).toBeUndefined();
      // (No credentials here: AWS ones come from the usual provider chain, not from us.)
      const endpoint = await opened.client.config.endpoint!();
      expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe(server.endpoint);
      expect(opened.client.config.forcePathStyle).toBe(true);
      expect(await opened.client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    } finally {
      await opened.close();
    }
  });

  it('keeps the SDK default checksums and virtual-host URLs for AWS itself', async () => {
    const aws = createS3Client({ region: 'eu-west-1', embedded: false });
    expect(await aws.config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
    expect(aws.config.forcePathStyle).toBe(false);
    aws.destroy();
    for (const forcePathStyle of [false, true]) {
      const minio = createS3Client({
        endpoint: 'https://minio.internal:9000',
        forcePathStyle,
        embedded: false,
      });
      expect(minio.config.forcePathStyle).toBe(forcePathStyle);
      expect(await minio.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
      minio.destroy();
    }
  });
});
