import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerMatches, registerAdminAuth } from './auth.js';
import { registerErrorHandler } from './error-handler.js';

describe('bearerMatches', () => {
  it('accepts only the exact key after "Bearer "', () => {
    expect(bearerMatches('Bearer k3y-value', 'k3y-value')).toBe(true);
    expect(bearerMatches('bearer k3y-value', 'k3y-value')).toBe(true);
    expect(bearerMatches('Bearer k3y-valu', 'k3y-value')).toBe(false);
    expect(bearerMatches('Bearer k3y-value2', 'k3y-value')).toBe(false);
    expect(bearerMatches('k3y-value', 'k3y-value')).toBe(false);
    expect(bearerMatches(undefined, 'k3y-value')).toBe(false);
    expect(bearerMatches('Bearer ', 'k3y-value')).toBe(false);
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

  it('lets public routes and /twilio/ webhooks through, and extra authenticators in', async () => {
    expect((await app.inject({ method: 'GET', url: '/open' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/twilio/voice' })).statusCode).toBe(200);
    const session = await app.inject({ method: 'GET', url: '/new-route', headers: { cookie: 'session=ok' } });
    expect(session.statusCode).toBe(200);
  });
});
