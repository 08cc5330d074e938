import { readFileSync } from 'node:fs';
import { agentCreateSchema, type Agent } from '../../src/domain/agent.js';
import type { Call, CollectedScalar, Turn } from '../../src/domain/call.js';
import type { TurnContext } from '../../src/ports/reply-policy.js';

/** A seeded example agent (examples/*.json), parsed like the API would store it. */
export function exampleAgent(file: string, overrides: Partial<Agent> = {}): Agent {
  const raw = JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')) as unknown;
  const parsed = agentCreateSchema.parse(raw);
  return {
    ...parsed,
    agent_id: parsed.agent_id ?? 'agent-1',
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

export function emptyCall(agentId: string, collected: Record<string, CollectedScalar> = {}): Call {
  return {
    call_sid: 'CA00000000000000000000000000000001',
    agent_id: agentId,
    direction: 'inbound',
    transport: 'relay',
    recipient_phone: '+14155550100',
    agent_phone: '+14155550199',
    agent_recipient_key: '+14155550100#2025-06-01T10:00:00.000Z',
    status: 'in-progress',
    status_sequence: 1,
    started_at: '2025-06-01T10:00:00.000Z',
    data_collected: Object.fromEntries(
      Object.entries(collected).map(([k, value]) => [k, { value, turn: 1 }]),
    ),
    turn_count: 1,
    version: 1,
  };
}

export function turn(seq: number, agentText: string, callerText?: string, extra: Partial<Turn> = {}): Turn {
  return {
    call_sid: 'CA00000000000000000000000000000001',
    seq,
    kind: seq === 0 ? 'greeting' : 'speech',
    caller_text: callerText,
    agent_text: agentText,
    received_at: '2025-06-01T10:00:00.000Z',
    replied_at: '2025-06-01T10:00:01.000Z',
    latency_ms: 500,
    ...extra,
  };
}

/** A turn context for `agent`: the greeting as turn 0, then `history`, then `callerText`. */
export function turnContext(
  agent: Agent,
  callerText: string,
  options: {
    history?: Turn[];
    collected?: Record<string, CollectedScalar>;
    signal?: AbortSignal;
    pastCalls?: TurnContext['pastCalls'];
  } = {},
): TurnContext {
  const history = options.history ?? [turn(0, agent.greeting)];
  return {
    agent,
    call: emptyCall(agent.agent_id, options.collected),
    history,
    pastCalls: options.pastCalls ?? [],
    callerText,
    seq: history.length,
    now: new Date('2025-06-01T10:05:00.000Z'),
    timezone: 'America/New_York',
    signal: options.signal ?? new AbortController().signal,
  };
}
