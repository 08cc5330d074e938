// Sends webhooks the way Twilio does: form-encoded, signed over the PUBLIC url (the one in our
// TwiML or config), delivered to the server under test. Keeps each request byte-for-byte so a
// test can deliver it again (Twilio retries and duplicates).
import { randomUUID } from 'node:crypto';
import { signTwilioRequest, type FormParams } from '../adapters/twilio/signature.js';

export interface SentWebhook {
  method: 'GET' | 'POST';
  /** The URL Twilio was given (signed). */
  publicUrl: string;
  /** Where the request actually goes. */
  serverUrl: string;
  params: FormParams;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface WebhookResult {
  status: number;
  contentType: string;
  body: string;
  /** Set when no response came: 'timeout' or the network error. */
  failure?: string;
}

export interface WebhookSenderOptions {
  serverUrl: string;
  publicUrl: string;
  authToken: string;
  fetchImpl?: typeof fetch;
  /** Twilio allows 15 s for a response, connect time included (error 11205 beyond it). */
  timeoutMs?: number;
}

export class SimulatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatorError';
  }
}

function encodeForm(params: FormParams): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, item);
  }
  return form.toString();
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export class WebhookSender {
  private readonly serverUrl: string;
  private readonly publicUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: WebhookSenderOptions) {
    this.serverUrl = trimSlash(options.serverUrl);
    this.publicUrl = trimSlash(options.publicUrl);
    this.fetchImpl = options.fetchImpl ?? globalThis.fetch;
  }

  /** Maps a public http(s) or ws(s) URL to the server under test; refuses URLs elsewhere. */
  toServerUrl(url: string): string {
    const asHttp = url.replace(/^ws(s?):\/\//i, (_match, s: string) => `http${s}://`);
    const rest = asHttp.slice(this.publicUrl.length);
    if (!asHttp.startsWith(this.publicUrl) || (rest !== '' && !/^[/?#]/.test(rest))) {
      throw new SimulatorError(`URL ${url} is not under the public URL ${this.publicUrl}`);
    }
    const mapped = this.serverUrl + rest;
    return asHttp === url ? mapped : mapped.replace(/^http(s?):\/\//i, (_match, s: string) => `ws${s}://`);
  }

  /** The X-Twilio-Signature for a URL and parameters, with this simulator's token. */
  sign(url: string, params: FormParams): string {
    return signTwilioRequest(this.options.authToken, url, params);
  }

  /** Builds and signs a request without sending it. */
  prepare(method: 'GET' | 'POST', publicUrl: string, params: FormParams): SentWebhook {
    // Twilio drops the #fragment (connection overrides) before requesting and signing.
    const url = publicUrl.split('#')[0] ?? publicUrl;
    const headers: Record<string, string> = {
      'user-agent': 'TwilioProxy/1.1',
      'i-twilio-idempotency-token': randomUUID(),
      'x-home-region': 'us1',
      accept: '*/*',
    };
    if (method === 'GET') {
      const query = encodeForm(params);
      const signedUrl = query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
      headers['x-twilio-signature'] = this.sign(signedUrl, {});
      return {
        method,
        publicUrl: signedUrl,
        serverUrl: this.toServerUrl(signedUrl),
        params,
        headers,
        body: undefined,
      };
    }
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['x-twilio-signature'] = this.sign(url, params);
    return {
      method,
      publicUrl: url,
      serverUrl: this.toServerUrl(url),
      params,
      headers,
      body: encodeForm(params),
    };
  }

  /** Sends a prepared request; network failures and timeouts come back as results, not throws. */
  async send(webhook: SentWebhook): Promise<WebhookResult> {
    try {
      const response = await this.fetchImpl(webhook.serverUrl, {
        method: webhook.method,
        headers: webhook.headers,
        body: webhook.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: await response.text(),
      };
    } catch (error) {
      const name = (error as { name?: string }).name;
      return {
        status: 0,
        contentType: '',
        body: '',
        failure: name === 'TimeoutError' ? 'timeout' : String((error as Error).message ?? error),
      };
    }
  }
}
