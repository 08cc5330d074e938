// Outbound URLs that users configure (webhooks) must not reach our own network: resolve the host
// once, refuse anything but public unicast addresses, then connect to the checked address
// (DNS pinning against rebinding). reliability.md §4.6.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { AppError } from '../../domain/errors.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface UrlGuardOptions {
  /** Allow loopback, private and link-local targets (local development and tests only). */
  allowPrivate: boolean;
  /** DNS resolver; tests inject one. Defaults to dns.promises.lookup with all: true. */
  lookup?: HostResolver;
  /** The field named in the validation error (e.g. webhook_url when an agent is saved); default url. */
  field?: string;
  /**
   * Accept a host that does not resolve now (when an agent is saved, DNS may not be reachable);
   * the request-time check, which never sets this, still refuses it then.
   */
  allowUnresolved?: boolean;
}

export interface CheckedUrl {
  url: URL;
  /** The address to connect to: the one that was checked. */
  address: string;
  family: 4 | 6;
}

const defaultResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

const refusal = (field: string, reason: string, cause?: unknown) =>
  new AppError('validation', `${field}: URL refused: ${reason}`, {
    issues: [{ field, message: reason }],
    cause,
  });

/**
 * The range name of an address that must not be reached, or undefined for a public unicast one.
 * Every IPv6 form that carries an IPv4 address is refused whatever it carries: mapped
 * (::ffff:a.b.c.d), NAT64 (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32)
 * by their ipaddr.js range, and IPv4-compatible (::a.b.c.d, which the URL parser writes ::7f00:1)
 * by hand, since ipaddr.js calls ::/96 unicast. A public host has an A record for its IPv4 side.
 */
export function forbiddenRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.parse(address);
  const range = parsed.range();
  if (range !== 'unicast') return range;
  const ipv4Compatible =
    parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0);
  return ipv4Compatible ? 'ipv4Compatible' : undefined;
}

/**
 * Parses and resolves `raw`; throws AppError 'validation' when the scheme is not http(s), the URL
 * carries credentials, or any address the host resolves to is not public unicast (unless
 * allowPrivate). Odd encodings (2130706433, 0x7f000001, 0177.0.0.1) are normalized by the URL
 * parser, and every result is checked again with ipaddr.js after resolution.
 */
export async function checkOutboundUrl(raw: string, options: UrlGuardOptions): Promise<CheckedUrl> {
  const refuse = (reason: string, cause?: unknown) => refusal(options.field ?? 'url', reason, cause);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw refuse(`scheme ${url.protocol} is not allowed`);
  if (url.username || url.password) throw refuse('credentials in the URL are not allowed');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw refuse('no host');
  let addresses: ResolvedAddress[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.lookup ?? defaultResolver)(host);
    } catch (error) {
      if (options.allowUnresolved) return { url, address: '', family: 4 };
      throw refuse('the host does not resolve', error);
    }
  }
  if (addresses.length === 0) {
    if (options.allowUnresolved) return { url, address: '', family: 4 };
    throw refuse('the host does not resolve');
  }
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const range = forbiddenRange(address);
      if (range) throw refuse(`the host resolves to a ${range} address`);
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

export interface GuardedRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}
export interface GuardedResponse {
  status: number;
}

/** One outbound request to a user-configured URL; a 3xx is returned as is, never followed. */
export type GuardedFetch = (url: string, request: GuardedRequest) => Promise<GuardedResponse>;

/** Checks the URL at request time, then connects only to the checked address, without redirects. */
export function createGuardedFetch(options: UrlGuardOptions): GuardedFetch {
  return async (raw, request) => {
    const checked = await checkOutboundUrl(raw, options);
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if ((lookupOptions as { all?: boolean }).all)
        (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [
          { address: checked.address, family: checked.family },
        ]);
      else callback(null, checked.address, checked.family);
    };
    const dispatcher = new Agent({ connect: { lookup: pinned }, connectTimeout: 10_000 });
    try {
      const response = await undiciFetch(checked.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        redirect: 'manual',
        dispatcher,
      });
      // Drain so the connection closes cleanly; the body of a webhook answer is not used.
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status };
    } finally {
      void dispatcher.close();
    }
  };
}
