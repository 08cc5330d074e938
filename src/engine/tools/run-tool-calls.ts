// Runs the tool calls of one model step: built-in ones in order (they only decide), the agent's own
// ones side by side (each is a request the caller waits on). Every call gets a result message,
// as providers require before the model is asked again.
import type { ToolCallRecord } from '../../domain/call.js';
import type { ChatMessage, ToolCall } from '../../ports/language-model.js';
import type { ToolSet } from './tool-catalog.js';
import type { ToolTurn } from './tool.js';

export type StepCall = ToolCall & { id: string };

export interface StepResult {
  /** One tool message per call, in call order. */
  messages: ChatMessage[];
  /** Whether any of the agent's own tools ran: the model must then be asked again. */
  ranUserTool: boolean;
}

/** `turn.records` gets the agent's own tools' records in call order, whatever order they finish in. */
export async function runToolCalls(
  calls: readonly StepCall[],
  tools: ToolSet,
  turn: Omit<ToolTurn, 'callId' | 'records'> & { records: ToolCallRecord[] },
): Promise<StepResult> {
  const perCall: ToolCallRecord[][] = calls.map(() => []);
  const contents = await Promise.all(
    calls.map(async (call, index) => {
      const tool = tools.get(call.name);
      if (!tool) return 'There is no tool with this name.';
      return tool.run(call.arguments, { ...turn, callId: call.id, records: perCall[index]! });
    }),
  );
  turn.records.push(...perCall.flat());
  return {
    messages: calls.map((call, index) => ({
      role: 'tool',
      toolCallId: call.id,
      toolName: call.name,
      content: contents[index]!,
    })),
    ranUserTool: calls.some((call) => {
      const source = tools.get(call.name)?.source;
      return source !== undefined && source !== 'builtin';
    }),
  };
}
