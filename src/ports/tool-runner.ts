import type { HttpToolConfig, McpServerConfig } from '../domain/agent-tools.js';
import type { ToolCallStatus } from '../domain/call.js';
import type { ToolSpec } from './language-model.js';
import type { TraceHeaders } from './telemetry.js';

/** What a tool request may carry of the call (`{{call.sid}}`, `{{agent.id}}`, `{{caller.phone}}`). */
export interface ToolCallContext {
  callSid: string;
  agentId: string;
  /** Only when the agent sets tools_share_caller_phone. */
  callerPhone?: string;
}

export type ToolTarget =
  { kind: 'http'; tool: HttpToolConfig } | { kind: 'mcp'; server: McpServerConfig; toolName: string };

export interface ToolRequest {
  target: ToolTarget;
  /** Validated against the tool's schema already. */
  arguments: Record<string, unknown>;
  context: ToolCallContext;
  /** `agent_id@version`: MCP connections and tool lists are kept per agent version. */
  agentKey: string;
  /** The most this request may take: the tool's timeout_ms, less when the turn has less left. */
  timeoutMs: number;
  /**
   * Cancels the request. The engine lets an agent's tool run to its timeoutMs even when the caller
   * cuts the turn short, so its outcome is kept (user-tool.ts).
   */
  signal: AbortSignal;
  /** W3C trace context (`traceparent`) for an HTTP tool's request; absent when tracing is off. */
  traceHeaders?: TraceHeaders;
}

/** How a request went; never secrets (an answer that echoes one has it masked). */
export interface ToolAnswer {
  status: Exclude<ToolCallStatus, 'invalid_arguments'>;
  /** The answer the model reads (JSON or text), for ok and rejected. */
  content?: string;
  /** Why it was not ok, in words fit for logs: "timed out after 4000 ms", "HTTP 503". */
  error?: string;
  httpStatus?: number;
  responseBytes?: number;
}

/**
 * Runs agents' own tools: the business's HTTP endpoints and MCP servers, behind the SSRF guard,
 * signed, size-capped and time-bounded. `voice-agent test` swaps in stubs that never leave the
 * process.
 */
export interface ToolRunner {
  /** Never rejects: every failure is an answer with status failed. */
  run(request: ToolRequest): Promise<ToolAnswer>;
  /** The server's tools that its allow-list names; rejects when the server cannot be listed. */
  listMcpTools(server: McpServerConfig, agentKey: string, signal: AbortSignal): Promise<ToolSpec[]>;
}
