// The composition root's wiring of the embedded DynamoDB: it runs in a process of its own, and its
// death is logged (and seen by the health check) instead of passing silently.
import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, it, vi } from 'vitest';
import { loadConfig } from './config.js';
import { createContainer } from './container.js';
import { loggerOptions } from './logger.js';

it('runs the embedded DynamoDB in a child process, and logs an error when that process dies', async () => {
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
