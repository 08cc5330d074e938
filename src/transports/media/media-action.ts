// What a realtime call does once its stream is over. Twilio requests the <Connect action> URL when
// our server closes the socket (or the stream fails): the call is over (hang up, or dial the transfer
// target its last turn named), was switched to its fallback transport (Gather re-asks the last line,
// ConversationRelay opens without a greeting), or lost its stream (our server died: a new stream, up
// to a bound). Answers from stored state only, so any instance answers, and a repeat answers the same.
import type { FastifyBaseLogger } from 'fastify';
import { dialTwiml, fallbackTwiml } from '../../adapters/twilio/twiml.js';
import { isTerminal } from '../../domain/call.js';
import type { CallEngine } from '../../engine/call-engine.js';
import { findTarget } from '../../engine/count-turns.js';
import { twimlForTurn } from '../gather/gather-codec.js';
import { relayConnectTwiml } from '../relay/relay-twiml.js';
import { HANGUP_TWIML } from '../twilio/webhook-reply.js';
import { mediaConnectTwiml } from './media-twiml.js';

// A stream that keeps failing would loop with the caller in silence; past this the call goes on over
// its fallback transport.
export const MAX_MEDIA_RECONNECTS = 3;

export interface MediaActionDeps {
  engine: Pick<CallEngine, 'sessions' | 'operations'>;
  publicUrl: string;
  mediaSocketKey: Buffer;
  relaySocketKey: Buffer;
  defaultTransport: 'gather' | 'relay';
}

export async function mediaActionTwiml(
  deps: MediaActionDeps,
  callSid: string,
  log: FastifyBaseLogger,
): Promise<string> {
  const session = await deps.engine.sessions.open(callSid).catch(() => undefined);
  if (!session) {
    log.warn({ call_sid: callSid }, 'media action for an unknown call; hanging up');
    return HANGUP_TWIML;
  }
  const { call, agent } = session;
  const last = session.turns.at(-1);
  if (isTerminal(call.status) || call.ended_by) {
    const target = last && findTarget(agent, last);
    if (call.ended_by === 'transfer' && target && !call.transferred_to) {
      await deps.engine.operations.transferDialled(call, target);
    }
    if (call.ended_by === 'transfer' && target) {
      log.info({ call_sid: callSid, target_id: target.id }, 'realtime call transferred');
      return dialTwiml({
        target: target.target,
        voice: agent.voice,
        language: agent.language,
        ...(call.agent_phone ? { callerId: call.agent_phone } : {}),
      });
    }
    return HANGUP_TWIML;
  }
  if (call.transport === 'realtime') {
    const reconnect = await deps.engine.operations.sessionLost(call);
    if (reconnect <= MAX_MEDIA_RECONNECTS) {
      log.warn({ call_sid: callSid, reconnects: reconnect }, 'media stream lost; opening a new one');
      return mediaConnectTwiml({
        agent,
        callSid,
        publicUrl: deps.publicUrl,
        socketKey: deps.mediaSocketKey,
        session: reconnect,
      });
    }
    const updated = await deps.engine.operations.transportSwitched(
      call,
      agent.llm?.realtime?.fallback_transport ?? deps.defaultTransport,
      'media stream failed too often',
    );
    if (!updated) return fallbackTwiml(agent.language);
    return mediaActionTwiml(deps, callSid, log);
  }
  log.info({ call_sid: callSid, transport: call.transport }, 'realtime call goes on over its fallback');
  if (call.transport === 'relay') {
    return relayConnectTwiml({
      agent,
      callSid,
      publicUrl: deps.publicUrl,
      socketKey: deps.relaySocketKey,
      reconnect: await deps.engine.operations.sessionLost(call),
    });
  }
  if (!last) return fallbackTwiml(agent.language);
  // Gather: the last line again, then the caller's answer as the next turn.
  return twimlForTurn({ agent, turn: { ...last, ends_call: undefined }, publicUrl: deps.publicUrl });
}
