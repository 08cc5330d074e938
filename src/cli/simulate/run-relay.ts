// `voice-agent simulate --transport relay`: the call over ConversationRelay, as Twilio plays it.
import { runRelayCall, type RelayTranscriptEntry } from '../../simulator/relay-call.js';
import { recognizerText } from '../../simulator/recognizer-text.js';
import { deliverRecording } from './recording-delivery.js';
import {
  fetchResult,
  outboundRecording,
  type SimulationRequest,
  type SimulationResult,
} from './simulation.js';
import type { SimulationTarget } from './target.js';

/** What the person at the terminal sees of one transcript entry, or undefined for nothing. */
function relayEntryLine(entry: RelayTranscriptEntry): string | undefined {
  switch (entry.event) {
    case 'digits':
      return `[pressed ${entry.digits ?? ''}]`;
    case 'socket-lost':
      return '[socket lost]';
    case 'reconnected':
      return '[reconnected, no greeting]';
    default:
      if (!entry.text) return undefined;
      return entry.interrupted ? `${entry.text} [interrupted]` : entry.text;
  }
}

export async function runRelaySimulation(
  target: SimulationTarget,
  request: SimulationRequest,
): Promise<SimulationResult> {
  if (request.ask)
    throw new Error('the relay transport takes --say or --script lines (interactive mode is gather only)');
  const interruptAfterTokens =
    request.interruptAfter === undefined
      ? undefined
      : Object.fromEntries(request.lines.map((_, index) => [index, request.interruptAfter!]));
  const record = outboundRecording(target, request);
  const result = await runRelayCall({
    serverUrl: target.serverUrl,
    publicUrl: target.publicUrl,
    accountSid: target.accountSid,
    authToken: target.authToken,
    ...(request.inbound
      ? {
          from: request.caller,
          to: request.ourNumber,
          ...(request.stirVerstat !== undefined ? { stirVerstat: request.stirVerstat } : {}),
        }
      : { agentId: request.agentId, from: request.ourNumber, to: request.caller }),
    ...(record ? { record } : {}),
    lines: request.lines.map(recognizerText),
    ...(interruptAfterTokens ? { interruptAfterTokens } : {}),
    ...(request.dtmf ? { dtmf: request.dtmf } : {}),
    ...(request.dropAfterLine !== undefined ? { dropAfterLine: request.dropAfterLine } : {}),
    onEntry: (entry) => {
      const line = relayEntryLine(entry);
      if (line) request.onLine?.(entry.speaker, line);
    },
  });
  await deliverRecording(target, result.call, request.warn);
  return { ...(await fetchResult(target, result.callSid)), relay_sessions: result.sessions };
}
