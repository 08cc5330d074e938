// Every request to a tool carries the end-of-call webhook's signature scheme (t=<unix seconds>,
// v1=HMAC-SHA256 of `${t}.${signed}`), where `signed` is the method, path and query, a line feed
// and the body, so a GET is bound to the order it asks for. docs/TOOLS.md shows how to verify it.
import {
  signWebhook,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from '../../services/webhook-signature.js';

export const TOOL_SIGNATURE_HEADER = WEBHOOK_SIGNATURE_HEADER.toLowerCase();

/** What is signed: `GET /orders/4412?x=1\n` plus the body, if any. */
export function signedText(method: string, url: URL, body = ''): string {
  return `${method.toUpperCase()} ${url.pathname}${url.search}\n${body}`;
}

export function signToolRequest(
  secret: string,
  method: string,
  url: URL,
  body: string | undefined,
  nowMs: number,
) {
  return signWebhook(secret, signedText(method, url, body), Math.floor(nowMs / 1_000));
}

/** For receivers (and tests): whether the header signs this request within five minutes. */
export function verifyToolRequest(
  secret: string,
  header: string | undefined,
  request: { method: string; url: URL; body?: string },
  nowSeconds?: number,
): boolean {
  return verifyWebhookSignature(
    secret,
    header,
    signedText(request.method, request.url, request.body),
    300,
    nowSeconds,
  );
}
