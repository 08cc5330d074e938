// A Media Stream's `start`, checked and turned into a model session. Refused: the start names another
// call than its signed URL or another account than ours, the call is not on the realtime transport, or
// the URL is an earlier stream's. Over: the call has ended. Fallback: the audio is not telephony μ-law,
// the agent has no realtime model, or the model cannot be opened (the call goes on over its fallback
// transport). Else the model session, configured from the agent, with the agent's tools.
import type { FastifyBaseLogger } from 'fastify';
import { isTelephonyAudio, type StreamStartEvent } from '../../adapters/twilio/media-stream-codec.js';
import { isTerminal } from '../../domain/call.js';
import { realtimeModelOf } from '../../domain/realtime-settings.js';
import type { CallSession } from '../../engine/call-session.js';
import type { RealtimeEvent, RealtimeSession } from '../../ports/realtime-model.js';
import type { MediaBridgeOptions } from './media-bridge-options.js';
import { ModelTools } from './model-tools.js';
import { realtimeSessionConfig } from './realtime-session-config.js';

export type StreamOpening =
  | { outcome: 'refused'; reason: string }
  | { outcome: 'over'; reason: string }
  | { outcome: 'fallback'; reason: string; session: CallSession }
  | { outcome: 'open'; session: CallSession; model: RealtimeSession; tools: ModelTools };

/** Why `start` is not for this socket: another call than its URL names, or another account. */
export function startRefusal(start: StreamStartEvent, options: MediaBridgeOptions): string | undefined {
  if (start.callSid !== options.grant.callSid) return 'start names another call than the socket URL';
  if (start.accountSid !== options.accountSid) return 'start names another account';
  return undefined;
}

export async function openStream(
  start: StreamStartEvent,
  options: MediaBridgeOptions,
  onModel: (event: RealtimeEvent) => void,
  log: FastifyBaseLogger,
): Promise<StreamOpening> {
  const { grant } = options;
  const session = await options.engine.sessions.open(grant.callSid);
  const { call, agent } = session;
  if (isTerminal(call.status) || call.ended_by) return { outcome: 'over', reason: 'call already over' };
  if (call.transport !== 'realtime')
    return { outcome: 'refused', reason: 'stream for a call not on the realtime transport' };
  if (grant.session < (call.relay_reconnects ?? 0))
    return { outcome: 'refused', reason: 'socket URL of an earlier stream' };
  if (!isTelephonyAudio(start.mediaFormat))
    return { outcome: 'fallback', session, reason: 'stream audio is not μ-law 8 kHz' };
  const factory = options.models.forAgent(realtimeModelOf(agent));
  if (!factory)
    return { outcome: 'fallback', session, reason: 'no realtime model configured or its circuit is open' };
  const tools = new ModelTools(options.tools, agent, options.region);
  const config = realtimeSessionConfig(session, await tools.load(), { timezone: options.defaultTimezone });
  try {
    return { outcome: 'open', session, tools, model: await factory.open(config, onModel) };
  } catch (error) {
    log.warn({ err: error }, 'realtime model could not be opened');
    return { outcome: 'fallback', session, reason: 'realtime model unavailable' };
  }
}
