export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'in-progress'; fingerprint: string }
  | { state: 'done'; fingerprint: string; response: unknown };

/** Remembers the outcome of a request under a client's Idempotency-Key, across instances. */
export interface IdempotencyStore {
  /** Claims `key` for a request with this body fingerprint, or reports what an earlier one left. */
  claim(key: string, fingerprint: string, ttlSeconds: number): Promise<IdempotencyClaim>;
  complete(key: string, response: unknown): Promise<void>;
  /** Frees a claim whose request failed, so a retry may run it again. */
  release(key: string): Promise<void>;
}
