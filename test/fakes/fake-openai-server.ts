import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that speaks enough of the OpenAI chat-completions API for the real
 * AI SDK providers: `POST /v1/chat/completions`, streamed (SSE) or not, with tool calls, usage and
 * scripted failures. Every request is recorded, with whether the client went away before the end.
 */
export interface FakeToolCall {
  name: string;
  /** An object is JSON-encoded; a string is sent as is (so a test can send broken JSON). */
  arguments: Record<string, unknown> | string;
}

export interface FakeScript {
  /** Streamed word by word. */
  text?: string;
  toolCalls?: FakeToolCall[];
  delayBeforeFirstTokenMs?: number;
  interTokenDelayMs?: number;
  /** Answer with this HTTP status and an OpenAI-style error body instead of a completion. */
  status?: number;
  /** Sent as Retry-After with a 429 or 503. */
  retryAfterSeconds?: number;
  /** Never answer; only the client's abort ends the request. */
  hang?: boolean;
  /** Destroy the socket after this many text chunks. */
  resetAfterTokens?: number;
  /** Send a chunk that is not JSON. */
  malformed?: boolean;
  usage?: { promptTokens: number; completionTokens: number; cachedTokens?: number };
}

export interface FakeRequestRecord {
  body: Record<string, unknown>;
  authorization?: string;
  receivedAt: number;
  /** The client closed the connection before the response ended. */
  aborted: boolean;
  /** The response was written to the end. */
  completed: boolean;
}

export interface FakeOpenAiServer {
  /** e.g. http://127.0.0.1:40123 (append /v1 for a provider's baseURL). */
  url: string;
  requests: FakeRequestRecord[];
  enqueue(...scripts: FakeScript[]): void;
  /** Forgets queued scripts and recorded requests. */
  reset(): void;
  /** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs`. */
  waitUntil(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FakeOpenAiOptions {
  /** Used when the queue is empty. Defaults to a reply of "OK." */
  script?: (body: Record<string, unknown>) => FakeScript;
  /**
   * Play OpenAI's prompt cache: a request's prefix (tools, then messages) that repeats an earlier
   * request's is reported as `prompt_tokens_details.cached_tokens`, counted as OpenAI does: nothing
   * below 1,024 tokens, then in steps of 128. Tokens are counted as characters ÷ 4 here.
   */
  promptCache?: boolean;
  /** 0 (the default) picks a free port. */
  port?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

const CHARS_PER_TOKEN = 4;
const MIN_CACHED_TOKENS = 1_024;
const CACHE_STEP_TOKENS = 128;

/** The text a prompt cache compares: what the model reads first (tools), then the messages. */
export function promptText(body: Record<string, unknown>): string {
  return JSON.stringify([body.tools ?? [], body.messages ?? []]);
}

/** How many characters `a` and `b` share from their start. */
export function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  return i;
}

/** Tokens of `text` an earlier prompt already held, as OpenAI's cache would serve them. */
function cachedTokensOf(text: string, earlier: readonly string[]): number {
  const shared = Math.max(0, ...earlier.map((seen) => commonPrefixLength(seen, text)));
  const tokens = Math.floor(shared / CHARS_PER_TOKEN);
  return tokens < MIN_CACHED_TOKENS ? 0 : tokens - (tokens % CACHE_STEP_TOKENS);
}

function usageOf(script: FakeScript, body: Record<string, unknown>, cached: number | undefined) {
  // With the prompt cache played, the prompt counts what the cache compares (tools and messages).
  const counted = cached === undefined ? JSON.stringify(body.messages ?? []) : promptText(body);
  const prompt = script.usage?.promptTokens ?? Math.ceil(counted.length / CHARS_PER_TOKEN);
  const completion =
    script.usage?.completionTokens ?? words(script.text ?? '').length + 5 * (script.toolCalls?.length ?? 0);
  const cachedTokens = Math.min(script.usage?.cachedTokens ?? cached ?? 0, prompt);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(cachedTokens > 0 ? { prompt_tokens_details: { cached_tokens: cachedTokens } } : {}),
  };
}

const argumentsText = (call: FakeToolCall) =>
  typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);

function sendError(res: ServerResponse, script: FakeScript): void {
  const status = script.status ?? 500;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (script.retryAfterSeconds !== undefined) headers['retry-after'] = String(script.retryAfterSeconds);
  res.writeHead(status, headers);
  res.end(
    JSON.stringify({
      error: {
        message: `fake error ${status}`,
        type: status === 429 ? 'rate_limit_exceeded' : 'server_error',
        code: null,
      },
    }),
  );
}

function sendJson(
  res: ServerResponse,
  script: FakeScript,
  body: Record<string, unknown>,
  id: string,
  cached: number | undefined,
): void {
  const toolCalls = (script.toolCalls ?? []).map((call, i) => ({
    id: `call_${i}`,
    type: 'function',
    function: { name: call.name, arguments: argumentsText(call) },
  }));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1_000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: script.text ?? null,
            ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: toolCalls.length ? 'tool_calls' : 'stop',
        },
      ],
      usage: usageOf(script, body, cached),
    }),
  );
}

async function sendStream(
  req: IncomingMessage,
  res: ServerResponse,
  script: FakeScript,
  body: Record<string, unknown>,
  id: string,
  cached: number | undefined,
): Promise<void> {
  const base = {
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1_000),
    model: body.model,
  };
  const send = (payload: unknown) => {
    if (!res.destroyed) res.write(`data: ${JSON.stringify(payload)}\n\n`);
  };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    send({ ...base, choices: [{ index: 0, delta, finish_reason: finishReason }] });

  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  chunk({ role: 'assistant', content: '' });
  const gap = script.interTokenDelayMs ?? 0;
  let sent = 0;
  for (const word of words(script.text ?? '')) {
    if (res.destroyed) return;
    if (script.resetAfterTokens !== undefined && sent >= script.resetAfterTokens) {
      // Let the words already written reach the client first: destroy() drops unflushed writes.
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      await sleep(20);
      req.socket.destroy();
      return;
    }
    chunk({ content: word });
    sent += 1;
    if (gap) await sleep(gap);
  }
  if (script.malformed) res.write('data: {"choices": [{"delta": {"content": oops\n\n');
  (script.toolCalls ?? []).forEach((call, index) => {
    const args = argumentsText(call);
    const half = Math.ceil(args.length / 2);
    chunk({
      tool_calls: [
        { index, id: `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } },
      ],
    });
    chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] });
    chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] });
  });
  chunk({}, script.toolCalls?.length ? 'tool_calls' : 'stop');
  send({ ...base, choices: [], usage: usageOf(script, body, cached) });
  if (!res.destroyed) res.end('data: [DONE]\n\n');
}

export async function startFakeOpenAiServer(options: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
  const queue: FakeScript[] = [];
  const requests: FakeRequestRecord[] = [];
  const prompts: string[] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const body = await readJson(req);
      const record: FakeRequestRecord = {
        body,
        authorization: req.headers.authorization,
        receivedAt: Date.now(),
        aborted: false,
        completed: false,
      };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.aborted = true;
      });
      res.on('finish', () => {
        record.completed = true;
      });
      const script = queue.shift() ?? options.script?.(body) ?? { text: 'OK.' };
      if (script.hang) return;
      if (script.delayBeforeFirstTokenMs) await sleep(script.delayBeforeFirstTokenMs);
      if (res.destroyed) return;
      if (script.status && script.status >= 400) return sendError(res, script);
      counter += 1;
      const id = `chatcmpl-fake-${counter}`;
      const prompt = promptText(body);
      const cached = options.promptCache ? cachedTokensOf(prompt, prompts) : undefined;
      if (options.promptCache) prompts.push(prompt);
      if (body.stream === true) await sendStream(req, res, script, body, id, cached);
      else sendJson(res, script, body, id, cached);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // Hanging requests keep sockets open; close() must not wait for them.
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...scripts) => queue.push(...scripts),
    reset() {
      queue.length = 0;
      requests.length = 0;
      prompts.length = 0;
    },
    async waitUntil(predicate, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error('fake OpenAI server: condition not met in time');
        await sleep(10);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
