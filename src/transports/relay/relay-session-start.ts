// What a relay session reads as it starts, beside the call: the agent's time limit and language, and
// the length of the line Twilio may still be speaking. The call goes on without either, so a failed
// read leaves it out instead of failing the session.
import type { FastifyBaseLogger } from 'fastify';
import type { Agent } from '../../domain/agent.js';
import type { Call } from '../../domain/call.js';
import type { CallStore } from '../../ports/call-store.js';

export type SessionAgent = Pick<Agent, 'max_call_seconds' | 'language'>;

export interface SessionStartDeps {
  calls: Pick<CallStore, 'getTurn'>;
  agents?: { get(agentId: string): Promise<SessionAgent> };
}

export interface SessionStart {
  agent?: SessionAgent;
  /** Characters of the last stored agent line (on a fresh call, the welcome greeting). */
  spokenChars: number;
}

export async function readSessionStart(
  deps: SessionStartDeps,
  call: Pick<Call, 'call_sid' | 'agent_id' | 'turn_count'>,
  log: FastifyBaseLogger,
): Promise<SessionStart> {
  const [agent, spokenChars] = await Promise.all([
    deps.agents?.get(call.agent_id).catch((error: unknown) => {
      log.warn({ err: error }, 'relay setup could not read the agent; the call length is checked per turn');
      return undefined;
    }),
    call.turn_count === 0
      ? 0
      : deps.calls
          .getTurn(call.call_sid, call.turn_count - 1)
          .then((turn) => turn?.agent_text.length ?? 0)
          .catch((error: unknown) => {
            log.warn(
              { err: error },
              'relay setup could not read the last line; the idle clock starts at once',
            );
            return 0;
          }),
  ]);
  return { ...(agent ? { agent } : {}), spokenChars };
}
