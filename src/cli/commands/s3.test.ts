import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbeddedS3, type EmbeddedS3 } from '../../adapters/embedded/s3rver.js';
import { createS3Client } from '../../adapters/s3/client.js';
import { registerS3Command } from './s3.js';

let server: EmbeddedS3;
beforeAll(async () => {
  server = await startEmbeddedS3();
});
afterAll(() => server.close());

async function run(bucket: string): Promise<string> {
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const program = new Command().exitOverride();
    registerS3Command(program, async () => {
      const client = createS3Client({ endpoint: server.endpoint, embedded: true });
      return { client, bucket, close: async () => client.destroy() };
    });
    await program.parseAsync(['node', 'voice-agent', 's3', 'create-bucket']);
  } finally {
    write.mockRestore();
  }
  return out.join('');
}

describe('voice-agent s3 create-bucket', () => {
  it('creates the bucket once and says so, then reports it exists', async () => {
    expect(await run('cli-bucket')).toBe('created bucket cli-bucket\n');
    expect(await run('cli-bucket')).toBe('bucket cli-bucket already exists\n');
    const client = createS3Client({ endpoint: server.endpoint, embedded: true });
    await expect(client.send(new HeadBucketCommand({ Bucket: 'cli-bucket' }))).resolves.toBeDefined();
    client.destroy();
  });
});
