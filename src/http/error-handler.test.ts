import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { loggerOptions } from '../logger.js';
import { registerErrorHandler } from './error-handler.js';
import { useZodSchemas } from './zod-schemas.js';

describe('error handler', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const app = Fastify({ loggerInstance: pino(loggerOptions('info'), sink) }) as unknown as FastifyInstance;
  beforeAll(async () => {
    useZodSchemas(app);
    registerErrorHandler(app);
    app.get('/boom', async () => {
      throw new Error('secret database password in a stack');
    });
    app.get('/app/:code', async (request) => {
      const code = (request.params as { code: string }).code as never;
      throw new AppError(code, `failed with ${code}`, {
        retryAfterSeconds: code === 'unavailable' ? 7 : undefined,
      });
    });
    app.post(
      '/zod',
      { schema: { body: z.object({ count: z.number().int() }).strict() } },
      async (request) => request.body,
    );
    app.get('/rejected', () => Promise.reject(new TypeError('not a function')));
    await app.ready();
  });
  afterAll(() => app.close());

  it('hides the details of a 500 and logs them', async () => {
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'internal', message: 'internal error' });
    expect(response.body).not.toContain('secret');
    expect(lines.join('')).toContain('secret database password');
    const rejected = await app.inject({ method: 'GET', url: '/rejected' });
    expect(rejected.statusCode).toBe(500);
  });

  it('maps every AppError code to its status, with Retry-After for 429 and 503', async () => {
    const expected: Record<string, number> = {
      validation: 400,
      unauthorized: 401,
      forbidden: 403,
      not_found: 404,
      conflict: 409,
      rate_limited: 429,
      upstream: 502,
      unavailable: 503,
      internal: 500,
    };
    for (const [code, status] of Object.entries(expected)) {
      const response = await app.inject({ method: 'GET', url: `/app/${code}` });
      expect(response.statusCode, code).toBe(status);
      expect(response.json().error).toBe(code);
    }
    expect((await app.inject({ method: 'GET', url: '/app/rate_limited' })).headers['retry-after']).toBe('1');
    expect((await app.inject({ method: 'GET', url: '/app/unavailable' })).headers['retry-after']).toBe('7');
    expect((await app.inject({ method: 'GET', url: '/app/internal' })).json().message).toBe('internal error');
  });

  it('turns zod failures into 400 with every field, and applies the parsed value', async () => {
    const bad = await app.inject({ method: 'POST', url: '/zod', payload: { count: 1.5, extra: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .issues.map((i: { field: string }) => i.field)
        .sort(),
    ).toEqual(['count', 'extra']);
    const good = await app.inject({ method: 'POST', url: '/zod', payload: { count: 2 } });
    expect(good.json()).toEqual({ count: 2 });
  });

  it('never logs request bodies or concrete URLs', async () => {
    lines.length = 0;
    await app.inject({
      method: 'POST',
      url: '/zod?phone=%2B14155550100',
      payload: { count: 'caller@example.com' },
    });
    const log = lines.join('');
    expect(log).toContain('"route":"/zod"');
    expect(log).not.toContain('14155550100');
    expect(log).not.toContain('caller@example.com');
  });
});
