// The dashboard: one static page at `/` and its assets under `/assets/`, plus sign-in and sign-out.
// The page talks to the same JSON API as any client; its session cookie is one more way to pass the
// admin check (see dashboard-session.ts), until it expires or is signed out (revoked in the store,
// for every instance). Sign-in checks the key as a Bearer header is checked, wrong-key backoff
// included (auth.ts). Assets are read once at start-up and only those files are served, so no
// request path ever reaches the file system. Third-party browser files (the chart library) are
// served from the installed package under /assets/vendor/, never copied into our tree.
import cookie from '@fastify/cookie';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import type { SessionRevocations } from '../../ports/session-revocations.js';
import {
  createSessionToken,
  readSessionToken,
  SESSION_COOKIE,
  sessionAllows,
  sessionCookieOptions,
  type SessionKeys,
  type SessionToken,
} from '../dashboard-session.js';
import { errorBodySchema } from '../error-handler.js';

export const DASHBOARD_ASSETS_DIR = fileURLToPath(new URL('../dashboard/assets/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

// Everything the page loads comes from this server. Recordings play from a presigned storage URL
// (S3, or the embedded s3rver on another local port), hence the wider media-src.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' https: http:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface DashboardAsset {
  body: Buffer;
  contentType: string;
}

/** Every servable file under `dir`, keyed by its URL path (`/assets/js/main.js`). */
export function loadAssets(dir: string): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const contentType = CONTENT_TYPES[extname(entry.name)];
    if (!entry.isFile() || !contentType) continue;
    const path = join(entry.parentPath, entry.name);
    const urlPath = `/assets/${relative(dir, path).split(sep).join('/')}`;
    assets.set(urlPath, { body: readFileSync(path), contentType });
  }
  return assets;
}

/** URL path under /assets/vendor/ → the installed package's file (docs/decisions/0018-chart-library.md). */
export const VENDOR_FILES: Record<string, string> = {
  '/assets/vendor/uplot.js': 'uplot/dist/uPlot.iife.min.js',
  '/assets/vendor/uplot.css': 'uplot/dist/uPlot.min.css',
};

/** The vendor files, read from node_modules once. */
export function loadVendorAssets(files: Record<string, string> = VENDOR_FILES): Map<string, DashboardAsset> {
  const resolve = createRequire(import.meta.url).resolve;
  const assets = new Map<string, DashboardAsset>();
  for (const [urlPath, module] of Object.entries(files)) {
    const contentType = CONTENT_TYPES[extname(module)];
    if (!contentType) throw new Error(`no content type for ${module}`);
    assets.set(urlPath, { body: readFileSync(resolve(module)), contentType });
  }
  return assets;
}

function sendAsset(reply: FastifyReply, asset: DashboardAsset): FastifyReply {
  return reply
    .header('content-type', asset.contentType)
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .send(asset.body);
}

const signInBody = z.object({ key: z.string().min(1).max(1_000) }).strict();
const sessionState = z.object({ signed_in: z.boolean() });

export interface DashboardRoutesOptions {
  adminApiKey: string;
  signingSecret: string;
  publicUrl: string;
  revocations: SessionRevocations;
  assetsDir?: string;
  now?: () => number;
}

export const dashboardRoutes: FastifyPluginAsync<DashboardRoutesOptions> = async (app, options) => {
  const keys: SessionKeys = { adminApiKey: options.adminApiKey, signingSecret: options.signingSecret };
  const now = options.now ?? Date.now;
  const assets = new Map([...loadAssets(options.assetsDir ?? DASHBOARD_ASSETS_DIR), ...loadVendorAssets()]);
  const page = assets.get('/assets/index.html');
  if (!page) throw new Error('dashboard assets are missing index.html');
  const cookieOptions = sessionCookieOptions(options.publicUrl);
  const notSignedOut = async (session: SessionToken | undefined) =>
    session !== undefined && !(await options.revocations.isRevoked(session.id));

  // The cookie plugin's own parsing hook runs after the admin check (hooks run in registration
  // order), so the authenticator parses the Cookie header itself.
  await app.register(cookie, { hook: false });
  const cookiesOf = (header: string | undefined) => (header ? app.parseCookie(header) : {});
  app.addAdminAuthenticator((request) =>
    notSignedOut(sessionAllows(keys, request, cookiesOf(request.headers.cookie), now())),
  );

  const tags = ['dashboard'];
  const publicRoute = { public: true };

  app.get('/', { config: publicRoute, schema: { hide: true } }, async (_request, reply) =>
    sendAsset(reply, page),
  );
  app.get('/assets/*', { config: publicRoute, schema: { hide: true } }, async (request, reply) => {
    const asset = assets.get(request.url.split('?')[0] ?? '');
    if (!asset) throw new AppError('not_found', 'no such dashboard asset');
    return sendAsset(reply, asset);
  });

  app.get(
    '/dashboard/session',
    {
      config: publicRoute,
      schema: { tags, summary: 'Whether this browser is signed in', response: { 200: sessionState } },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const token = cookiesOf(request.headers.cookie)[SESSION_COOKIE];
      return { signed_in: await notSignedOut(readSessionToken(keys, token, now())) };
    },
  );

  app.post(
    '/dashboard/session',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'Sign in to the dashboard with the admin key (sets an HTTP-only session cookie)',
        body: signInBody,
        response: { 204: z.null(), 400: errorBodySchema, 401: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      const { key } = request.body as z.infer<typeof signInBody>;
      app.checkAdminKey(request, key, 'key');
      reply.setCookie(SESSION_COOKIE, createSessionToken(keys, now()), cookieOptions);
      return reply.code(204).send();
    },
  );

  // Public so that an expired session can still be cleared. A valid one is revoked in the store, so
  // a copy of the cookie (another tab, a stolen one) no longer works on any instance.
  app.delete(
    '/dashboard/session',
    {
      config: publicRoute,
      schema: { tags, summary: 'Sign out of the dashboard', response: { 204: z.null() } },
    },
    async (request, reply) => {
      const session = readSessionToken(keys, cookiesOf(request.headers.cookie)[SESSION_COOKIE], now());
      if (session) await options.revocations.revoke(session.id, session.expiresAtMs);
      const { maxAge: _maxAge, ...attributes } = cookieOptions;
      reply.clearCookie(SESSION_COOKIE, attributes);
      return reply.code(204).send();
    },
  );
};
