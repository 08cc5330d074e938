// Fault injection for an AWS SDK client of the live server, DynamoDB or S3 (reliability.md §2.5,
// F7–F9): a middleware in the deserialize step, inside the SDK's retry loop, so injected failures are
// retried by the SDK exactly as real ones would be. The DynamoDB wire client that carries the turn
// path's requests gets the same faults through its attempt hook, also inside its retry loop. One
// injector per client; remove() takes it out.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoWireClient } from '../../../src/adapters/dynamodb/wire-client.js';

export type SdkFault = 'throttle' | 'refused';

export interface SdkFaultInjector {
  /** The next `count` requests fail with `fault` (in addition to any outage). */
  failNext(count: number, fault: SdkFault): void;
  /**
   * Until heal(), each request whose operation `applies` fails with probability `rate`, drawn from
   * `random` (seeded by the test, so a run reproduces).
   */
  failRate(
    rate: number,
    fault: SdkFault,
    random: () => number,
    applies?: (operation: string) => boolean,
  ): void;
  /** Every request fails with `fault` until heal() (an outage). */
  outage(fault: SdkFault): void;
  heal(): void;
  /** Requests that reached the middleware, and how many of them it failed. */
  readonly counts: { requests: number; failed: number; byOperation: Record<string, number> };
  remove(): void;
}

function faultError(fault: SdkFault): Error {
  if (fault === 'throttle') {
    // What the SDK deserializes from a 400 ThrottlingException: retryable as a throttling error.
    return Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
  }
  // What Node's HTTP client throws when nothing listens on the endpoint.
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), {
    name: 'Error',
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
  });
}

const NAME = 'reliability-fault-injector';

export function injectSdkFaults(
  client: DynamoDBClient | S3Client,
  wire?: DynamoWireClient,
): SdkFaultInjector {
  // Both clients share smithy's middleware stack; only their type parameters differ.
  const stack = client.middlewareStack as DynamoDBClient['middlewareStack'];
  let pending: { count: number; fault: SdkFault } | undefined;
  let down: SdkFault | undefined;
  let partial:
    | { rate: number; fault: SdkFault; random: () => number; applies: (operation: string) => boolean }
    | undefined;
  const counts = { requests: 0, failed: 0, byOperation: {} as Record<string, number> };
  /** Counts one attempt of `operation` and throws the fault it gets, if any. */
  const attempt = (operation: string) => {
    counts.requests += 1;
    let fault: SdkFault | undefined = down;
    if (!fault && pending && pending.count > 0) {
      pending.count -= 1;
      fault = pending.fault;
    }
    if (!fault && partial && partial.applies(operation) && partial.random() < partial.rate) {
      fault = partial.fault;
    }
    if (fault) {
      counts.failed += 1;
      counts.byOperation[operation] = (counts.byOperation[operation] ?? 0) + 1;
      throw faultError(fault);
    }
  };
  stack.add(
    (next, context) => async (args) => {
      attempt(String((context as { commandName?: string }).commandName ?? 'unknown'));
      return next(args);
    },
    { step: 'deserialize', name: NAME, priority: 'high' },
  );
  const removeWireHook = wire?.addAttemptHook(attempt);
  return {
    failNext(count, fault) {
      pending = { count, fault };
    },
    failRate(rate, fault, random, applies = () => true) {
      partial = { rate, fault, random, applies };
    },
    outage(fault) {
      down = fault;
    },
    heal() {
      down = undefined;
      pending = undefined;
      partial = undefined;
    },
    counts,
    remove() {
      stack.remove(NAME);
      removeWireHook?.();
    },
  };
}

/** A small seeded generator (mulberry32): the same seed gives the same faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
