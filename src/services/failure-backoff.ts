// Backoff on failures, per client: the first few are free, then each further failure asks the
// client to wait twice as long as the last (capped). It counts failures only and never refuses
// anything by itself: the caller still checks every attempt, so a right answer is accepted while
// the client that sent wrong ones is told to wait (see docs/decisions/0011-admin-key-throttle.md).
// Per instance and in memory: behind a load balancer each instance counts its own failures.

export interface BackoffPolicy {
  /** Failures a client may make before it is asked to wait. */
  freeFailures: number;
  /** The wait after the first failure past the free ones; each further failure doubles it. */
  firstWaitMs: number;
  maxWaitMs: number;
  /** A client without a failure for this long starts again from nothing. */
  forgetAfterMs: number;
  /** Clients tracked at once; past this the oldest are forgotten, so the map has a bound. */
  maxClients: number;
}

export interface Failure {
  /** Failures counted for this client, this one included. */
  failures: number;
  /** Seconds the client should wait before trying again; 0 while it has free failures left. */
  waitSeconds: number;
}

interface ClientRecord {
  failures: number;
  lastFailureMs: number;
}

export class FailureBackoff {
  // Insertion order is the order of each client's last failure (a failure re-inserts its client).
  private readonly clients = new Map<string, ClientRecord>();

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Counts a failure of `client` and says how long it should now wait. */
  fail(client: string): Failure {
    const now = this.nowMs();
    const previous = this.current(client, now);
    this.clients.delete(client);
    const record = { failures: (previous?.failures ?? 0) + 1, lastFailureMs: now };
    this.clients.set(client, record);
    this.forgetOldest(now);
    return { failures: record.failures, waitSeconds: Math.ceil(this.waitMs(record.failures) / 1_000) };
  }

  /** Failures counted for `client` now (0 once forgotten). */
  failures(client: string): number {
    return this.current(client, this.nowMs())?.failures ?? 0;
  }

  private waitMs(failures: number): number {
    const past = failures - this.policy.freeFailures;
    if (past <= 0) return 0;
    // 2 ** 40 is already far past any cap; the exponent is bounded so the number stays finite.
    return Math.min(this.policy.maxWaitMs, this.policy.firstWaitMs * 2 ** Math.min(past - 1, 40));
  }

  private current(client: string, now: number): ClientRecord | undefined {
    const record = this.clients.get(client);
    if (record && now - record.lastFailureMs >= this.policy.forgetAfterMs) {
      this.clients.delete(client);
      return undefined;
    }
    return record;
  }

  private forgetOldest(now: number): void {
    for (const [client, record] of this.clients) {
      const stale = now - record.lastFailureMs >= this.policy.forgetAfterMs;
      if (!stale && this.clients.size <= this.policy.maxClients) return;
      this.clients.delete(client);
    }
  }
}
