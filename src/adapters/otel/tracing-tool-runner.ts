// A ToolRunner whose requests are spans in the call's trace (children of the running turn), and
// whose HTTP requests carry that span's `traceparent`, so the business's own traces join the call's.
// The span keeps names and figures: never arguments, URLs or answers. Used only when tracing is on.
import type { ToolAnswer, ToolRequest, ToolRunner } from '../../ports/tool-runner.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from './attributes.js';
import type { OtelTelemetry } from './otel-telemetry.js';

function describe(request: ToolRequest) {
  const { target } = request;
  return target.kind === 'http'
    ? { tool: target.tool.name, source: 'http', method: target.tool.request.method }
    : { tool: target.toolName, source: 'mcp', method: undefined };
}

export function tracingToolRunner(runner: ToolRunner, telemetry: OtelTelemetry): ToolRunner {
  return {
    async run(request: ToolRequest): Promise<ToolAnswer> {
      const { tool, source, method } = describe(request);
      const span = telemetry.startRequestSpan(request.context.callSid, `tool ${source}`, {
        [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
        [ATTR_GEN_AI_TOOL_NAME]: tool,
        [ATTR_HTTP_REQUEST_METHOD]: method,
      });
      const answer = await runner.run({ ...request, traceHeaders: span.traceHeaders() });
      span.end(
        {
          'voice_agent.tool.status': answer.status,
          [ATTR_HTTP_RESPONSE_STATUS_CODE]: answer.httpStatus,
          ...(answer.status === 'failed' ? { [ATTR_ERROR_TYPE]: 'tool_failed' } : {}),
        },
        answer.status === 'failed' ? 'tool failed' : undefined,
      );
      return answer;
    },
    listMcpTools: (server, agentKey, signal) => runner.listMcpTools(server, agentKey, signal),
  };
}
