// The agent's tools as its realtime model calls them: the registry's set (record_field, end_call,
// transfer, its HTTP and MCP tools) loaded once per stream, each call run as the LLM policy runs it
// (runToolCalls: built-ins decide, the agent's own tools run side by side), and every result sent
// back, the last one asking the model to go on speaking.
import type { Agent } from '../../domain/agent.js';
import type { CallSession } from '../../engine/call-session.js';
import { runToolCalls, type StepCall } from '../../engine/tools/run-tool-calls.js';
import type { ToolCatalog, ToolSet } from '../../engine/tools/tool-catalog.js';
import type { RealtimeSession } from '../../ports/realtime-model.js';
import type { TurnLog } from '../../engine/transport.js';
import type { Exchange } from './exchange.js';

export type ToolCatalogLike = Pick<ToolCatalog, 'forAgent'>;

// What one exchange's tools may take together (the caller hears silence meanwhile).
const TOOL_BUDGET_MS = 8_000;

export class ModelTools {
  #set: ToolSet | undefined;

  constructor(
    private readonly catalog: ToolCatalogLike,
    private readonly agent: Agent,
    private readonly region: string | undefined,
  ) {}

  async load(): Promise<ToolSet> {
    const found = this.catalog.forAgent(this.agent, AbortSignal.timeout(TOOL_BUDGET_MS));
    this.#set = found instanceof Promise ? await found : found;
    return this.#set;
  }

  /** Runs the exchange's pending calls and answers each; never rejects. */
  async run(exchange: Exchange, model: RealtimeSession, session: CallSession, log: TurnLog): Promise<void> {
    const calls: StepCall[] = exchange.pendingCalls.splice(0).map((call) => ({
      id: call.callId,
      name: call.name,
      arguments: parseArguments(call.arguments),
    }));
    if (!this.#set || calls.length === 0) return;
    const input = exchange.input;
    const now = new Date();
    try {
      const { messages } = await runToolCalls(calls, this.#set, {
        agent: this.agent,
        call: session.call,
        callerText: input?.kind === 'speech' ? input.text : input?.kind === 'dtmf' ? input.digits : '',
        extraction: {
          language: this.agent.language,
          region: this.region,
          now,
          timezone: this.agent.timezone ?? 'UTC',
        },
        effects: exchange.effects,
        records: exchange.toolCalls,
        timeLeftMs: TOOL_BUDGET_MS,
        signal: AbortSignal.timeout(TOOL_BUDGET_MS),
      });
      messages.forEach((message, index) => {
        if (message.role !== 'tool') return;
        model.sendFunctionResult(message.toolCallId, message.content, {
          respond: index === messages.length - 1,
        });
      });
    } catch (error) {
      log.error({ err: error }, 'realtime tool calls failed');
      calls.forEach((call, index) =>
        model.sendFunctionResult(call.id, 'The tool failed.', { respond: index === calls.length - 1 }),
      );
    }
  }
}

function parseArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
