// Opens a ConversationRelay call against a live server the way Twilio does: the signed voice webhook
// (asking for the relay transport), then the signed socket from the returned TwiML.
import { connectRelay, type RelayClient } from '../../../src/simulator/relay-client.js';
import type { SimulatedCall, TwilioSimulator } from '../../../src/simulator/twilio-simulator.js';

export interface OpenRelayCall {
  call: SimulatedCall;
  client: RelayClient;
  /** Opens another socket for the same call (after the action URL reconnected it). */
  reconnect(): Promise<RelayClient>;
}

export async function openRelayCall(options: {
  simulator: TwilioSimulator;
  serverUrl: string;
  publicUrl: string;
  authToken: string;
  agentId: string;
  from?: string;
  to?: string;
  replyTimeoutMs?: number;
}): Promise<OpenRelayCall> {
  const call = await options.simulator.startCall({
    direction: 'outbound',
    from: options.from ?? '+14155550100',
    to: options.to ?? '+14155550142',
    voiceUrl: `${options.publicUrl}/twilio/voice?agent_id=${encodeURIComponent(options.agentId)}&transport=relay`,
    statusEvents: ['completed'],
  });
  const open = async () => {
    const relay = call.relay;
    if (!relay) throw new Error(`no relay session for the call (state ${call.state})`);
    return connectRelay({
      wsUrl: relay.serverUrl,
      signedUrl: relay.url,
      authToken: options.authToken,
      setup: relay.setup,
      replyTimeoutMs: options.replyTimeoutMs ?? 10_000,
    });
  };
  return { call, client: await open(), reconnect: open };
}
