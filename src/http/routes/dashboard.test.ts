import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, CSRF_VALUE, SESSION_COOKIE } from '../dashboard-session.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../testing.js';

describe('dashboard routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_URL: 'https://voice.example.test' });
  });
  afterAll(() => t.close());

  const signIn = async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/dashboard/session',
      payload: { key: TEST_ADMIN_KEY },
    });
    expect(response.statusCode).toBe(204);
    const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toBeDefined();
    return { cookie: `${SESSION_COOKIE}=${cookie?.value}`, raw: response.headers['set-cookie'] };
  };

  it('serves the page and its assets without credentials, with a strict CSP', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('/assets/js/main.js');
    const script = await t.app.inject({ method: 'GET', url: '/assets/js/main.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    const css = await t.app.inject({ method: 'GET', url: '/assets/app.css' });
    expect(css.headers['content-type']).toContain('text/css');
  });

  it("serves the chart library from its installed package, under the page's CSP", async () => {
    const script = await t.app.inject({ method: 'GET', url: '/assets/vendor/uplot.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.headers['content-security-policy']).toContain("default-src 'self'");
    expect(script.body).toMatch(/^\/\*! https:\/\/github\.com\/leeoniya\/uPlot/);
    const css = await t.app.inject({ method: 'GET', url: '/assets/vendor/uplot.css' });
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.body).toContain('.uplot');
    expect((await t.app.inject({ method: 'GET', url: '/assets/vendor/uPlot.cjs.js' })).statusCode).toBe(404);
  });

  it('serves only the files it loaded', async () => {
    for (const url of ['/assets/../routes/dashboard.ts', '/assets/%2e%2e/app.ts', '/assets/nope.js']) {
      const response = await t.app.inject({ method: 'GET', url });
      // A path outside /assets/ is no route at all, so the admin check answers first.
      expect([401, 404], url).toContain(response.statusCode);
      expect(response.body).not.toContain('import');
    }
  });

  it('refuses a wrong key with 401 and sets no cookie', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/dashboard/session',
      payload: { key: 'not-the-key' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'unauthorized', issues: [{ field: 'key' }] });
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('asks a client that sends wrong keys to wait, and still takes the right key from it', async () => {
    const attempt = (key: string, remoteAddress = '203.0.113.9') =>
      t.app.inject({ method: 'POST', url: '/dashboard/session', payload: { key }, remoteAddress });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await attempt(`guess-${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const waiting = await attempt('guess-7');
    expect(waiting.statusCode).toBe(429);
    expect(waiting.headers['retry-after']).toBe('4');
    expect(waiting.json()).toMatchObject({ error: 'rate_limited', issues: [{ field: 'key' }] });
    expect(waiting.headers['set-cookie']).toBeUndefined();
    // The owner at the same address (an office, a proxy) is not locked out.
    const right = await attempt(TEST_ADMIN_KEY);
    expect(right.statusCode).toBe(204);
    expect(right.cookies.find((c) => c.name === SESSION_COOKIE)).toBeDefined();
    // Another client has its own count.
    expect((await attempt('typo', '203.0.113.10')).statusCode).toBe(401);
  });

  it('sets an HTTP-only, SameSite=Strict, Secure cookie that opens the admin API', async () => {
    const { cookie, raw } = await signIn();
    const header = String(raw);
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Strict');
    expect(header).toContain('Secure');
    expect(header).toContain('Path=/');
    expect(header).not.toContain(TEST_ADMIN_KEY);

    const state = await t.app.inject({ method: 'GET', url: '/dashboard/session', headers: { cookie } });
    expect(state.json()).toEqual({ signed_in: true });
    const agents = await t.app.inject({ method: 'GET', url: '/agents', headers: { cookie } });
    expect(agents.statusCode).toBe(200);
    const anonymous = await t.app.inject({ method: 'GET', url: '/agents' });
    expect(anonymous.statusCode).toBe(401);
    const forged = await t.app.inject({
      method: 'GET',
      url: '/agents',
      headers: { cookie: `${SESSION_COOKIE}=v1.9999999999999.AAAAAAAAAAAAAAAA.${'A'.repeat(43)}` },
    });
    expect(forged.statusCode).toBe(401);
  });

  it('refuses a state change by cookie without the CSRF header', async () => {
    const { cookie } = await signIn();
    const body = { name: 'x', prompt: 'p', voice: 'Polly.Joanna', language: 'en-US', greeting: 'Hi' };
    const without = await t.app.inject({
      method: 'POST',
      url: '/agents',
      headers: { cookie },
      payload: body,
    });
    expect(without.statusCode).toBe(401);
    const withHeader = await t.app.inject({
      method: 'POST',
      url: '/agents',
      headers: { cookie, [CSRF_HEADER]: CSRF_VALUE },
      payload: body,
    });
    expect(withHeader.statusCode).toBe(201);
  });

  it('signs out by revoking the session and clearing the cookie; the old cookie then gets 401', async () => {
    const { cookie } = await signIn();
    const other = await signIn(); // another browser, still signed in afterwards
    const response = await t.app.inject({ method: 'DELETE', url: '/dashboard/session', headers: { cookie } });
    expect(response.statusCode).toBe(204);
    const cleared = response.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cleared?.value).toBe('');
    expect(String(response.headers['set-cookie'])).toMatch(/Expires=Thu, 01 Jan 1970/);
    // A copy of the old cookie (another tab, or stolen) no longer works.
    expect((await t.app.inject({ method: 'GET', url: '/agents', headers: { cookie } })).statusCode).toBe(401);
    const state = await t.app.inject({ method: 'GET', url: '/dashboard/session', headers: { cookie } });
    expect(state.json()).toEqual({ signed_in: false });
    const again = await t.app.inject({ method: 'GET', url: '/agents', headers: { cookie: other.cookie } });
    expect(again.statusCode).toBe(200);
    // Signing out without a session, or with an expired one, just clears the cookie.
    expect((await t.app.inject({ method: 'DELETE', url: '/dashboard/session' })).statusCode).toBe(204);
  });
});
