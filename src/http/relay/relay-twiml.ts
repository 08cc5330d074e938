// The <Connect><ConversationRelay> document for one call: the same one the voice webhook answers with,
// and, without the greeting, the one that reconnects a call whose socket was lost.
import { relayTwiml, type RecordingStart } from '../../adapters/twilio/twiml.js';
import { publicSocketUrl } from '../../adapters/twilio/signature.js';
import type { Agent } from '../../domain/agent.js';
import { agentRelayLanguages, agentRelayVoice } from './relay-voice.js';

export const RELAY_SOCKET_PATH = '/twilio/relay';
export const RELAY_ACTION_PATH = '/twilio/relay-action';

export function relayConnectTwiml(options: {
  agent: Agent;
  callSid: string;
  publicUrl: string;
  /** Spoken by Twilio when the session opens; omitted on a reconnect (the call resumes silently). */
  welcomeGreeting?: string;
  /** The answer of an inbound call starts its recording (never a reconnect: it is recording already). */
  startRecording?: RecordingStart;
}): string {
  const { agent, callSid, publicUrl } = options;
  const base = publicUrl.replace(/\/+$/, '');
  const languages = agentRelayLanguages(agent);
  return relayTwiml({
    url: publicSocketUrl(base, RELAY_SOCKET_PATH),
    actionUrl: `${base}${RELAY_ACTION_PATH}`,
    ...(options.welcomeGreeting ? { welcomeGreeting: options.welcomeGreeting } : {}),
    ...(options.startRecording ? { startRecording: options.startRecording } : {}),
    ...agentRelayVoice(agent),
    language: agent.language,
    ...(languages.length > 0 ? { languages } : {}),
    interruptible: 'any',
    dtmfDetection: true,
    parameters: { agent_id: agent.agent_id, call_sid: callSid },
  });
}
