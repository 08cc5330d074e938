import { describe, expect, it } from 'vitest';
import type { Agent } from '../../domain/agent.js';
import { parseTwiml, type ConnectVerb } from '../../simulator/twiml-parser.js';
import { relayConnectTwiml } from './relay-twiml.js';

const agent = {
  agent_id: 'support-bot',
  voice: 'Polly.Joanna',
  language: 'en-US',
} as Agent;

function relayOf(xml: string) {
  const [verb] = parseTwiml(xml);
  const relay = (verb as ConnectVerb).relay;
  if (!relay) throw new Error('no <ConversationRelay>');
  return relay;
}

describe('relayConnectTwiml', () => {
  it('names the provider and its own voice name, never the <Say> voice', () => {
    const relay = relayOf(
      relayConnectTwiml({
        agent,
        callSid: 'CA1',
        publicUrl: 'https://voice.example.com/',
        welcomeGreeting: 'Hi',
      }),
    );
    expect(relay.url).toBe('wss://voice.example.com/twilio/relay');
    expect(relay.attributes).toMatchObject({
      language: 'en-US',
      ttsProvider: 'Amazon',
      voice: 'Joanna-Neural',
      welcomeGreeting: 'Hi',
      interruptible: 'any',
      dtmfDetection: 'true',
    });
    expect(relay.attributes).not.toHaveProperty('transcriptionProvider');
    expect(relay.languages).toEqual([]);
    expect(relay.parameters).toEqual({ agent_id: 'support-bot', call_sid: 'CA1' });
  });

  it("applies the agent's relay override and lists its further languages", () => {
    const relay = relayOf(
      relayConnectTwiml({
        agent: {
          ...agent,
          relay: {
            tts_provider: 'ElevenLabs',
            voice: 'UgBBYS2sOqTuMpoF3BR0',
            transcription_provider: 'Deepgram',
            languages: [
              { code: 'hi-IN', voice: 'Polly.Kajal-Neural' },
              {
                code: 'es-US',
                tts_provider: 'Google',
                voice: 'es-US-Journey-F',
                transcription_provider: 'Google',
              },
            ],
          },
        },
        callSid: 'CA1',
        publicUrl: 'https://voice.example.com',
      }),
    );
    expect(relay.attributes).toMatchObject({
      ttsProvider: 'ElevenLabs',
      voice: 'UgBBYS2sOqTuMpoF3BR0',
      transcriptionProvider: 'Deepgram',
    });
    expect(relay.attributes).not.toHaveProperty('welcomeGreeting');
    expect(relay.languages).toEqual([
      { code: 'hi-IN', voice: 'Kajal-Neural', ttsProvider: 'Amazon' },
      { code: 'es-US', voice: 'es-US-Journey-F', ttsProvider: 'Google', transcriptionProvider: 'Google' },
    ]);
  });
});
