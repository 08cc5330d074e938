// Turns what the twilio SDK throws into AppErrors with a code, a retry hint and field issues.
import { AppError } from '../../domain/errors.js';
import { TwilioRateLimitError } from './rest-http-client.js';

// Twilio error codes that mean "the number you asked us to call is the problem" (twilio.com/docs/api/errors).
const BAD_DESTINATION: Record<number, string> = {
  21211: 'is not a valid phone number',
  21214: 'cannot be reached',
  21215: 'is in a country or range our Twilio account may not call (geo permissions)',
  21217: 'is not a valid phone number',
  13223: 'is not in E.164 format',
  13224: 'is not a valid or supported phone number',
};
// "From" problems: not a valid number (21212), not a Twilio number or verified caller ID (21210).
const BAD_CALLER: Record<number, string> = {
  21210: 'is not a Twilio number or verified caller ID on this account',
  21212: 'is not a valid phone number',
};
const CALL_NOT_IN_PROGRESS = 21220;
const NOT_FOUND = 20404;
const AUTH_FAILED = 20003;
const TOO_MANY_REQUESTS = 20429;

// Errors from a connection that never carried our request: safe to repeat even a create.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface TwilioErrorShape {
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

export function twilioErrorCode(error: unknown): number | undefined {
  const code = (error as TwilioErrorShape | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** True when Twilio says the call already ended, so a hang-up has nothing left to do. */
export function isCallAlreadyEnded(error: unknown): boolean {
  return twilioErrorCode(error) === CALL_NOT_IN_PROGRESS;
}

/**
 * Maps a failed Twilio REST request to an AppError.
 * `idempotent`: whether repeating the request is harmless. A create that timed out may have
 * created the call, so it is not marked retryable (reliability.md F12).
 */
export function mapTwilioError(error: unknown, options: { idempotent: boolean }): AppError {
  if (error instanceof AppError) return error;
  const shape = (error ?? {}) as TwilioErrorShape;
  const status = typeof shape.status === 'number' ? shape.status : undefined;
  const code = twilioErrorCode(error);
  const detail = typeof shape.message === 'string' && shape.message ? shape.message : 'no details';

  if (code !== undefined && BAD_DESTINATION[code]) {
    const message = BAD_DESTINATION[code];
    return new AppError('validation', `to: ${message} (Twilio ${code})`, {
      issues: [{ field: 'to', message }],
      cause: error,
    });
  }
  if (code !== undefined && BAD_CALLER[code]) {
    const message = BAD_CALLER[code];
    return new AppError('validation', `from: ${message} (Twilio ${code})`, {
      issues: [{ field: 'from', message }],
      cause: error,
    });
  }
  if (status === 429 || code === TOO_MANY_REQUESTS) {
    // Twilio: a 429 "is never processed and is always safe to retry".
    const retryAfterSeconds = error instanceof TwilioRateLimitError ? error.retryAfterSeconds : undefined;
    return new AppError('rate_limited', 'Twilio is rate limiting our requests', {
      retryable: true,
      retryAfterSeconds,
      cause: error,
    });
  }
  if (status === 401 || code === AUTH_FAILED) {
    return new AppError('unavailable', 'Twilio rejected our credentials', { cause: error });
  }
  if (status === 404 || code === NOT_FOUND) {
    return new AppError('not_found', `Twilio resource not found (${detail})`, { cause: error });
  }
  if (status !== undefined && status >= 500) {
    return new AppError('upstream', `Twilio failed with HTTP ${status}`, { retryable: true, cause: error });
  }
  if (status !== undefined) {
    return new AppError(
      'upstream',
      `Twilio refused the request: HTTP ${status}, code ${code ?? 'none'}: ${detail}`,
      {
        cause: error,
      },
    );
  }
  const networkCode = typeof shape.code === 'string' ? shape.code : undefined;
  const neverSent = networkCode !== undefined && NOT_SENT.has(networkCode);
  return new AppError(
    'upstream',
    neverSent || options.idempotent
      ? `Could not reach Twilio (${networkCode ?? 'network error'})`
      : `Lost the connection to Twilio mid-request (${networkCode ?? 'network error'}); the call may have been created`,
    { retryable: neverSent || options.idempotent, cause: error },
  );
}
