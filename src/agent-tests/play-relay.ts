// Plays one scripted scenario over ConversationRelay (the WebSocket transport) with the relay
// simulator. A silence line sends nothing and waits for the server's idle clock to prompt the agent;
// confidences are ignored (Twilio's relay prompts carry none).
import { runRelayCall } from '../simulator/relay-call.js';
import { relayScript } from './relay-script.js';
import { fetchStoredCall, type ObservedCall, type TestTarget } from './observed-call.js';
import type { PlayOptions } from './play-gather.js';

export async function playRelay(target: TestTarget, options: PlayOptions): Promise<ObservedCall> {
  const lines = options.lines ?? [];
  const { prompts, dtmf } = relayScript(lines);
  const result = await runRelayCall({
    serverUrl: target.serverUrl,
    publicUrl: target.publicUrl,
    accountSid: target.accountSid,
    authToken: target.authToken,
    agentId: options.agentId,
    from: options.ourNumber,
    to: options.caller,
    lines: prompts,
    dtmf,
  });
  // Each prompt and each key is one caller turn.
  const said = result.transcript.filter((entry) => entry.speaker === 'caller' && entry.event !== 'hangup');
  const keys = lines.reduce(
    (n, line) => n + (typeof line === 'object' && 'press' in line ? line.press.length : 0),
    0,
  );
  const stored = await fetchStoredCall(target, result.callSid);
  return {
    callSid: result.callSid,
    transport: 'relay',
    endedByAgent: result.ended,
    linesSaid: said.length,
    linesTotal: prompts.length + keys,
    ...stored,
  };
}
