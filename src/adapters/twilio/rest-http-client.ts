// The HTTP client we hand to the twilio SDK. Two jobs the SDK cannot do on its own:
// - send requests to TWILIO_API_URL instead of *.twilio.com (the SDK's edge/region options only
//   rewrite twilio.com host names), for a local stand-in or a recording proxy;
// - keep Retry-After from a 429, which the SDK's RestException drops.
import twilio from 'twilio';

type RequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & {
  data?: TData;
};

/** A 429 from Twilio's REST API, with the server's Retry-After when it sent one. */
export class TwilioRateLimitError extends Error {
  readonly status = 429;
  constructor(
    readonly code: number | undefined,
    message: string,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(message);
    this.name = 'TwilioRateLimitError';
  }
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, nowMs: number = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text));
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** Replaces scheme, host and port of uri with those of baseUrl, keeping path and query. */
export function rewriteBaseUrl(uri: string, baseUrl: string): string {
  const target = new URL(uri);
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.protocol}//${base.host}${prefix}${target.pathname}${target.search}`;
}

function jsonBody(body: unknown): { code?: number; message?: string } {
  if (typeof body === 'object' && body !== null) return body;
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : undefined;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

export class TwilioHttpClient extends twilio.RequestClient {
  constructor(
    private readonly apiBaseUrl: string | undefined,
    options: { timeoutMs: number },
  ) {
    // No automatic 429 retries inside the SDK: the caller decides, with Retry-After in hand.
    super({ timeout: options.timeoutMs, autoRetry: false });
  }

  override async request<TData>(options: RequestOptions<TData>) {
    const uri = this.apiBaseUrl ? rewriteBaseUrl(options.uri, this.apiBaseUrl) : options.uri;
    const response = await super.request<TData>({ ...options, uri });
    if (response.statusCode === 429) {
      const body = jsonBody(response.body);
      const headers = (response.headers ?? {}) as Record<string, unknown>;
      throw new TwilioRateLimitError(
        body.code,
        body.message ?? 'Too Many Requests',
        parseRetryAfter(headers['retry-after']),
      );
    }
    return response;
  }
}
