// What Twilio's WebSocket codecs (ConversationRelay, Media Streams) share: a frame read as one JSON
// object, and zod's complaints about it summed up by field, never by value.
import type { z } from 'zod';

/** One frame as a JSON object, or why not. Never throws. */
export function parseJsonObject(
  raw: string | Buffer,
): { ok: true; message: Record<string, unknown> } | { ok: false; reason: string } {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, reason: 'not a JSON object' };
  return { ok: true, message: parsed as Record<string, unknown> };
}

/** The first three issues as `path: message`: field names, never the values that failed. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`)
    .join('; ');
}
