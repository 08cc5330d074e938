// `voice-agent simulate --transport relay`: the call over ConversationRelay, as Twilio plays it.
import { runRelayCall } from '../../simulator/relay-call.js';
import { deliverRecording, fetchResult, type SimulationRequest, type SimulationResult } from './run.js';
import type { SimulationTarget } from './target.js';

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
  const result = await runRelayCall({
    serverUrl: target.serverUrl,
    publicUrl: target.publicUrl,
    accountSid: target.accountSid,
    authToken: target.authToken,
    agentId: request.agentId,
    from: request.ourNumber,
    to: request.caller,
    lines: request.lines,
    ...(interruptAfterTokens ? { interruptAfterTokens } : {}),
    onEntry: (entry) => {
      if (entry.text)
        request.onLine?.(entry.speaker, entry.interrupted ? `${entry.text} [interrupted]` : entry.text);
    },
  });
  await deliverRecording(target, result.call);
  return fetchResult(target, result.callSid);
}
