/**
 * Whether a URL's origin is one of `allowed`. An entry may put `*` in place of one or more host
 * labels ("https://api.*.twilio.com" takes Twilio's regional hosts such as api.dublin.ie1.twilio.com),
 * never across the scheme, the port or the registered domain.
 */
export function originAllowed(allowed: readonly string[], origin: string): boolean {
  return allowed.some((entry) => {
    if (!entry.includes('*')) return new URL(entry).origin === origin;
    const pattern = entry
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[a-z0-9-]+(?:\\.[a-z0-9-]+)*');
    return new RegExp(`^${pattern}$`).test(origin);
  });
}
