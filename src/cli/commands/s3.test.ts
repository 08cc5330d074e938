import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeS3Server } from '../../../test/fakes/fake-s3-server.js';
import { startEmbeddedS3, type EmbeddedS3 } from '../../adapters/embedded/s3rver.js';
import { createS3Client } from '../../adapters/s3/client.js';
import { reportError } from '../output.js';
import { registerS3Command, type OpenS3 } from './s3.js';

let server: EmbeddedS3;
beforeAll(async () => {
  server = await startEmbeddedS3();
});
afterAll(() => server.close());

const embedded =
  (bucket: string): OpenS3 =>
  async () => {
    const client = createS3Client({ endpoint: server.endpoint, embedded: true });
    return { client, bucket, close: async () => client.destroy() };
  };

async function run(bucket: string, open: OpenS3 = embedded(bucket)): Promise<string> {
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const program = new Command().exitOverride();
    registerS3Command(program, open);
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

  it('fails with exit code 2 naming S3_BUCKET when another account holds the name', async () => {
    const aws = await startFakeS3Server({ foreignBuckets: ['someone-elses'] });
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFAKE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-secret');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const error = await run('someone-elses', async () => {
        const client = createS3Client({ endpoint: aws.url, region: 'eu-west-1', embedded: false });
        return { client, bucket: 'someone-elses', close: async () => client.destroy() };
      }).catch((e: unknown) => e);
      expect(reportError(error)).toBe(2);
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/someone-elses belongs to another account/);
    } finally {
      stderr.mockRestore();
      vi.unstubAllEnvs();
      await aws.close();
    }
  });
});
