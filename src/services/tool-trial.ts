// "Try it": one call of an agent's tool with sample arguments against the real endpoint, with the
// same checks, guards, signature and limits as on a call, answered as the dashboard shows it: how
// it went and the answer with personal data masked (secrets are masked before anything sees it).
import type { Agent } from '../domain/agent.js';
import type { Call, ToolCallRecord } from '../domain/call.js';
import { notFound } from '../domain/errors.js';
import { maskText, maskValue } from '../engine/tools/personal-data-mask.js';
import type { ToolCatalog } from '../engine/tools/tool-catalog.js';
import { noEffects } from '../engine/tools/tool.js';
import { TOOL_FAILED_RESULT } from '../engine/tools/user-tool.js';
import { validationError } from './validation.js';

export interface ToolTrialResult {
  tool: string;
  status: ToolCallRecord['status'];
  latency_ms: number;
  http_status?: number;
  response_bytes?: number;
  error?: string;
  /** The answer as the model would read it, personal data masked. */
  response?: unknown;
}

function trialCall(agent: Agent): Call {
  const at = new Date().toISOString();
  return {
    call_sid: `try-${Date.now().toString(36)}`,
    agent_id: agent.agent_id,
    direction: 'web',
    transport: 'web',
    recipient_phone: '',
    agent_phone: '',
    agent_recipient_key: `#${at}`,
    status: 'in-progress',
    status_sequence: 0,
    started_at: at,
    data_collected: {},
    turn_count: 0,
    version: 1,
  };
}

function masked(content: string, names: readonly string[]): unknown {
  try {
    return maskValue(JSON.parse(content), new Set(names));
  } catch {
    return maskText(content);
  }
}

export async function tryTool(
  catalog: ToolCatalog,
  agent: Agent,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolTrialResult> {
  const signal = AbortSignal.timeout(15_000);
  const tools = await catalog.forAgent(agent, signal);
  const tool = tools.get(name);
  if (!tool || tool.source === 'builtin') throw notFound(`tool ${name} of agent ${agent.agent_id}`);
  const records: ToolCallRecord[] = [];
  const content = await tool.run(args, {
    agent,
    call: trialCall(agent),
    callerText: '',
    extraction: { language: agent.language, now: new Date(), timezone: agent.timezone ?? 'UTC' },
    effects: noEffects(),
    records,
    callId: 'try',
    timeLeftMs: 15_000,
    signal,
  });
  const record = records[0]!;
  if (record.status === 'invalid_arguments') {
    const [field, ...rest] = (record.error ?? '').split(': ');
    throw validationError([{ field: `arguments.${field}`, message: rest.join(': ') || 'invalid' }]);
  }
  const maskNames = [
    ...((agent.tools ?? []).find((t) => t.name === name)?.mask_arguments ?? []),
    ...(agent.mcp_servers ?? [])
      .filter((s) => s.allowed_tools.includes(name))
      .flatMap((s) => s.mask_arguments ?? []),
  ];
  return {
    tool: name,
    status: record.status,
    latency_ms: record.latency_ms,
    ...(record.http_status !== undefined ? { http_status: record.http_status } : {}),
    ...(record.response_bytes !== undefined ? { response_bytes: record.response_bytes } : {}),
    ...(record.error ? { error: record.error } : {}),
    ...(content !== TOOL_FAILED_RESULT ? { response: masked(content, maskNames) } : {}),
  };
}
