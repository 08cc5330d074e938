// Every route is an admin route unless it says otherwise: `config: { public: true }`, or a path
// under a public prefix (Twilio webhooks, which check Twilio's signature instead). A new route is
// therefore protected by default.
//
// Wrong admin keys, as a Bearer header or typed at the dashboard's sign-in, are counted per client
// (its address as TRUST_PROXY lets us see it): after a few, each wrong key is answered 429 with a
// Retry-After that doubles. Every key is still compared and the right one is always accepted, so
// an attacker sharing an address with the owner (or behind the same proxy) never locks the owner
// out; what makes guessing hopeless is the key itself (docs/decisions/0011-admin-key-throttle.md).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import { FailureBackoff, type BackoffPolicy } from '../services/failure-backoff.js';
import { clientKey } from './client-address.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No admin credentials needed (health, API description, Twilio webhooks). */
    public?: boolean;
  }
  interface FastifyInstance {
    /** Adds another way to prove admin access, e.g. the dashboard's session cookie. */
    addAdminAuthenticator(authenticator: AdminAuthenticator): void;
    /**
     * Returns when `key` is the admin key; otherwise counts a wrong key for this client and throws
     * 401, or 429 with Retry-After once the client has sent too many. `field` names the key's field.
     */
    checkAdminKey(request: FastifyRequest, key: string, field?: string): void;
  }
}

/** Resolves true when the request carries valid admin credentials of its kind. */
export type AdminAuthenticator = (request: FastifyRequest) => boolean | Promise<boolean>;

export const PUBLIC_PREFIXES = ['/twilio/'];

// Five wrong keys cost nothing (typos); then 1 s, 2 s, 4 s … up to 15 minutes between tries. A
// client that stays quiet for an hour starts again from nothing.
export const WRONG_KEY_BACKOFF: BackoffPolicy = {
  freeFailures: 5,
  firstWaitMs: 1_000,
  maxWaitMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  maxClients: 10_000,
};

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time comparison with the admin key (hashing first makes the lengths equal). */
export function keyMatches(given: string, apiKey: string): boolean {
  return timingSafeEqual(digest(given), digest(apiKey));
}

/** The key of an `Authorization: Bearer <key>` header, or undefined when there is none. */
export function bearerKey(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

export function isPublicRoute(request: FastifyRequest): boolean {
  if (request.routeOptions.config?.public === true) return true;
  const pattern = request.routeOptions.url;
  return pattern !== undefined && PUBLIC_PREFIXES.some((prefix) => pattern.startsWith(prefix));
}

export function registerAdminAuth(
  app: FastifyInstance,
  options: { apiKey: string; backoff?: FailureBackoff },
): void {
  const backoff = options.backoff ?? new FailureBackoff(WRONG_KEY_BACKOFF);
  const authenticators: AdminAuthenticator[] = [];

  /** Counts a wrong key and throws 401, or 429 when this client should wait. */
  const refuseWrongKey = (request: FastifyRequest, message: string, field?: string): never => {
    const client = clientKey(request.ip);
    const { failures, waitSeconds } = backoff.fail(client);
    const issues = field ? [{ field, message: 'wrong admin key' }] : [];
    if (waitSeconds === 0) throw new AppError('unauthorized', message, { issues });
    if (failures === WRONG_KEY_BACKOFF.freeFailures + 1) {
      request.log.warn({ client, failures }, 'wrong admin keys from one client; it is asked to wait');
    }
    throw new AppError(
      'rate_limited',
      `too many wrong admin keys from this client; wait ${waitSeconds} s before trying again`,
      { issues, retryable: true, retryAfterSeconds: waitSeconds },
    );
  };

  app.decorate('addAdminAuthenticator', (authenticator: AdminAuthenticator) => {
    authenticators.push(authenticator);
  });
  app.decorate('checkAdminKey', (request: FastifyRequest, key: string, field?: string) => {
    if (!keyMatches(key, options.apiKey)) refuseWrongKey(request, 'wrong admin key', field);
  });
  app.addHook('onRequest', async (request, reply) => {
    if (isPublicRoute(request)) return;
    const presented = bearerKey(request.headers.authorization);
    if (presented !== undefined && keyMatches(presented, options.apiKey)) return;
    for (const authenticate of authenticators) {
      if (await authenticate(request)) return;
    }
    reply.header('www-authenticate', 'Bearer');
    const message = 'missing or wrong admin API key: send Authorization: Bearer <key>';
    // Only a key that was sent counts as a wrong one (not a missing header or an ended session).
    if (presented !== undefined) refuseWrongKey(request, message);
    throw new AppError('unauthorized', message);
  });
}
