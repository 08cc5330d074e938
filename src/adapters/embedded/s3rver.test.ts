import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createS3Client } from '../s3/client.js';
import { createBucket } from '../s3/create-bucket.js';
import { readDiscovery } from './discovery.js';
import { connectOrStartEmbeddedS3, s3Answers, startEmbeddedS3 } from './s3rver.js';
import { holdS3, isRunning } from './test-support.js';

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

  it('runs in a child process with a temporary folder without dataDir, removed on close', async () => {
    const server = await startEmbeddedS3();
    expect(server.pid).not.toBe(process.pid);
    expect(isRunning(server.pid!)).toBe(true);
    expect(existsSync(server.directory!)).toBe(true);
    expect(await s3Answers(server.endpoint)).toBe(true);
    await server.close();
    expect(isRunning(server.pid!)).toBe(false);
    expect(existsSync(server.directory!)).toBe(false);
    await server.close(); // a second close is a no-op
  });

  it('reports a child that dies while in use, and removes the folder it cannot', async () => {
    const exits: string[] = [];
    const server = await startEmbeddedS3({ onUnexpectedExit: (detail) => exits.push(detail) });
    cleanups.push(() => server.close());
    process.kill(server.pid!, 'SIGKILL');
    await vi.waitFor(() => expect(exits).toEqual(['the embedded S3 killed by SIGKILL']));
    await vi.waitFor(() => expect(existsSync(server.directory!)).toBe(false));
  });

  it('fails with a clear error when it cannot listen, leaving no temporary folder', async () => {
    const taken = await startEmbeddedS3();
    cleanups.push(() => taken.close());
    const port = Number(new URL(taken.endpoint).port);
    // The child makes its temporary folder under TMPDIR, which it inherits: an empty one of our own.
    const ownTmp = await tempDir();
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = ownTmp;
    try {
      await expect(startEmbeddedS3({ port })).rejects.toThrow(/cannot start the embedded S3: .*EADDRINUSE/);
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
    expect(await readdir(ownTmp)).toEqual([]);
  });

  it('ends with its parent, even one killed with kill -9, and removes its temporary folder', async () => {
    const holder = await holdS3();
    cleanups.push(holder.kill);
    expect(isRunning(holder.s3Pid!)).toBe(true);
    expect(existsSync(holder.directory!)).toBe(true);

    await holder.kill();
    await vi.waitFor(() => expect(isRunning(holder.s3Pid!)).toBe(false), { timeout: 10_000 });
    expect(existsSync(holder.directory!)).toBe(false);
    expect(await s3Answers(holder.endpoint)).toBe(false);
  });

  it('shares a DATA_DIR with another process, and starts its own once that process is killed', async () => {
    const dataDir = await tempDir();
    const holder = await holdS3(dataDir);
    cleanups.push(holder.kill);
    expect(holder).toMatchObject({ shared: false, directory: join(dataDir, 's3') });
    const client = createS3Client({ endpoint: holder.endpoint, embedded: true });
    cleanups.push(async () => client.destroy());
    await createBucket(client, 'shared-bucket');

    const reused = await connectOrStartEmbeddedS3(dataDir);
    cleanups.push(() => reused.close());
    expect(reused).toMatchObject({ endpoint: holder.endpoint, shared: true });

    await holder.kill();
    await vi.waitFor(() => expect(isRunning(holder.s3Pid!)).toBe(false), { timeout: 10_000 });
    const own = await connectOrStartEmbeddedS3(dataDir);
    cleanups.push(() => own.close());
    expect(own.shared).toBe(false);
    expect(await readdir(join(dataDir, 's3'))).toContain('shared-bucket');
  });
});
