// The <Connect><ConversationRelay> document for one call: the same one the voice webhook answers with,
// and, without the greeting, the one that reconnects a call whose socket was lost.
import { relayTwiml, type RecordingStart } from '../../adapters/twilio/twiml.js';
import { publicSocketUrl } from '../../adapters/twilio/signature.js';
import type { Agent } from '../../domain/agent.js';
import { callbackUrl } from '../../services/callback-url.js';
import { RELAY_ACTION_PATH } from './relay-paths.js';
import { relaySocketPath } from './relay-socket-grant.js';
import { agentRelayLanguages, agentRelayVoice } from './relay-voice.js';

export function relayConnectTwiml(options: {
  agent: Agent;
  callSid: string;
  publicUrl: string;
  /** Signs the socket URL for this call (relaySocketKey). */
  socketKey: Buffer;
  /** The call's relay_reconnects: the socket URL is good for this session of the call and later ones. */
  reconnect: number;
  /** Spoken by Twilio when the session opens; omitted on a reconnect (the call resumes silently). */
  welcomeGreeting?: string;
  /** The answer of an inbound call starts its recording (never a reconnect: it is recording already). */
  startRecording?: RecordingStart;
}): string {
  const { agent, callSid, publicUrl } = options;
  const languages = agentRelayLanguages(agent);
  return relayTwiml({
    url: publicSocketUrl(
      publicUrl,
      relaySocketPath(options.socketKey, { callSid, reconnect: options.reconnect }),
    ),
    actionUrl: callbackUrl(publicUrl, RELAY_ACTION_PATH),
    ...(options.welcomeGreeting ? { welcomeGreeting: options.welcomeGreeting } : {}),
    ...(options.startRecording ? { startRecording: options.startRecording } : {}),
    ...agentRelayVoice(agent),
    language: agent.language,
    ...(languages.length > 0 ? { languages } : {}),
    interruptible: 'any',
    dtmfDetection: true,
    ...(agent.relay?.events ? { events: true } : {}),
    parameters: { agent_id: agent.agent_id, call_sid: callSid },
  });
}
