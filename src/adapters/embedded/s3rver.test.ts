import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../s3/client.js';
import { createBucket } from '../s3/create-bucket.js';
import { readDiscovery } from './discovery.js';
import { connectOrStartEmbeddedS3, s3Answers, startEmbeddedS3 } from './s3rver.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 's3rver-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('embedded s3rver', () => {
  it('listens on loopback and keeps objects under <dataDir>/s3 across restarts on the same port', async () => {
    const dataDir = await tempDir();
    const first = await startEmbeddedS3({ dataDir });
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = createS3Client({ endpoint: first.endpoint, embedded: true });
    cleanups.push(async () => client.destroy());
    await createBucket(client, 'kept-bucket');
    expect(await readdir(join(dataDir, 's3'))).toContain('kept-bucket');
    await first.close();
    expect(await s3Answers(first.endpoint)).toBe(false);

    const port = Number(new URL(first.endpoint).port);
    const second = await startEmbeddedS3({ dataDir, port });
    cleanups.push(() => second.close());
    expect(second.endpoint).toBe(first.endpoint);
    expect(await createBucket(client, 'kept-bucket')).toBe(false);
  });

  it('records its endpoint for other processes, which reuse it, and clears it on close', async () => {
    const dataDir = await tempDir();
    const own = await connectOrStartEmbeddedS3(dataDir);
    expect(own.shared).toBe(false);
    expect((await readDiscovery(dataDir))?.s3_endpoint).toBe(own.endpoint);
    const reused = await connectOrStartEmbeddedS3(dataDir);
    expect(reused).toMatchObject({ endpoint: own.endpoint, shared: true });
    await reused.close();
    expect(await s3Answers(own.endpoint)).toBe(true);
    await own.close();
    expect((await readDiscovery(dataDir))?.s3_endpoint).toBeUndefined();
  });

  it('uses a temporary folder without dataDir', async () => {
    const server = await startEmbeddedS3();
    expect(await s3Answers(server.endpoint)).toBe(true);
    await server.close();
  });
});
