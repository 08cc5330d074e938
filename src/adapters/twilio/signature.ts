// X-Twilio-Signature: HMAC-SHA1 over the URL Twilio requested plus the sorted form parameters.
// Verification goes through twilio.validateRequest (constant-time compare; it also tries the URL
// with and without :443/:80 and with legacy query encoding, because Twilio's back end is
// inconsistent there). Signing is our own code so the simulator and tests can produce headers
// without the SDK, and tests cross-check the two.
import { createHmac } from 'node:crypto';
import twilio from 'twilio';

export type FormParams = Record<string, string | string[]>;

export type SignatureCheck =
  { valid: true } | { valid: false; reason: 'missing_signature' | 'no_auth_token' | 'mismatch' };

export interface VerifySignatureInput {
  /** Primary token first; a second one is accepted during a rotation. */
  authTokens: readonly string[];
  /** Config.publicUrl: scheme, host and any path prefix Twilio was given. */
  publicUrl: string;
  /** The request's path and query exactly as received (e.g. Fastify's request.url). */
  pathAndQuery: string;
  /** Every received form parameter, untrimmed; repeated keys as arrays. */
  params: FormParams;
  signature: string | undefined;
}

/**
 * The URL Twilio signed: the configured public URL plus the path and query as received. Never built
 * from Host or X-Forwarded-* headers, which a proxy rewrites and an attacker controls.
 */
export function publicRequestUrl(publicUrl: string, pathAndQuery: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return pathAndQuery.startsWith('/') ? `${base}${pathAndQuery}` : `${base}/${pathAndQuery}`;
}

function checkAgainstTokens(
  authTokens: readonly string[],
  signature: string | undefined,
  url: string,
  params: FormParams,
): SignatureCheck {
  if (!signature) return { valid: false, reason: 'missing_signature' };
  const tokens = authTokens.filter((token) => token.length > 0);
  if (tokens.length === 0) return { valid: false, reason: 'no_auth_token' };
  for (const token of tokens) {
    if (twilio.validateRequest(token, signature, url, params)) return { valid: true };
  }
  return { valid: false, reason: 'mismatch' };
}

/** Checks a signed webhook (form POST). */
export function verifyTwilioSignature(input: VerifySignatureInput): SignatureCheck {
  const url = publicRequestUrl(input.publicUrl, input.pathAndQuery);
  return checkAgainstTokens(input.authTokens, input.signature, url, input.params);
}

/** The relay socket URL for a public base URL: https -> wss, http -> ws. */
export function publicSocketUrl(publicUrl: string, pathAndQuery: string): string {
  return publicRequestUrl(publicUrl, pathAndQuery).replace(
    /^http(s?):\/\//i,
    (_match, s: string) => `ws${s}://`,
  );
}

/**
 * Checks the ConversationRelay WebSocket handshake: the signature covers the exact wss:// URL from
 * our TwiML and no parameters. UNVERIFIED on a live account (reliability.md §1.4, §6 question 2):
 * whether Twilio signs the wss:// or the https:// form of the URL. Pinned by a unit test; check on staging.
 */
export function verifyWebSocketSignature(input: {
  authTokens: readonly string[];
  /** The wss:// URL exactly as written in the <ConversationRelay url>. */
  url: string;
  signature: string | undefined;
}): SignatureCheck {
  return checkAgainstTokens(input.authTokens, input.signature, input.url, {});
}

/** The X-Twilio-Signature Twilio would send for a form POST of params to url. */
export function signTwilioRequest(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    // Repeated keys: values de-duplicated and sorted, each appended as key+value (twilio-node webhooks.ts).
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value ?? ''];
    for (const item of values) data += key + item;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}
