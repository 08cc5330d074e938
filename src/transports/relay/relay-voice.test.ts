import { describe, expect, it } from 'vitest';
import { agentRelayLanguages, agentRelayVoice, relayVoiceOf } from './relay-voice.js';

describe('relayVoiceOf', () => {
  it.each([
    ['Polly.Joanna-Neural', { ttsProvider: 'Amazon', voice: 'Joanna-Neural' }],
    ['Polly.Kajal-Generative', { ttsProvider: 'Amazon', voice: 'Kajal-Generative' }],
    // Standard voices are not offered by ConversationRelay: their neural twin, or a stand-in.
    ['Polly.Joanna', { ttsProvider: 'Amazon', voice: 'Joanna-Neural' }],
    ['Polly.Aditi', { ttsProvider: 'Amazon', voice: 'Kajal-Neural' }],
    ['Polly.Hans', { ttsProvider: 'Amazon', voice: 'Daniel-Neural' }],
    ['Google.hi-IN-Chirp3-HD-Aoede', { ttsProvider: 'Google', voice: 'hi-IN-Chirp3-HD-Aoede' }],
    ['UgBBYS2sOqTuMpoF3BR0', { voice: 'UgBBYS2sOqTuMpoF3BR0' }],
  ])('%s', (sayVoice, expected) => {
    expect(relayVoiceOf(sayVoice)).toEqual(expected);
  });
});

describe('agentRelayVoice', () => {
  it('derives the provider from the agent voice when there is no override', () => {
    expect(agentRelayVoice({ voice: 'Polly.Matthew' })).toEqual({
      ttsProvider: 'Amazon',
      voice: 'Matthew-Neural',
    });
  });

  it('lets the agent override provider, voice and transcription', () => {
    expect(
      agentRelayVoice({
        voice: 'Polly.Joanna',
        relay: {
          tts_provider: 'ElevenLabs',
          voice: 'UgBBYS2sOqTuMpoF3BR0',
          transcription_provider: 'Deepgram',
        },
      }),
    ).toEqual({
      ttsProvider: 'ElevenLabs',
      voice: 'UgBBYS2sOqTuMpoF3BR0',
      transcriptionProvider: 'Deepgram',
    });
    expect(agentRelayVoice({ voice: 'Polly.Joanna', relay: { transcription_provider: 'Google' } })).toEqual({
      ttsProvider: 'Amazon',
      voice: 'Joanna-Neural',
      transcriptionProvider: 'Google',
    });
  });
});

describe('agentRelayLanguages', () => {
  it('turns each further language into a <Language> noun, deriving Say-style voices', () => {
    expect(
      agentRelayLanguages({
        relay: {
          languages: [
            { code: 'hi-IN', voice: 'Polly.Kajal-Neural', transcription_provider: 'Deepgram' },
            { code: 'es-US', voice: 'en-US-Journey-O', tts_provider: 'Google' },
            { code: 'fr-FR' },
          ],
        },
      }),
    ).toEqual([
      { code: 'hi-IN', voice: 'Kajal-Neural', ttsProvider: 'Amazon', transcriptionProvider: 'Deepgram' },
      { code: 'es-US', voice: 'en-US-Journey-O', ttsProvider: 'Google' },
      { code: 'fr-FR' },
    ]);
    expect(agentRelayLanguages({})).toEqual([]);
  });
});
