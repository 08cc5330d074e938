import { AppError } from '../domain/errors.js';

// Keys are callers (a destination, a client address): past this many, full buckets are forgotten so
// that many distinct keys cannot grow the map without bound. A full bucket holds no information.
const MAX_TRACKED_KEYS = 10_000;

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * A token bucket per key, refilled continuously. It limits one instance; with several instances
 * behind a load balancer each gets its own budget (say so when sizing CALLS_PER_MINUTE).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perMinute: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Takes one token or throws AppError 'rate_limited' with the seconds until the next one. */
  take(key: string): void {
    const bucket = this.check(key);
    bucket.tokens -= 1;
  }

  /** Throws as take() does when the key has no token left, without taking one. */
  check(key: string): Bucket {
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updatedMs: now };
    const refill = ((now - bucket.updatedMs) / 60_000) * this.perMinute;
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + refill);
    bucket.updatedMs = now;
    if (!this.buckets.has(key)) {
      if (this.buckets.size >= MAX_TRACKED_KEYS) this.forgetFull(now);
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.ceil(((1 - bucket.tokens) / this.perMinute) * 60);
      throw new AppError('rate_limited', `too many requests for ${key}; retry in ${retryAfterSeconds} s`, {
        retryable: true,
        retryAfterSeconds,
      });
    }
    return bucket;
  }

  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedMs) / 60_000) * this.perMinute >= this.perMinute)
        this.buckets.delete(key);
    }
  }
}
