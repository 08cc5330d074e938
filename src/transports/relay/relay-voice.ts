// The ConversationRelay voice for an agent. Agents name voices as <Say> does ("Polly.Joanna",
// "Google.hi-IN-Chirp3-HD-Aoede"); ConversationRelay takes a provider (ttsProvider) and that provider's
// own voice name instead ("Joanna-Neural", "hi-IN-Chirp3-HD-Aoede"), and offers Amazon's neural and
// generative voices only (twilio.com/docs/voice/conversationrelay/voice-configuration).
import type { Agent, RelayLanguageSetting } from '../../domain/agent.js';
import type { RelayLanguage } from '../../adapters/twilio/twiml.js';

export interface RelayVoice {
  voice: string;
  ttsProvider?: string;
  transcriptionProvider?: string;
}

// Standard-only Polly voices have no neural twin; each is replaced by a neural voice of the same
// language and gender (Amazon Polly's voice list).
const NEURAL_STAND_IN: Record<string, string> = {
  Raveena: 'Kajal',
  Aditi: 'Kajal',
  Miguel: 'Pedro',
  Penelope: 'Lupe',
  Conchita: 'Lucia',
  Enrique: 'Sergio',
  Celine: 'Lea',
  Mathieu: 'Remi',
  Marlene: 'Vicki',
  Hans: 'Daniel',
};

const POLLY = /^Polly\.([A-Za-z]+)(-(Neural|Generative|Long-Form))?$/;
const GOOGLE = /^Google\.(.+)$/;

/** Turns a <Say>-style voice into ConversationRelay's provider and voice; other names pass through. */
export function relayVoiceOf(sayVoice: string): { voice: string; ttsProvider?: string } {
  const polly = POLLY.exec(sayVoice);
  if (polly) {
    const name = polly[1] ?? '';
    if (polly[2]) return { ttsProvider: 'Amazon', voice: `${name}${polly[2]}` };
    return { ttsProvider: 'Amazon', voice: `${NEURAL_STAND_IN[name] ?? name}-Neural` };
  }
  const google = GOOGLE.exec(sayVoice);
  if (google) return { ttsProvider: 'Google', voice: google[1] ?? '' };
  return { voice: sayVoice };
}

/** The session's voice: derived from the agent's voice, with the agent's relay overrides on top. */
export function agentRelayVoice(agent: Pick<Agent, 'voice' | 'relay'>): RelayVoice {
  const override = agent.relay;
  const derived = relayVoiceOf(override?.voice ?? agent.voice);
  const ttsProvider = override?.tts_provider ?? derived.ttsProvider;
  const transcriptionProvider = override?.transcription_provider;
  return {
    voice: derived.voice,
    ...(ttsProvider ? { ttsProvider } : {}),
    ...(transcriptionProvider ? { transcriptionProvider } : {}),
  };
}

/** The agent's further languages as <Language> nouns. */
export function agentRelayLanguages(agent: Pick<Agent, 'relay'>): RelayLanguage[] {
  return (agent.relay?.languages ?? []).map(relayLanguageOf);
}

function relayLanguageOf(language: RelayLanguageSetting): RelayLanguage {
  const derived = language.voice ? relayVoiceOf(language.voice) : undefined;
  const ttsProvider = language.tts_provider ?? derived?.ttsProvider;
  return {
    code: language.code,
    ...(derived ? { voice: derived.voice } : {}),
    ...(ttsProvider ? { ttsProvider } : {}),
    ...(language.transcription_provider ? { transcriptionProvider: language.transcription_provider } : {}),
  };
}
