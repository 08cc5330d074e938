// Requests to agents' tools (the business's HTTP endpoints, MCP servers) through pooled keep-alive
// connections, with the SSRF guard applied where the address is chosen: every new connection's
// host is resolved by a lookup that refuses non-public addresses (unless the tool allows private
// networks), so the address connected to is the address checked (no DNS rebinding), and a pooled
// connection was checked when it opened. A per-request connection, as the webhook's guard makes,
// would add a TCP (and TLS) handshake to every tool call on the caller's turn.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { AppError } from '../../domain/errors.js';
import { checkOutboundUrl, forbiddenRange, type HostResolver, type ResolvedAddress } from './url-guard.js';

const POOL = {
  connections: 64, // per origin
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 120_000,
  // Backstops only: each request's own signal (the tool's timeout_ms) ends it long before these.
  headersTimeout: 30_000,
  bodyTimeout: 30_000,
} as const;

export interface GuardedPoolOptions {
  /** DNS resolver; tests inject one. Defaults to dns.promises.lookup with all: true. */
  lookup?: HostResolver;
  connectTimeoutMs?: number;
}

const defaultResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A refused target: the reason names the range, never the URL (it may carry a secret). */
export const refusedAddress = (reason: string) =>
  new AppError('validation', `refused: ${reason}`, { issues: [{ field: 'url', message: reason }] });

function guardedLookup(resolve: HostResolver, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses: ResolvedAddress[]) => {
        const refused = allowPrivate
          ? undefined
          : addresses.map((a) => forbiddenRange(a.address)).find((range) => range !== undefined);
        if (refused) {
          callback(
            refusedAddress(`the host resolves to a ${refused} address`) as NodeJS.ErrnoException,
            '',
            4,
          );
          return;
        }
        if (addresses.length === 0) {
          callback(new Error('the host does not resolve') as NodeJS.ErrnoException, '', 4);
          return;
        }
        if ((options as { all?: boolean }).all)
          (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
}

export class GuardedPool {
  readonly #public: Agent;
  readonly #private: Agent;

  constructor(options: GuardedPoolOptions = {}) {
    const resolve = options.lookup ?? defaultResolver;
    const connect = (allowPrivate: boolean) => ({
      timeout: options.connectTimeoutMs ?? 5_000,
      lookup: guardedLookup(resolve, allowPrivate),
    });
    this.#public = new Agent({ ...POOL, connect: connect(false) });
    this.#private = new Agent({ ...POOL, connect: connect(true) });
  }

  /**
   * The URL, checked for what the connection's lookup cannot see: the scheme, credentials, and a
   * host written as an IP address (connections to those skip the lookup). Throws AppError.
   */
  async check(raw: string, allowPrivate: boolean): Promise<URL> {
    const { url } = await checkOutboundUrl(raw, {
      allowPrivate,
      // A host name is resolved and checked by the connection's own lookup, not here.
      allowUnresolved: true,
      lookup: () => Promise.reject(new Error('resolved when connecting')),
    });
    return url;
  }

  dispatcher(allowPrivate: boolean): Dispatcher {
    return allowPrivate ? this.#private : this.#public;
  }

  async close(): Promise<void> {
    await Promise.all([this.#public.close(), this.#private.close()]);
  }
}

/** The AppError a refused lookup threw, wherever undici wrapped it. */
export function refusalIn(error: unknown): AppError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth += 1) {
    if (e instanceof AppError && e.message.startsWith('refused:')) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
