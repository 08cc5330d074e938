import { AppError } from '../../domain/errors.js';
import { NETWORK_ERROR_CODES } from './wire-retry.js';

export function isConditionalFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

// Names of errors where a later retry may succeed: throttling, capacity, service faults.
const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'LimitExceededException',
  'TimeoutError',
  'AbortError',
]);
// Network error codes: every one a client retries (refused, reset, timed out, Node's and undici's),
// and DNS and routing failures.
const NETWORK_CODES = new Set([
  ...NETWORK_ERROR_CODES,
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  const fault = (error as { $fault?: unknown }).$fault;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    RETRYABLE_NAMES.has(error.name) ||
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    fault === 'server' ||
    (status !== undefined && status >= 500)
  );
}

/**
 * Turns an SDK failure into an AppError: 'unavailable' (retryable) for throttling, network and
 * server faults, 'internal' for the rest (validation errors are our bugs). AppErrors pass through.
 */
export function toStoreError(error: unknown, operation: string): AppError {
  if (error instanceof AppError) return error;
  if (isRetryable(error)) {
    return new AppError('unavailable', `database unavailable during ${operation}`, {
      retryable: true,
      cause: error,
    });
  }
  return new AppError('internal', `database error during ${operation}`, { cause: error });
}

/** Runs a DynamoDB call, mapping its failures through toStoreError. */
export async function guard<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toStoreError(error, operation);
  }
}
