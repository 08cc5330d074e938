import { AppError } from '../domain/errors.js';

/**
 * A token bucket per key, refilled continuously. It limits one instance; with several instances
 * behind a load balancer each gets its own budget (say so when sizing CALLS_PER_MINUTE).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedMs: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Takes one token or throws AppError 'rate_limited' with the seconds until the next one. */
  take(key: string): void {
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updatedMs: now };
    const refill = ((now - bucket.updatedMs) / 60_000) * this.perMinute;
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + refill);
    bucket.updatedMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.ceil(((1 - bucket.tokens) / this.perMinute) * 60);
      throw new AppError('rate_limited', `too many requests for ${key}; retry in ${retryAfterSeconds} s`, {
        retryable: true,
        retryAfterSeconds,
      });
    }
    bucket.tokens -= 1;
  }
}
