// Runs agents' tools for the engine (the ToolRunner port): HTTP tools here, MCP tools through the
// pooled MCP client. Every request is rendered from its templates, signed, sent through the
// guarded pool with the tool's time and size limits, and its answer classified: ok (2xx JSON or
// text), rejected (4xx, which the model hears) or failed (everything else, with the reason).
import type { HttpToolConfig, McpServerConfig } from '../../domain/agent-tools.js';
import type { ToolSpec } from '../../ports/language-model.js';
import type { SecretSource } from '../../ports/secret-source.js';
import type { ToolAnswer, ToolRequest, ToolRunner } from '../../ports/tool-runner.js';
import type { GuardedPool } from '../net/guarded-pool.js';
import { classifyAnswer } from './classify-answer.js';
import type { McpToolClient } from './mcp-tool-client.js';
import { renderRequest } from './render-request.js';
import { TOOL_SIGNATURE_HEADER, signToolRequest } from './tool-signature.js';
import { ToolRequestError, toolHttpRequest } from './tool-http-request.js';

export interface ToolRunnerOptions {
  pool: GuardedPool;
  secrets: SecretSource;
  /** WEBHOOK_SECRET (or the one generated under DATA_DIR): what the business verifies with. */
  signingSecret: string;
  /** False in production without TOOLS_ALLOW_PRIVATE_NETWORK: allow_private_network is then ignored. */
  privateNetworkAllowed: boolean;
  /** Production: only https:// endpoints. */
  requireHttps: boolean;
  mcp?: McpToolClient;
  now?: () => number;
}

// Headers a tool may not set: ours, or what the HTTP client must own.
const RESERVED_HEADERS = new Set([
  TOOL_SIGNATURE_HEADER,
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
]);

export class HttpToolRunner implements ToolRunner {
  readonly #options: ToolRunnerOptions;

  constructor(options: ToolRunnerOptions) {
    this.#options = options;
  }

  /** Whether a tool's allow_private_network counts on this server. */
  allowsPrivate(setting: boolean): boolean {
    return setting && this.#options.privateNetworkAllowed;
  }

  async run(request: ToolRequest): Promise<ToolAnswer> {
    const { target } = request;
    if (target.kind === 'mcp') {
      if (!this.#options.mcp) return { status: 'failed', error: 'MCP servers are not available' };
      return this.#options.mcp.call(target.server, target.toolName, request, {
        allowPrivate: this.allowsPrivate(target.server.allow_private_network),
        requireHttps: this.#options.requireHttps,
      });
    }
    try {
      return await this.#runHttp(target.tool, request);
    } catch (error) {
      if (error instanceof ToolRequestError) return { status: 'failed', error: error.reason };
      return {
        status: 'failed',
        error: `internal error (${error instanceof Error ? error.name : 'unknown'})`,
      };
    }
  }

  listMcpTools(server: McpServerConfig, agentKey: string, signal: AbortSignal): Promise<ToolSpec[]> {
    if (!this.#options.mcp) return Promise.reject(new Error('MCP servers are not available'));
    return this.#options.mcp.listTools(server, agentKey, signal, {
      allowPrivate: this.allowsPrivate(server.allow_private_network),
      requireHttps: this.#options.requireHttps,
    });
  }

  async #runHttp(tool: HttpToolConfig, request: ToolRequest): Promise<ToolAnswer> {
    const rendered = await renderRequest(
      tool,
      request.arguments,
      request.context,
      this.#options.secrets,
    ).catch((error: unknown) => {
      if (error instanceof ToolRequestError) throw error;
      throw new ToolRequestError('the URL is not valid once its placeholders are filled in');
    });
    const url = new URL(rendered.url);
    if (this.#options.requireHttps && url.protocol !== 'https:')
      throw new ToolRequestError('refused: only https:// tools run in production');
    const headers: Record<string, string> = {
      accept: 'application/json, text/plain;q=0.9',
      'user-agent': 'voice-agent-tool',
      ...Object.fromEntries(Object.entries(rendered.headers).filter(([name]) => !RESERVED_HEADERS.has(name))),
      ...(rendered.body !== undefined ? { 'content-type': 'application/json' } : {}),
      // After the tool's own headers: the trace context is the server's to name.
      ...request.traceHeaders,
      [TOOL_SIGNATURE_HEADER]: signToolRequest(
        this.#options.signingSecret,
        rendered.method,
        url,
        rendered.body,
        (this.#options.now ?? Date.now)(),
      ),
    };
    const response = await toolHttpRequest(this.#options.pool, {
      url: url.href,
      method: rendered.method,
      headers,
      ...(rendered.body !== undefined ? { body: rendered.body } : {}),
      allowPrivate: this.allowsPrivate(tool.allow_private_network),
      maxBytes: tool.max_response_bytes,
      timeoutMs: request.timeoutMs,
      signal: request.signal,
    });
    return classifyAnswer(response, rendered.secretValues);
  }
}
