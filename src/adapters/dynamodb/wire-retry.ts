// When the wire client tries a DynamoDB request again, and after how long: the AWS SDK's standard
// retry mode (@smithy/util-retry), which the rest of the store still uses, so both paths behave alike
// under throttling and outages: 3 attempts, full-jitter exponential backoff from 100 ms (500 ms for
// throttling) capped at 20 s, and a shared quota that stops retries when most requests fail.

export type RetryKind = 'throttling' | 'transient' | 'clock-skew';

// The SDK's THROTTLING_ERROR_CODES.
const THROTTLING_NAMES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
// The SDK's TRANSIENT_ERROR_CODES and _STATUS_CODES, and the names DynamoDB gives its 5xx answers.
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalServerError',
  'ServiceUnavailable',
]);
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);
// Node's and undici's codes for a connection that failed, was reset or timed out.
export const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
// Answers to a request signed with a clock that is off; retried once the offset is corrected.
const CLOCK_SKEW_NAMES = new Set([
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
]);

interface ErrorFacts {
  name?: string;
  code?: unknown;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
}

/** Whether another attempt may succeed, and which backoff applies; undefined when it cannot. */
export function retryKind(error: unknown): RetryKind | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, $metadata } = error as ErrorFacts;
  const status = $metadata?.httpStatusCode;
  if (THROTTLING_NAMES.has(error.name) || status === 429) return 'throttling';
  if ($metadata?.clockSkewCorrected && CLOCK_SKEW_NAMES.has(error.name)) return 'clock-skew';
  if (TRANSIENT_NAMES.has(error.name) || (status !== undefined && TRANSIENT_STATUSES.has(status)))
    return 'transient';
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return 'transient';
  return undefined;
}

export const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 100;
const THROTTLING_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;

/** Full jitter: a uniform draw below base × 2^retries (retries made so far), capped. */
export function backoffMs(kind: RetryKind, retriesSoFar: number, random: () => number): number {
  const base = kind === 'throttling' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
  return Math.floor(Math.min(MAX_DELAY_MS, random() * 2 ** retriesSoFar * base));
}

// The SDK's retry quota: each retry spends tokens (more after a timeout or a broken connection), a
// success refunds its last retry's tokens (one token when it needed none), and an empty bucket fails
// at once rather than piling retries on an outage.
const QUOTA_CAPACITY = 500;
const RETRY_COST = 5;
const TIMEOUT_RETRY_COST = 10;
const NO_RETRY_REFUND = 1;

export class RetryQuota {
  #available = QUOTA_CAPACITY;

  /** Spends the tokens of one retry and returns their number; undefined (nothing spent) when too few are left. */
  take(error: unknown): number | undefined {
    const code = (error as ErrorFacts | null)?.code;
    const cost = typeof code === 'string' && NETWORK_ERROR_CODES.has(code) ? TIMEOUT_RETRY_COST : RETRY_COST;
    if (cost > this.#available) return undefined;
    this.#available -= cost;
    return cost;
  }

  /** A request succeeded: refunds what its last retry cost (0 when it needed none). */
  succeeded(lastRetryCost: number): void {
    const refund = lastRetryCost > 0 ? lastRetryCost : NO_RETRY_REFUND;
    this.#available = Math.min(QUOTA_CAPACITY, this.#available + refund);
  }

  get available(): number {
    return this.#available;
  }
}
