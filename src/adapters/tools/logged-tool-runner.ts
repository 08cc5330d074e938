// One log line per tool call: which tool of which agent on which call, how it went, how long it
// took. Never arguments, URLs, headers or answers (they carry personal data and secrets).
import type { Logger } from '../../logger.js';
import type { ToolRunner } from '../../ports/tool-runner.js';

export function loggedToolRunner(runner: ToolRunner, logger: Logger): ToolRunner {
  return {
    async run(request) {
      const started = performance.now();
      const answer = await runner.run(request);
      const fields = {
        tool: request.target.kind === 'http' ? request.target.tool.name : request.target.toolName,
        ...(request.target.kind === 'mcp' ? { mcp_server: request.target.server.name } : {}),
        agent_id: request.context.agentId,
        call_sid: request.context.callSid,
        status: answer.status,
        ...(answer.httpStatus !== undefined ? { http_status: answer.httpStatus } : {}),
        latency_ms: Math.round(performance.now() - started),
      };
      if (answer.status === 'failed') logger.warn({ ...fields, reason: answer.error }, 'tool call failed');
      else logger.info(fields, 'tool call');
      return answer;
    },
    listMcpTools: (server, agentKey, signal) => runner.listMcpTools(server, agentKey, signal),
  };
}
