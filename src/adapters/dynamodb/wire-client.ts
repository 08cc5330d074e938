// DynamoDB's JSON protocol spoken directly: a SigV4-signed POST on a pooled undici connection, with the
// SDK's retry policy (wire-retry.ts). The SDK client costs about 1–1.4 ms of CPU per request in its
// middleware stack; this path costs a fraction (docs/decisions/0010-dynamodb-wire-client.md). What is
// off the hot path still comes from that SDK client: credentials (the default chain, refreshed before
// they expire), the region and the endpoint (partitions, FIPS, dual-stack).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Agent, type Dispatcher } from 'undici';
import { DynamoServiceError, responseError } from './wire-errors.js';
import { backoffMs, MAX_ATTEMPTS, retryKind, RetryQuota } from './wire-retry.js';
import { WireSigner, type SigningCredentials } from './wire-signer.js';

export type WireOperation = 'GetItem' | 'PutItem' | 'UpdateItem' | 'Query';

/**
 * Runs before each attempt with the SDK's command name ('PutItemCommand'); what it throws fails that
 * attempt as the network or DynamoDB would (tests inject throttling and outages here, as an SDK
 * middleware does for the SDK client).
 */
export type AttemptHook = (command: string) => void;

export interface WireClientSettings {
  /** e.g. http://127.0.0.1:8000 (dynalite) or a regional endpoint; default: the SDK client's. */
  endpoint?: string;
  connectTimeoutMs: number;
  /** Longest wait for an answer's headers, and between two of its chunks. */
  requestTimeoutMs: number;
  maxSockets: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Target {
  origin: string;
  host: string;
  signer: WireSigner;
  /** The SDK client's provider: memoized, refreshed before the credentials expire. */
  credentials: () => Promise<SigningCredentials>;
}

// DynamoDB says 'Date' in its answers; a skew past 5 minutes fails signatures (the SDK's threshold).
const CLOCK_SKEW_MS = 300_000;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DynamoWireClient {
  readonly #sdk: DynamoDBClient;
  readonly #settings: WireClientSettings;
  readonly #dispatcher: Dispatcher;
  readonly #quota = new RetryQuota();
  readonly #hooks = new Set<AttemptHook>();
  #target?: Promise<Target>;
  #clockOffsetMs = 0;

  constructor(sdk: DynamoDBClient, settings: WireClientSettings) {
    this.#sdk = sdk;
    this.#settings = settings;
    this.#dispatcher = new Agent({
      connections: settings.maxSockets,
      keepAliveTimeout: 30_000,
      connect: { timeout: settings.connectTimeoutMs },
      headersTimeout: settings.requestTimeoutMs,
      bodyTimeout: settings.requestTimeoutMs,
    });
  }

  /** Sends one request and returns DynamoDB's parsed answer; throws as the SDK would. */
  async send(operation: WireOperation, input: object): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    const random = this.#settings.random ?? Math.random;
    const sleep = this.#settings.sleep ?? wait;
    let lastCost = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const answer = await this.#attempt(operation, body);
        this.#quota.succeeded(lastCost);
        return answer;
      } catch (error) {
        const kind = retryKind(error);
        const cost = kind && attempt < MAX_ATTEMPTS ? this.#quota.take(error) : undefined;
        if (error instanceof DynamoServiceError) error.$metadata.attempts = attempt;
        if (!kind || cost === undefined) throw error;
        lastCost = cost;
        if (kind !== 'clock-skew') await sleep(backoffMs(kind, attempt - 1, random));
      }
    }
  }

  /** Adds a hook run before every attempt; returns its removal. */
  addAttemptHook(hook: AttemptHook): () => void {
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  close(): Promise<void> {
    return this.#dispatcher.close();
  }

  async #attempt(operation: WireOperation, body: string): Promise<Record<string, unknown>> {
    for (const hook of this.#hooks) hook(`${operation}Command`);
    const { origin, host, signer, credentials } = await this.#resolvedTarget();
    const headers = signer.sign(
      { host, target: `DynamoDB_20120810.${operation}`, body },
      await credentials(),
      new Date(Date.now() + this.#clockOffsetMs),
    );
    const response = await this.#dispatcher.request({
      origin,
      path: '/',
      method: 'POST',
      headers,
      body,
    });
    const text = await response.body.text();
    if (response.statusCode === 200) return JSON.parse(text) as Record<string, unknown>;
    const error = responseError(response.statusCode, header(response.headers, 'x-amzn-errortype'), text);
    this.#correctClock(header(response.headers, 'date'), error);
    throw error;
  }

  #correctClock(date: string | undefined, error: DynamoServiceError): void {
    const serverTime = date ? Date.parse(date) : Number.NaN;
    if (Number.isNaN(serverTime)) return;
    const offset = serverTime - Date.now();
    if (Math.abs(offset - this.#clockOffsetMs) < CLOCK_SKEW_MS) return;
    this.#clockOffsetMs = offset;
    error.$metadata.clockSkewCorrected = true;
  }

  #resolvedTarget(): Promise<Target> {
    // A failure (no region configured) is not kept: the next request tries again.
    this.#target ??= this.#resolveTarget().catch((error: unknown) => {
      this.#target = undefined;
      throw error;
    });
    return this.#target;
  }

  async #resolveTarget(): Promise<Target> {
    const config = this.#sdk.config;
    const region = await config.region();
    const url = this.#settings.endpoint
      ? new URL(this.#settings.endpoint)
      : new URL(
          config.endpointProvider({
            Region: region,
            UseFIPS: await config.useFipsEndpoint(),
            UseDualStack: await config.useDualstackEndpoint(),
          }).url.href,
        );
    return {
      origin: url.origin,
      host: url.host,
      signer: new WireSigner(region, 'dynamodb'),
      credentials: () => config.credentials(),
    };
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
