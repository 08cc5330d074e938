// A fake OpenAI-compatible model for the relay benchmark: POST /v1/chat/completions, streamed (SSE).
// Its first token leaves a fixed delay after the request body arrived, then the rest at a fixed gap.
// It runs in the load generator's process, so the times it records (performance.now()) are on the
// same clock as the simulated caller's: server-added latency is then measured without clock skew.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface FakeModelOptions {
  /** From the request body's arrival to the first token (the model's own TTFT). */
  firstTokenDelayMs: number;
  /** Between two later tokens. */
  interTokenMs: number;
  /** The reply, one SSE chunk per entry; concatenated they are the whole reply. */
  tokens: readonly string[];
}

/** One streamed reply, with the times (performance.now()) it was sent. */
export interface FakeModelReply {
  /** The whole request body had arrived. */
  arrivedMs: number;
  /** When each token was written to the socket. */
  tokenSentMs: number[];
  /** Characters of the reply written up to and including each token. */
  tokenEndChars: number[];
  /** The finish chunk and [DONE] were written. */
  doneMs?: number;
  /** The client went away before the reply ended. */
  aborted: boolean;
}

export interface FakeModel {
  /** e.g. http://127.0.0.1:40123 (append /v1 for a provider's base URL). */
  url: string;
  /** Replies by the tag found in the request's last user message (see tagOf). */
  replies: Map<string, FakeModelReply>;
  /** Requests whose last user message carried no tag. */
  untagged: number;
  close(): Promise<void>;
}

// The simulated caller puts "bench <call>x<turn>" in every prompt, so the fake knows which turn a
// request serves without any side channel.
const TAG = /bench (\d+)x(\d+)/;

export function benchTag(call: number, turn: number): string {
  return `bench ${call}x${turn}`;
}

function tagOf(body: { messages?: { role?: string; content?: unknown }[] }): string | undefined {
  const lastUser = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const content = lastUser?.content;
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content.map((part: { text?: string }) => part.text ?? '').join(' ')
        : '';
  const match = TAG.exec(text);
  return match ? benchTag(Number(match[1]), Number(match[2])) : undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function stream(res: ServerResponse, options: FakeModelOptions, reply: FakeModelReply, id: string): void {
  const base = `{"id":"${id}","object":"chat.completion.chunk","created":${Math.floor(Date.now() / 1_000)},"model":"bench-model","choices":`;
  const write = (choices: string, extra = '') => res.write(`data: ${base}${choices}${extra}}\n\n`);
  let chars = 0;
  const sendToken = (index: number) => {
    if (res.destroyed) return;
    const token = options.tokens[index] ?? '';
    const delta = index === 0 ? { role: 'assistant', content: token } : { content: token };
    write(`[{"index":0,"delta":${JSON.stringify(delta)},"finish_reason":null}]`);
    chars += token.length;
    reply.tokenSentMs.push(performance.now());
    reply.tokenEndChars.push(chars);
    if (index + 1 < options.tokens.length) {
      setTimeout(() => sendToken(index + 1), options.interTokenMs);
      return;
    }
    write('[{"index":0,"delta":{},"finish_reason":"stop"}]');
    write(
      '[]',
      `,"usage":{"prompt_tokens":400,"completion_tokens":${options.tokens.length},"total_tokens":${400 + options.tokens.length}}`,
    );
    res.end('data: [DONE]\n\n');
    reply.doneMs = performance.now();
  };
  setTimeout(() => sendToken(0), options.firstTokenDelayMs);
}

export async function startFakeModel(options: FakeModelOptions): Promise<FakeModel> {
  const replies = new Map<string, FakeModelReply>();
  let counter = 0;
  const model: FakeModel = { url: '', replies, untagged: 0, close: async () => undefined };

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    readBody(req)
      .then((text) => {
        const arrivedMs = performance.now();
        const body = JSON.parse(text) as { messages?: { role?: string; content?: unknown }[] };
        const reply: FakeModelReply = { arrivedMs, tokenSentMs: [], tokenEndChars: [], aborted: false };
        const tag = tagOf(body);
        if (tag) replies.set(tag, reply);
        else model.untagged += 1;
        res.on('close', () => {
          if (!res.writableFinished) reply.aborted = true;
        });
        // Headers go out at once, as a hosted model's do; the tokens follow after the TTFT.
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.flushHeaders();
        counter += 1;
        stream(res, options, reply, `chatcmpl-bench-${counter}`);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(400).end();
        else res.destroy();
      });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  model.url = `http://127.0.0.1:${port}`;
  model.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return model;
}

// 30 tokens with a sentence end every few words. The first token is a whole sentence ("Sure. "), so
// the server's speech chunker can send it at once: the first `text` then measures the pipeline, not
// the chunker waiting for more words. Every token ends in a space, so each boundary is complete in
// the chunk that carries it.
export const BENCH_REPLY_TOKENS: readonly string[] = [
  'Sure. ',
  'The ',
  'weather ',
  'in ',
  'town ',
  'is ',
  'mild ',
  'today. ',
  'Expect ',
  'light ',
  'rain ',
  'after ',
  'four ',
  'this ',
  'afternoon. ',
  'Take ',
  'a ',
  'coat ',
  'with ',
  'you. ',
  'Tomorrow ',
  'looks ',
  'sunny ',
  'and ',
  'warm. ',
  'Anything ',
  'else ',
  'I ',
  'can ',
  'check? ',
];
