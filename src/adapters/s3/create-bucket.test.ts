import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeS3Server, type FakeS3Server } from '../../../test/fakes/fake-s3-server.js';
import { AppError } from '../../domain/errors.js';
import { createS3Client } from './client.js';
import { createBucket } from './create-bucket.js';

let fake: FakeS3Server;
beforeAll(async () => {
  fake = await startFakeS3Server({ foreignBuckets: ['taken-bucket'] });
  // The standard AWS chain, as on a real deployment; the fake accepts any signature.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFAKE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-secret');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
});

const clientIn = (region: string) => createS3Client({ endpoint: fake.url, region, embedded: false });
const createRequest = (bucket: string) =>
  fake.requests.find((r) => r.method === 'PUT' && r.bucket === bucket && !r.key)!;

describe('createBucket', () => {
  it('names the region as LocationConstraint outside us-east-1', async () => {
    const client = clientIn('eu-west-1');
    expect(await createBucket(client, 'eu-bucket')).toBe(true);
    client.destroy();
    expect(createRequest('eu-bucket').body).toContain('<LocationConstraint>eu-west-1</LocationConstraint>');
  });

  it('sends no LocationConstraint in us-east-1 (AWS refuses it there)', async () => {
    const client = clientIn('us-east-1');
    expect(await createBucket(client, 'us-bucket')).toBe(true);
    client.destroy();
    expect(createRequest('us-bucket').body).not.toContain('LocationConstraint');
  });

  it('reports a bucket we already own as existing', async () => {
    const client = clientIn('eu-west-1');
    expect(await createBucket(client, 'eu-bucket')).toBe(false);
    client.destroy();
  });

  it('refuses a bucket name another account holds', async () => {
    const client = clientIn('eu-west-1');
    const error = await createBucket(client, 'taken-bucket').catch((e: unknown) => e);
    client.destroy();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'validation', issues: [{ field: 'S3_BUCKET' }] });
    expect((error as AppError).message).toMatch(/taken-bucket .*another account/);
  });
});
