import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerKey, keyMatches, registerAdminAuth, WRONG_KEY_BACKOFF } from './auth.js';
import { registerErrorHandler } from './error-handler.js';

describe('bearerKey and keyMatches', () => {
  it('take only the exact key after "Bearer "', () => {
    const matches = (header: string | undefined) => {
      const key = bearerKey(header);
      return key !== undefined && keyMatches(key, 'k3y-value');
    };
    expect(matches('Bearer k3y-value')).toBe(true);
    expect(matches('bearer k3y-value')).toBe(true);
    expect(matches('Bearer k3y-valu')).toBe(false);
    expect(matches('Bearer k3y-value2')).toBe(false);
    expect(matches('k3y-value')).toBe(false);
    expect(matches(undefined)).toBe(false);
    expect(matches('Bearer ')).toBe(false);
    expect(bearerKey('Basic abc')).toBeUndefined();
  });
});

describe('admin auth', () => {
  const app = Fastify();
  beforeAll(async () => {
    registerErrorHandler(app);
    registerAdminAuth(app, { apiKey: 'the-admin-key' });
    app.addAdminAuthenticator((request) => request.headers.cookie === 'session=ok');
    app.get('/new-route', async () => ({ ok: true }));
    app.get('/open', { config: { public: true } }, async () => ({ ok: true }));
    app.post('/twilio/voice', async () => ({ ok: true }));
    await app.ready();
  });
  afterAll(() => app.close());

  it('protects a route by default', async () => {
    expect((await app.inject({ method: 'GET', url: '/new-route' })).statusCode).toBe(401);
    const ok = await app.inject({
      method: 'GET',
      url: '/new-route',
      headers: { authorization: 'Bearer the-admin-key' },
    });
    expect(ok.statusCode).toBe(200);
  });

  const get = (authorization: string | undefined, remoteAddress: string) =>
    app.inject({
      method: 'GET',
      url: '/new-route',
      remoteAddress,
      headers: authorization === undefined ? {} : { authorization },
    });

  it('asks a client sending wrong Bearer keys to wait longer each time, and still takes the right key', async () => {
    const client = '198.51.100.7';
    const free = WRONG_KEY_BACKOFF.freeFailures;
    const answers = [];
    for (let i = 0; i < free + 3; i += 1) answers.push(await get(`Bearer guess-${i}`, client));
    expect(answers.map((answer) => answer.statusCode)).toEqual([
      ...Array<number>(free).fill(401),
      429,
      429,
      429,
    ]);
    expect(answers.slice(free).map((answer) => answer.headers['retry-after'])).toEqual(['1', '2', '4']);
    expect(answers[free]?.json()).toMatchObject({ error: 'rate_limited' });
    // The right key from the same address at once: accepted, not locked out.
    expect((await get('Bearer the-admin-key', client)).statusCode).toBe(200);
    // Requests with no key, or a session, are not guesses and are not counted.
    expect((await get(undefined, client)).statusCode).toBe(401);
    expect((await get('Bearer guess-x', client)).headers['retry-after']).toBe('8');
    // Another client is not affected.
    expect((await get('Bearer guess', '198.51.100.8')).statusCode).toBe(401);
  });

  it('lets public routes and /twilio/ webhooks through, and extra authenticators in', async () => {
    expect((await app.inject({ method: 'GET', url: '/open' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/twilio/voice' })).statusCode).toBe(200);
    const session = await app.inject({ method: 'GET', url: '/new-route', headers: { cookie: 'session=ok' } });
    expect(session.statusCode).toBe(200);
  });
});
