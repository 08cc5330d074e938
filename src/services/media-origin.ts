/** Where Twilio serves recordings: its API host and, for accounts in other regions, regional ones. */
export const TWILIO_MEDIA_ORIGINS = ['https://api.twilio.com', 'https://api.*.twilio.com'] as const;

/**
 * The origins recordings may be fetched from: Twilio's, plus TWILIO_API_URL's when set (a local
 * stand-in for Twilio: the tests' fake, or the media host `voice-agent simulate` plays).
 */
export function mediaOriginsFor(twilioApiUrl: string | undefined): string[] {
  return [...TWILIO_MEDIA_ORIGINS, ...(twilioApiUrl ? [new URL(twilioApiUrl).origin] : [])];
}

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
