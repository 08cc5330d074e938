// What the call does once its ConversationRelay session is over. Twilio requests the <Connect action>
// URL after our `end` (HandoffData says why) and after a failure (a lost socket: SessionStatus failed,
// ErrorCode 64105 and the like, no HandoffData). The answer is TwiML: <Dial> for a transfer to a listed
// target, <Hangup/> for a finished call, and otherwise a new session that resumes from stored state.
import type { FastifyBaseLogger } from 'fastify';
import { dialTwiml, fallbackTwiml } from '../../adapters/twilio/twiml.js';
import { isTerminal, type Call } from '../../domain/call.js';
import type { CallEngine } from '../../engine/call-engine.js';
import { findTransferTarget } from '../../engine/tools/transfer.js';
import { HANGUP_TWIML } from '../twilio/webhook-reply.js';
import { parseHandoff } from './handoff.js';
import { relayConnectTwiml } from './relay-twiml.js';

// A session that keeps failing (a socket URL that cannot be reached, a broken deploy) would otherwise
// loop forever with the caller in silence; past this many reconnects the caller hears the apology.
export const MAX_RELAY_RECONNECTS = 5;

export interface RelayActionDeps {
  engine: Pick<CallEngine, 'sessions' | 'operations'>;
  publicUrl: string;
  /** Signs the new socket URL (relaySocketKey). */
  socketKey: Buffer;
}

export interface RelayActionInput {
  callSid: string;
  handoffData?: string;
  sessionStatus?: string;
  errorCode?: string;
}

function hasEnded(call: Call): boolean {
  return isTerminal(call.status) || call.ended_by !== undefined;
}

export async function relayActionTwiml(
  deps: RelayActionDeps,
  input: RelayActionInput,
  log: FastifyBaseLogger,
): Promise<string> {
  const found = await deps.engine.sessions.read(input.callSid);
  if (!found) {
    log.warn({ call_sid: input.callSid }, 'relay action for an unknown call; hanging up');
    return HANGUP_TWIML;
  }
  const { call, agent } = found;
  const handoff = parseHandoff(input.handoffData);
  const context = {
    call_sid: call.call_sid,
    reason: handoff?.reason ?? 'none',
    session_status: input.sessionStatus?.slice(0, 40),
    error_code: input.errorCode?.slice(0, 10),
  };
  if (handoff?.reason === 'transfer') {
    const target = findTransferTarget(agent, handoff.target_id);
    if (!target) {
      // Only the agent's own list may be dialled, whatever the handoff names.
      log.warn(context, 'relay handoff names a transfer target the agent does not list; hanging up');
      return HANGUP_TWIML;
    }
    await deps.engine.operations.transferDialled(call, target);
    log.info({ ...context, target_id: target.id }, 'relay call transferred');
    return dialTwiml({
      target: target.target,
      voice: agent.voice,
      language: agent.language,
      ...(call.agent_phone ? { callerId: call.agent_phone } : {}),
    });
  }
  if (handoff?.reason === 'end' || hasEnded(call)) {
    log.info(context, 'relay call finished; hanging up');
    return HANGUP_TWIML;
  }
  // server-restart, a lost socket or an error while the call goes on: a new session, no greeting.
  const reconnect = await deps.engine.operations.sessionLost(call);
  if (reconnect > MAX_RELAY_RECONNECTS) {
    log.error(context, 'relay session failed too often; the caller hears the apology');
    await deps.engine.operations.endCall(call.call_sid, 'error');
    return fallbackTwiml(agent.language);
  }
  log.warn({ ...context, reconnects: reconnect }, 'relay session lost; reconnecting the call');
  // A new socket URL with the new session number: sockets from URLs handed out before are now stale.
  return relayConnectTwiml({
    agent,
    callSid: call.call_sid,
    publicUrl: deps.publicUrl,
    socketKey: deps.socketKey,
    reconnect,
  });
}
