import { APICallError } from 'ai';
import { AppError } from '../../domain/errors.js';

// Providers echo parts of keys in error bodies ("Incorrect API key provided: sk-proj-****abcd"), and a
// thrown message ends up in logs and in the stored turn, so every message passes through redaction.
const KEY_LIKE = /\b(?:sk|pk|rk|key)-[A-Za-z0-9_*.-]{6,}|\bBearer\s+\S+|\b[A-Za-z0-9_*+/=-]{32,}\b/gi;
const MAX_MESSAGE_CHARS = 200;

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.replace(KEY_LIKE, '[redacted]');
}

function retryAfterSeconds(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1_000);
}

/** The statuses the AI SDK retries (APICallError.isRetryable): timeouts, conflicts, 429 and 5xx. */
export const isRetryableStatus = (status: number) =>
  status === 408 || status === 409 || status === 429 || status >= 500;

/** A provider's HTTP error answer as an AppError: 429 rate_limited, the rest upstream; no secrets. */
export function httpModelError(
  label: string,
  secrets: readonly string[],
  answer: { status?: number; message: string; retryable: boolean; retryAfter?: string },
): AppError {
  const { status } = answer;
  const firstLine = answer.message.split('\n')[0] ?? '';
  const detail = redactSecrets(firstLine, secrets).slice(0, MAX_MESSAGE_CHARS);
  return new AppError(
    status === 429 ? 'rate_limited' : 'upstream',
    `${label}: ${status ? `HTTP ${status}` : 'request failed'}${detail ? `: ${detail}` : ''}`,
    { retryable: answer.retryable, retryAfterSeconds: retryAfterSeconds(answer.retryAfter) },
  );
}

/** A provider failure as an AppError: a code, whether a retry may help, and a message free of secrets. */
export function toModelError(error: unknown, label: string, secrets: readonly string[]): AppError {
  if (error instanceof AppError) return error;
  // With maxRetries > 0 the AI SDK wraps the last failure in a RetryError; unwrap it either way.
  const inner = (error as { lastError?: unknown } | null)?.lastError ?? error;
  if (APICallError.isInstance(inner)) {
    return httpModelError(label, secrets, {
      status: inner.statusCode,
      message: inner.message ?? '',
      retryable: inner.isRetryable,
      retryAfter: inner.responseHeaders?.['retry-after'],
    });
  }
  const name = inner instanceof Error ? inner.name : 'Error';
  const message = inner instanceof Error ? inner.message : String(inner);
  // Network resets, malformed chunks and invalid JSON are worth one more try.
  return new AppError(
    'upstream',
    `${label}: ${name}: ${redactSecrets(message, secrets).slice(0, MAX_MESSAGE_CHARS)}`,
    { retryable: true },
  );
}
