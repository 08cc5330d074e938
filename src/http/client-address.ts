// Who a request comes from, for counting failures per client. Fastify's request.ip is the socket's
// address, or with TRUST_PROXY the client a trusted proxy names in X-Forwarded-For. One IPv6
// host usually holds a whole /64 (and can pick any address in it), so IPv6 clients are counted
// by their /64; an IPv4-mapped IPv6 address counts as its IPv4 address.
import { isIPv4, isIPv6 } from 'node:net';

const IPV6_GROUPS = 8;
const PREFIX_GROUPS = 4;

/** The eight 16-bit groups of an IPv6 address, `::` expanded (a trailing dotted IPv4 counts as two). */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const parts = (text: string) => (text ? text.split(':') : []);
  const left = parts(head);
  const right = parts(tail ?? '');
  const written = [...left, ...right].reduce((sum, part) => sum + (part.includes('.') ? 2 : 1), 0);
  const zeros = tail === undefined ? [] : Array<string>(IPV6_GROUPS - written).fill('0');
  return [...left, ...zeros, ...right];
}

/** `203.0.113.9`, `2001:db8:0:1::/64`, or the raw value when it is no IP address at all. */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const prefix = ipv6Groups(ip.split('%')[0]!.toLowerCase())
    .slice(0, PREFIX_GROUPS)
    .map((group) => group.replace(/^0+(?=.)/, ''));
  return `${prefix.join(':')}::/64`;
}
