// MCP servers' tools for agents, through the official SDK's streamable HTTP client. One connection
// per agent version and server, kept while used (an MCP session starts with an initialize round
// trip and a notification; per call that would be three requests before the first tool answer),
// closed after IDLE_MS unused or MAX_AGE_MS old (so rotated secrets in its headers are picked up)
// and dropped after a transport failure. Its requests go through the guarded pool (SSRF guard),
// signed like HTTP tools, with the server's time and size limits; the standalone GET stream of
// server-initiated messages is never opened (we use none). With tracing on, a tool call carries its
// span's W3C `traceparent` in its request's `_meta` (MCP's convention, SEP-414) and, read back from
// there, as the HTTP header: per request, since a connection serves many calls at once.
// The SDK is imported on first use (or by preload): a server whose agents use no MCP server never
// carries its modules in its heap (decision 0034).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fetch as undiciFetch } from 'undici';
import type { McpServerConfig } from '../../domain/agent-tools.js';
import type { ToolSpec } from '../../ports/language-model.js';
import type { SecretSource } from '../../ports/secret-source.js';
import type { ToolAnswer, ToolRequest } from '../../ports/tool-runner.js';
import { parseTemplate } from '../../domain/tool-templates.js';
import { refusalIn, type GuardedPool } from '../net/guarded-pool.js';
import { MAX_RESULT_CHARS, maskSecrets } from './classify-answer.js';
import { fetchSecrets, renderHeaders } from './render-request.js';
import { TOOL_SIGNATURE_HEADER, signToolRequest } from './tool-signature.js';
import { ToolRequestError } from './tool-http-request.js';

const IDLE_MS = 5 * 60_000;
const MAX_AGE_MS = 15 * 60_000;
const MAX_LIST_PAGES = 5;

export interface McpGuard {
  allowPrivate: boolean;
  requireHttps: boolean;
}

export interface McpToolClientOptions {
  pool: GuardedPool;
  secrets: SecretSource;
  signingSecret: string;
  now?: () => number;
  /** Told when preload could not import the SDK (the first connection tries again). */
  onPreloadFailed?: (error: unknown) => void;
}

interface McpSdk {
  Client: typeof Client;
  StreamableHTTPClientTransport: typeof StreamableHTTPClientTransport;
}

async function importSdk(): Promise<McpSdk> {
  const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ]);
  return { Client, StreamableHTTPClientTransport };
}

interface Connection {
  client: Promise<Client>;
  tools?: Promise<ToolSpec[]>;
  secretValues: string[];
  openedAt: number;
  usedAt: number;
}

// A W3C traceparent (https://www.w3.org/TR/trace-context/): version, trace id, parent id, flags.
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The traceparent a JSON-RPC request carries in `params._meta`, as an HTTP header. */
function traceHeaderIn(body: string): Record<string, string> {
  let meta: unknown;
  try {
    meta = (JSON.parse(body) as { params?: { _meta?: unknown } }).params?._meta;
  } catch {
    return {};
  }
  const traceparent = (meta as { traceparent?: unknown } | undefined)?.traceparent;
  return typeof traceparent === 'string' && TRACEPARENT.test(traceparent) ? { traceparent } : {};
}

/** The marker a size-capped body throws, found again in whatever the SDK wraps it in. */
class TooLarge extends Error {}

function reasonOf(error: unknown, timeoutMs: number): string {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth += 1) {
    if (e instanceof ToolRequestError) return e.reason;
    if (e instanceof TooLarge) return e.message;
    const code = (e as { code?: unknown }).code;
    if (code === -32001) return `no answer within ${timeoutMs} ms`;
    e = (e as { cause?: unknown }).cause;
  }
  const name = error instanceof Error ? error.name : 'error';
  return `the MCP request failed (${name})`;
}

export class McpToolClient {
  readonly #options: McpToolClientOptions;
  readonly #connections = new Map<string, Connection>();
  #sdk: Promise<McpSdk> | undefined;

  constructor(options: McpToolClientOptions) {
    this.#options = options;
  }

  /**
   * Starts importing the SDK in the background (60-120 ms, once), so that an agent's first listing
   * of its MCP tools does not wait for it. Never throws.
   */
  preload(): void {
    this.#loadSdk().catch((error: unknown) => this.#options.onPreloadFailed?.(error));
  }

  #loadSdk(): Promise<McpSdk> {
    this.#sdk ??= importSdk().catch((error: unknown) => {
      this.#sdk = undefined;
      throw error;
    });
    return this.#sdk;
  }

  async listTools(
    server: McpServerConfig,
    agentKey: string,
    signal: AbortSignal,
    guard: McpGuard,
  ): Promise<ToolSpec[]> {
    const connection = this.#connection(server, agentKey, guard);
    connection.tools ??= (async () => {
      const client = await connection.client;
      const allowed = new Set(server.allowed_tools);
      const specs: ToolSpec[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
        const listed = await client.listTools(cursor ? { cursor } : undefined, {
          timeout: server.timeout_ms,
          signal,
        });
        for (const tool of listed.tools) {
          if (!allowed.has(tool.name)) continue;
          specs.push({
            name: tool.name,
            description: (tool.description ?? tool.name).slice(0, 1_000),
            parameters: tool.inputSchema as Record<string, unknown>,
          });
        }
        cursor = listed.nextCursor;
        if (!cursor) break;
      }
      return specs;
    })();
    return connection.tools.catch((error: unknown) => {
      this.#drop(server, agentKey, connection);
      throw new ToolRequestError(reasonOf(error, server.timeout_ms));
    });
  }

  async call(
    server: McpServerConfig,
    toolName: string,
    request: ToolRequest,
    guard: McpGuard,
  ): Promise<ToolAnswer> {
    const connection = this.#connection(server, request.agentKey, guard);
    try {
      const client = await connection.client;
      const result = await client.callTool(
        {
          name: toolName,
          arguments: request.arguments,
          _meta: {
            'voice-agent/call_sid': request.context.callSid,
            'voice-agent/agent_id': request.context.agentId,
            ...(request.context.callerPhone
              ? { 'voice-agent/caller_phone': request.context.callerPhone }
              : {}),
            ...(request.traceHeaders?.traceparent ? { traceparent: request.traceHeaders.traceparent } : {}),
          },
        },
        undefined,
        { timeout: request.timeoutMs, signal: request.signal },
      );
      const text = JSON.stringify(result.structuredContent ?? result.content ?? {});
      const content = maskSecrets(
        result.structuredContent
          ? text
          : ((result.content as { type: string; text?: string }[] | undefined) ?? [])
              .map((part) => (part.type === 'text' ? (part.text ?? '') : `[${part.type}]`))
              .join('\n'),
        connection.secretValues,
      ).slice(0, MAX_RESULT_CHARS);
      const responseBytes = Buffer.byteLength(text);
      if (result.isError)
        return { status: 'rejected', error: 'the MCP tool reported an error', content, responseBytes };
      return { status: 'ok', content, responseBytes };
    } catch (error) {
      // A broken session or connection is opened afresh by the next call.
      if (!request.signal.aborted) this.#drop(server, request.agentKey, connection);
      const reason = request.signal.aborted
        ? 'the turn ended before the answer'
        : reasonOf(error, request.timeoutMs);
      return { status: 'failed', error: reason };
    }
  }

  async close(): Promise<void> {
    const all = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(all.map((c) => c.client.then((client) => client.close()).catch(() => undefined)));
  }

  #connection(server: McpServerConfig, agentKey: string, guard: McpGuard): Connection {
    const now = (this.#options.now ?? Date.now)();
    this.#sweep(now);
    const key = `${agentKey}|${server.name}`;
    const connection = this.#connections.get(key);
    if (connection) {
      connection.usedAt = now;
      return connection;
    }
    const created: Connection = {
      client: Promise.resolve(undefined as never),
      secretValues: [],
      openedAt: now,
      usedAt: now,
    };
    created.client = this.#open(server, guard, created);
    created.client.catch(() => this.#drop(server, agentKey, created));
    this.#connections.set(key, created);
    return created;
  }

  async #open(server: McpServerConfig, guard: McpGuard, connection: Connection): Promise<Client> {
    const sdk = this.#loadSdk();
    // Awaited below; a failure before then must not surface as an unhandled rejection.
    sdk.catch(() => undefined);
    const names = new Set<string>();
    for (const text of [server.url, ...Object.values(server.headers ?? {})])
      for (const part of parseTemplate(text)) if (part.kind === 'secret') names.add(part.name);
    const secrets = await fetchSecrets(names, this.#options.secrets);
    connection.secretValues = [...secrets.values()].filter((value) => value.length >= 4);
    const values = { args: {}, context: { callSid: '', agentId: '' }, secrets };
    const headers = renderHeaders(server.headers ?? {}, values);
    const url = new URL(
      parseTemplate(server.url)
        .map((part) =>
          part.kind === 'text'
            ? part.text
            : part.kind === 'secret'
              ? encodeURIComponent(secrets.get(part.name) ?? '')
              : '',
        )
        .join(''),
    );
    if (guard.requireHttps && url.protocol !== 'https:')
      throw new ToolRequestError('refused: only https:// MCP servers are used in production');
    const { Client, StreamableHTTPClientTransport } = await sdk;
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers },
      fetch: (input, init) => this.#fetch(String(input), init ?? {}, server, guard),
    });
    const client = new Client({ name: 'voice-agent', version: '1' });
    await client.connect(transport, { timeout: server.timeout_ms });
    return client;
  }

  /** The transport's fetch: guarded, signed, size-capped, never the standalone GET stream. */
  async #fetch(raw: string, init: RequestInit, server: McpServerConfig, guard: McpGuard): Promise<Response> {
    const method = (init.method ?? 'GET').toUpperCase();
    // 405 tells the SDK the server offers no stream of its own messages; we need none.
    if (method === 'GET') return new Response(null, { status: 405 });
    const url = await this.#options.pool.check(raw, guard.allowPrivate).catch((error: unknown) => {
      const issue = (error as { issues?: { message: string }[] }).issues?.[0]?.message;
      throw new ToolRequestError(`refused: ${issue ?? 'not a valid URL'}`);
    });
    const body = typeof init.body === 'string' ? init.body : undefined;
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    if (body?.includes('"traceparent"')) Object.assign(headers, traceHeaderIn(body));
    headers[TOOL_SIGNATURE_HEADER] = signToolRequest(
      this.#options.signingSecret,
      method,
      url,
      body,
      (this.#options.now ?? Date.now)(),
    );
    // Each answer is read whole, up to the size cap, within the server's time limit: a POST's
    // stream ends with its answer (we ask for no progress), so nothing is lost, and a cap or a stall
    // fails that request at once instead of leaving the SDK waiting for its own timeout.
    const limit = AbortSignal.timeout(server.timeout_ms);
    try {
      const response = await undiciFetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: init.signal ? AbortSignal.any([init.signal, limit]) : limit,
        redirect: 'manual',
        dispatcher: this.#options.pool.dispatcher(guard.allowPrivate),
      });
      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > server.max_response_bytes) {
        await response.body?.cancel();
        throw new TooLarge(`answer larger than ${server.max_response_bytes} bytes`);
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of response.body ?? []) {
        size += chunk.byteLength;
        if (size > server.max_response_bytes)
          throw new TooLarge(`answer larger than ${server.max_response_bytes} bytes`);
        chunks.push(chunk);
      }
      return new Response(response.status === 202 || response.status === 204 ? null : Buffer.concat(chunks), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers as unknown as Headers,
      });
    } catch (error) {
      if (error instanceof TooLarge) throw error;
      if (limit.aborted) throw new ToolRequestError(`no answer within ${server.timeout_ms} ms`);
      const refusal = refusalIn(error);
      if (refusal) throw new ToolRequestError(refusal.message);
      throw error;
    }
  }

  #drop(server: McpServerConfig, agentKey: string, connection: Connection): void {
    const key = `${agentKey}|${server.name}`;
    if (this.#connections.get(key) !== connection) return;
    this.#connections.delete(key);
    void connection.client.then((client) => client.close()).catch(() => undefined);
  }

  #sweep(now: number): void {
    for (const [key, connection] of this.#connections) {
      if (now - connection.usedAt < IDLE_MS && now - connection.openedAt < MAX_AGE_MS) continue;
      this.#connections.delete(key);
      void connection.client.then((client) => client.close()).catch(() => undefined);
    }
  }
}
