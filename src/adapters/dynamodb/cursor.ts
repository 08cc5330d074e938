import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../domain/errors.js';

// Cursors are opaque to callers: base64url(JSON) + '.' + base64url(HMAC-SHA256 tag). The tag
// covers a scope (the index and filters of the query) so a cursor cannot be forged or replayed
// against another query, and a client never gets to choose an arbitrary ExclusiveStartKey.

export type CursorPayload = Record<string, unknown>;

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_LIMIT;
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.trunc(limit)));
}

function tag(secret: string | Uint8Array, scope: string, body: string): Buffer {
  return createHmac('sha256', secret).update(scope).update('\n').update(body).digest();
}

export function encodeCursor(secret: string | Uint8Array, scope: string, payload: CursorPayload): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${tag(secret, scope, body).toString('base64url')}`;
}

const invalidCursor = () =>
  new AppError('validation', 'cursor: invalid cursor', {
    issues: [{ field: 'cursor', message: 'invalid cursor' }],
  });

/** The payload of a cursor made by encodeCursor with the same secret and scope; else AppError 'validation'. */
export function decodeCursor(secret: string | Uint8Array, scope: string, cursor: string): CursorPayload {
  const [body, signature, extra] = cursor.split('.');
  if (!body || !signature || extra !== undefined) throw invalidCursor();
  const expected = tag(secret, scope, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  try {
    const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalidCursor();
    return payload as CursorPayload;
  } catch {
    throw invalidCursor();
  }
}
