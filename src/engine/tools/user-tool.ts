// An agent's own tool (an HTTP endpoint or an MCP server's tool), as the model calls it: arguments
// checked against its schema before any request (the model hears what was wrong, the caller never
// does), the request made through the ToolRunner port, the outcome kept on the turn with personal
// data masked, and a failure turned into a result the model can put in words.
import type { ToolCallRecord } from '../../domain/call.js';
import type { ToolSpec } from '../../ports/language-model.js';
import type { ToolRunner, ToolTarget } from '../../ports/tool-runner.js';
import type { ValueCheck } from '../../ports/schema-validator.js';
import { phrasesFor } from '../phrases.js';
import { maskArguments } from './personal-data-mask.js';
import type { RegisteredTool, ToolTurn } from './tool.js';

// Below this a request cannot get an answer anyway; the model is told at once.
const MIN_TOOL_TIME_MS = 100;

export interface UserToolOptions {
  spec: ToolSpec;
  target: ToolTarget;
  check: ValueCheck;
  runner: ToolRunner;
  timeoutMs: number;
  filler?: string;
  maskArguments?: readonly string[];
  agentKey: string;
}

/** What the model reads when the tool gave nothing usable: enough to apologize and go on. */
export const TOOL_FAILED_RESULT = JSON.stringify({
  error:
    'The tool did not give a usable answer. Apologize briefly, say you cannot check this right now, and offer another way to help. Do not call it again in this turn.',
});

export function userTool(options: UserToolOptions): RegisteredTool {
  const { spec, target } = options;
  const source = target.kind;
  return {
    spec,
    source,
    async run(args, turn) {
      const record = (fields: Omit<ToolCallRecord, 'name' | 'source' | 'arguments'>) =>
        turn.records.push({
          name: spec.name,
          source,
          arguments: maskArguments(args, options.maskArguments),
          ...fields,
        });
      const problem = options.check(args);
      if (problem) {
        record({ status: 'invalid_arguments', error: problem, latency_ms: 0 });
        return JSON.stringify({
          error: `Invalid arguments: ${problem}. Correct them and call the tool again, or ask the caller.`,
        });
      }
      const timeoutMs = Math.min(options.timeoutMs, turn.timeLeftMs);
      if (timeoutMs < MIN_TOOL_TIME_MS) {
        record({ status: 'failed', error: 'no time left in the turn', latency_ms: 0 });
        return TOOL_FAILED_RESULT;
      }
      turn.onToolEvent?.({
        type: 'tool-start',
        callId: turn.callId,
        name: spec.name,
        filler: options.filler ?? phrasesFor(turn.agent.language).filler(),
      });
      const started = performance.now();
      const answer = await options.runner.run({
        target,
        arguments: args,
        context: callContext(turn),
        agentKey: options.agentKey,
        timeoutMs,
        signal: turn.signal,
      });
      const latencyMs = Math.round(performance.now() - started);
      record({
        status: answer.status,
        ...(answer.error ? { error: answer.error.slice(0, 300) } : {}),
        ...(answer.httpStatus !== undefined ? { http_status: answer.httpStatus } : {}),
        latency_ms: latencyMs,
        ...(answer.responseBytes !== undefined ? { response_bytes: answer.responseBytes } : {}),
      });
      turn.onToolEvent?.({
        type: 'tool-end',
        callId: turn.callId,
        name: spec.name,
        status: answer.status,
        latencyMs,
      });
      if (answer.status === 'ok') return answer.content ?? '{}';
      if (answer.status === 'rejected')
        return JSON.stringify({
          error: `The request was refused (HTTP ${answer.httpStatus ?? '4xx'})`,
          answer: parsedOrText(answer.content ?? ''),
        });
      return TOOL_FAILED_RESULT;
    },
  };
}

function parsedOrText(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}

function callContext(turn: ToolTurn) {
  return {
    callSid: turn.call.call_sid,
    agentId: turn.agent.agent_id,
    ...(turn.agent.tools_share_caller_phone ? { callerPhone: turn.call.recipient_phone } : {}),
  };
}
