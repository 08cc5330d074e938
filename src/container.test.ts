// The composition root's wiring of the embedded DynamoDB and S3: each runs in a process of its own,
// its death is logged (and the store's seen by the health check) instead of passing silently, and
// closing the container ends it.
import { Writable } from 'node:stream';
import pino from 'pino';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { expect, it, vi } from 'vitest';
import { isRunning } from './adapters/embedded/test-support.js';
import { loadConfig } from './config.js';
import { createContainer } from './container.js';
import { loggerOptions } from './logger.js';

async function loggedContainer() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({ DATA_DIR: ':memory:', LOG_LEVEL: 'info' }, '');
  const container = await createContainer(config, {
    logger: pino(loggerOptions('info'), sink),
    role: 'server',
  });
  return { container, lines };
}

it('runs the embedded DynamoDB in a child process, and logs an error when that process dies', async () => {
  const { container, lines } = await loggedContainer();
  try {
    const pid = container.embedded?.pid;
    expect(pid).toBeTypeOf('number');
    expect(pid).not.toBe(process.pid);
    expect(await container.storeAnswers()).toBe(true);

    process.kill(pid!, 'SIGKILL');
    await vi.waitFor(() =>
      expect(lines.join('\n')).toContain('the embedded DynamoDB killed by SIGKILL; restart this process'),
    );
    expect(await container.storeAnswers()).toBe(false);
  } finally {
    await container.close();
  }
});

it('runs the embedded S3 in a child process, logs an error when it dies, and ends it on close', async () => {
  const { container, lines } = await loggedContainer();
  const pid = container.s3.embedded?.pid;
  try {
    expect(pid).toBeTypeOf('number');
    expect(pid).not.toBe(process.pid);
    await container.s3.client.send(new HeadBucketCommand({ Bucket: container.s3.bucket }));
  } finally {
    await container.close();
  }
  expect(isRunning(pid!)).toBe(false);
  expect(lines.join('\n')).not.toContain('the embedded S3');

  const second = await loggedContainer();
  try {
    process.kill(second.container.s3.embedded!.pid!, 'SIGKILL');
    await vi.waitFor(() =>
      expect(second.lines.join('\n')).toContain('the embedded S3 killed by SIGKILL; restart this process'),
    );
  } finally {
    await second.container.close();
  }
});
