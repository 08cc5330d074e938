import { describe, expect, it } from 'vitest';
import type { Agent } from '../../domain/agent.js';
import { parseTwiml, type ConnectVerb } from '../../simulator/twiml-parser.js';
import { readRelaySocketGrant, relaySocketKey } from './relay-socket-grant.js';
import { relayConnectTwiml } from './relay-twiml.js';

const CALL_SID = `CA${'1'.repeat(32)}`;
const socketKey = relaySocketKey('test-signing-secret');

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
  it("asks Twilio for its info events (speaker changes, text played) only when the agent's relay.events is on", () => {
    const twiml = (relay?: Agent['relay']) =>
      relayOf(
        relayConnectTwiml({
          agent: { ...agent, ...(relay ? { relay } : {}) },
          callSid: CALL_SID,
          publicUrl: 'https://voice.example.com/',
          socketKey,
          reconnect: 0,
        }),
      ).attributes;
    expect(twiml({ events: true }).events).toBe('speaker-events tokens-played');
    expect(twiml().events).toBeUndefined();
    expect(twiml({ events: false }).events).toBeUndefined();
  });

  it('names the provider and its own voice name, never the <Say> voice', () => {
    const relay = relayOf(
      relayConnectTwiml({
        agent,
        callSid: CALL_SID,
        publicUrl: 'https://voice.example.com/',
        socketKey,
        reconnect: 0,
        welcomeGreeting: 'Hi',
      }),
    );
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
    expect(relay.parameters).toEqual({ agent_id: 'support-bot', call_sid: CALL_SID });
  });

  it('hands out a socket URL signed for this call and session, its query keys sorted', () => {
    const relay = relayOf(
      relayConnectTwiml({
        agent,
        callSid: CALL_SID,
        publicUrl: 'https://voice.example.com',
        socketKey,
        reconnect: 2,
      }),
    );
    const url = new URL(relay.url);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('wss://voice.example.com/twilio/relay');
    expect([...url.searchParams.keys()]).toEqual(['call_sid', 'reconnect', 't']);
    expect(readRelaySocketGrant(socketKey, Object.fromEntries(url.searchParams))).toEqual({
      callSid: CALL_SID,
      reconnect: 2,
    });
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
        callSid: CALL_SID,
        publicUrl: 'https://voice.example.com',
        socketKey,
        reconnect: 0,
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
