// One request to a tool's endpoint: the SSRF guard (guarded-pool.ts), a time limit, an answer read
// up to a byte cap, and redirects followed only within the same origin (at most three). Failures
// are ToolRequestErrors whose reason is fit for logs and the turn: no URL, no header, no secret.
import { errors as undiciErrors } from 'undici';
import { refusalIn, type GuardedPool } from '../net/guarded-pool.js';

export class ToolRequestError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ToolRequestError';
  }
}

export interface ToolHttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ToolHttpResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function toolHttpRequest(
  pool: GuardedPool,
  request: ToolHttpRequest,
): Promise<ToolHttpResponse> {
  // One controller for the turn's abort and the tool's time limit (AbortSignal.any on a long-lived
  // turn signal keeps every composed signal alive until that signal goes).
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  const onAbort = () => controller.abort();
  request.signal.addEventListener('abort', onAbort, { once: true });
  if (request.signal.aborted) controller.abort();
  const { signal } = controller;
  try {
    return await send(pool, request, signal, () => timedOut);
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onAbort);
  }
}

async function send(
  pool: GuardedPool,
  request: ToolHttpRequest,
  signal: AbortSignal,
  timedOut: () => boolean,
): Promise<ToolHttpResponse> {
  let url = await checked(pool, request.url, request.allowPrivate);
  let { method, body } = request;
  try {
    for (let hop = 0; ; hop += 1) {
      const response = await pool.dispatcher(request.allowPrivate).request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: method as 'GET',
        headers: request.headers,
        body,
        signal,
      });
      const location = response.headers.location;
      if (REDIRECTS.has(response.statusCode) && typeof location === 'string') {
        discard(response.body);
        const next = new URL(location, url);
        if (next.origin !== url.origin)
          throw new ToolRequestError('redirected to another host (not followed)');
        if (hop + 1 >= MAX_REDIRECTS) throw new ToolRequestError(`more than ${MAX_REDIRECTS} redirects`);
        url = await checked(pool, next.href, request.allowPrivate);
        if (response.statusCode === 303 || (response.statusCode <= 302 && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxBytes) {
        discard(response.body);
        throw new ToolRequestError(`answer larger than ${request.maxBytes} bytes`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > request.maxBytes) {
          discard(response.body);
          throw new ToolRequestError(`answer larger than ${request.maxBytes} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
      const contentType = response.headers['content-type'];
      return {
        status: response.statusCode,
        contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? '',
        body: Buffer.concat(chunks),
      };
    }
  } catch (error) {
    if (error instanceof ToolRequestError) throw error;
    if (timedOut()) throw new ToolRequestError(`no answer within ${request.timeoutMs} ms`);
    if (request.signal.aborted) throw new ToolRequestError('the turn ended before the answer');
    const refusal = refusalIn(error);
    if (refusal) throw new ToolRequestError(refusal.message);
    if (error instanceof undiciErrors.ConnectTimeoutError)
      throw new ToolRequestError('could not connect in time');
    const code = (error as { code?: string }).code;
    throw new ToolRequestError(
      `the request failed (${code ?? (error instanceof Error ? error.name : 'error')})`,
    );
  }
}

/** Drops an answer's body; the abort it causes is expected, not an error to report. */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => {});
  body.destroy();
}

async function checked(pool: GuardedPool, raw: string, allowPrivate: boolean): Promise<URL> {
  try {
    return await pool.check(raw, allowPrivate);
  } catch (error) {
    const issue = (error as { issues?: { message: string }[] }).issues?.[0]?.message;
    throw new ToolRequestError(`refused: ${issue ?? 'not a valid URL'}`);
  }
}
