// Every route is an admin route unless it says otherwise: `config: { public: true }`, or a path
// under a public prefix (Twilio webhooks, which check Twilio's signature instead). A new route is
// therefore protected by default.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No admin credentials needed (health, API description, Twilio webhooks). */
    public?: boolean;
  }
  interface FastifyInstance {
    /** Adds another way to prove admin access, e.g. the dashboard's session cookie. */
    addAdminAuthenticator(authenticator: AdminAuthenticator): void;
  }
}

/** Resolves true when the request carries valid admin credentials of its kind. */
export type AdminAuthenticator = (request: FastifyRequest) => boolean | Promise<boolean>;

export const PUBLIC_PREFIXES = ['/twilio/'];

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time check of `Authorization: Bearer <key>` (hashing first makes the lengths equal). */
export function bearerMatches(header: string | undefined, apiKey: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), digest(apiKey));
}

export function isPublicRoute(request: FastifyRequest): boolean {
  if (request.routeOptions.config?.public === true) return true;
  const pattern = request.routeOptions.url;
  return pattern !== undefined && PUBLIC_PREFIXES.some((prefix) => pattern.startsWith(prefix));
}

export function registerAdminAuth(app: FastifyInstance, options: { apiKey: string }): void {
  const authenticators: AdminAuthenticator[] = [
    (request) => bearerMatches(request.headers.authorization, options.apiKey),
  ];
  app.decorate('addAdminAuthenticator', (authenticator: AdminAuthenticator) => {
    authenticators.push(authenticator);
  });
  app.addHook('onRequest', async (request, reply) => {
    if (isPublicRoute(request)) return;
    for (const authenticate of authenticators) {
      if (await authenticate(request)) return;
    }
    reply.header('www-authenticate', 'Bearer');
    throw new AppError('unauthorized', 'missing or wrong admin API key: send Authorization: Bearer <key>');
  });
}
