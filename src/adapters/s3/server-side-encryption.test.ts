import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeS3Server, type FakeS3Server } from '../../../test/fakes/fake-s3-server.js';
import { createS3Client } from './client.js';
import { createBucket } from './create-bucket.js';
import { openS3, serverSideEncryption } from './open.js';

// A MinIO without a KMS: refuses any upload that asks for server-side encryption.
let minio: FakeS3Server;
beforeAll(async () => {
  minio = await startFakeS3Server({ refuseEncryption: true });
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFAKE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-secret');
  const client = createS3Client({ endpoint: minio.url, embedded: false });
  await createBucket(client, 'sse-test');
  client.destroy();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await minio.close();
});

const audio = new Uint8Array([1, 2, 3, 4]);
const uploads = (key: string) => minio.requests.filter((r) => r.method === 'PUT' && r.key === key);

async function openMinio(sse?: 'AES256' | 'aws:kms' | 'none') {
  return openS3({
    embeddedS3: false,
    DATA_DIR: './unused',
    S3_BUCKET: 'sse-test',
    S3_FORCE_PATH_STYLE: true,
    S3_ENDPOINT: minio.url,
    AWS_REGION: 'us-east-1',
    S3_SSE: sse,
  });
}

describe('S3_SSE', () => {
  it('defaults to AES256 on AWS itself and to none on an S3_ENDPOINT', () => {
    expect(serverSideEncryption({ S3_ENDPOINT: undefined, S3_SSE: undefined })).toBe('AES256');
    expect(serverSideEncryption({ S3_ENDPOINT: 'http://minio:9000', S3_SSE: undefined })).toBeUndefined();
    expect(serverSideEncryption({ S3_ENDPOINT: undefined, S3_SSE: 'none' })).toBeUndefined();
    expect(serverSideEncryption({ S3_ENDPOINT: 'http://minio:9000', S3_SSE: 'aws:kms' })).toBe('aws:kms');
  });

  it('uploads to a server without SSE by default, sending no encryption header', async () => {
    const opened = await openMinio();
    try {
      await opened.store.put('a.mp3', audio, 'audio/mpeg');
      expect(await opened.store.head('a.mp3')).toEqual({ key: 'a.mp3', size_bytes: 4 });
      expect(uploads('a.mp3')[0]!.headers['x-amz-server-side-encryption']).toBeUndefined();
    } finally {
      await opened.close();
    }
  });

  it('asks for the chosen encryption on every upload', async () => {
    const opened = await openMinio('AES256');
    try {
      await expect(opened.store.put('b.mp3', audio, 'audio/mpeg')).rejects.toThrow(/KMS is not configured/);
      expect(uploads('b.mp3')[0]!.headers['x-amz-server-side-encryption']).toBe('AES256');
    } finally {
      await opened.close();
    }
  });

  it('never asks the embedded s3rver, which has no encryption', async () => {
    const opened = await openS3(
      {
        embeddedS3: true,
        DATA_DIR: ':memory:',
        S3_BUCKET: 'sse-embedded',
        S3_FORCE_PATH_STYLE: false,
        S3_ENDPOINT: undefined,
        AWS_REGION: undefined,
        S3_SSE: 'AES256',
      },
      { inMemory: true },
    );
    const sent: Record<string, string>[] = [];
    opened.client.middlewareStack.add(
      (next) => async (args) => {
        sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
    try {
      await opened.store.put('c.mp3', audio, 'audio/mpeg');
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((h) => h['x-amz-server-side-encryption'] === undefined)).toBe(true);
    } finally {
      await opened.close();
    }
  });
});
