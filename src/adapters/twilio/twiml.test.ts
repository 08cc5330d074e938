import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../domain/errors.js';
import { childElements, parseXml, textOf, type XmlElement } from '../../simulator/xml-reader.js';
import { cleanForSpeech } from './speech-text.js';
import {
  dialTwiml,
  fallbackTwiml,
  gatherTwiml,
  hangupTwiml,
  KEYPAD_TIMEOUT_SECONDS,
  redirectTwiml,
  relayTwiml,
  streamTwiml,
} from './twiml.js';

const voice = { voice: 'Polly.Joanna', language: 'en-US' };
const actionUrl = 'https://agent.example.com/twilio/gather?seq=2&call=CA1';
const hostile = `Tom & Jerry <Hangup/> ]]> "double" 'single' <Redirect>https://evil.example</Redirect> &amp;`;

/** Element names in document order, e.g. ['Response', 'Gather', 'Say']. */
function shape(element: XmlElement): string[] {
  return [element.name, ...childElements(element).flatMap(shape)];
}

function only(element: XmlElement, name: string): XmlElement {
  const found = childElements(element).filter((child) => child.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('gatherTwiml', () => {
  it('puts the Say inside a speech Gather that always reaches our action URL', () => {
    const root = parseXml(
      gatherTwiml({ ...voice, say: 'How can I help?', actionUrl, hints: ['email', 'date'] }),
    );
    expect(shape(root)).toEqual(['Response', 'Gather', 'Say']);
    const gather = only(root, 'Gather');
    expect(gather.attributes).toEqual({
      input: 'speech',
      action: actionUrl,
      method: 'POST',
      actionOnEmptyResult: 'true',
      speechTimeout: 'auto',
      language: 'en-US',
      hints: 'email, date',
    });
    const say = only(gather, 'Say');
    expect(say.attributes).toEqual({ voice: 'Polly.Joanna', language: 'en-US' });
    expect(textOf(say)).toBe('How can I help?');
  });

  it('takes keys or speech ended by # when the caller is asked to key a value in', () => {
    const keyed = (keypad: { maxDigits?: number }) =>
      only(parseXml(gatherTwiml({ ...voice, say: 'Type it.', actionUrl, keypad })), 'Gather').attributes;
    expect(keyed({ maxDigits: 15 })).toMatchObject({
      input: 'dtmf speech',
      finishOnKey: '#',
      numDigits: '15',
      timeout: String(KEYPAD_TIMEOUT_SECONDS),
      actionOnEmptyResult: 'true',
    });
    expect(keyed({})).not.toHaveProperty('numDigits');
    const spoken = only(parseXml(gatherTwiml({ ...voice, say: 'Hi', actionUrl })), 'Gather').attributes;
    expect(spoken).not.toHaveProperty('finishOnKey');
  });

  it('sets timeout and speechModel only when given', () => {
    const root = parseXml(
      gatherTwiml({ ...voice, say: 'Hi', actionUrl, timeoutSeconds: 7.4, speechModel: 'phone_call' }),
    );
    expect(only(root, 'Gather').attributes).toMatchObject({ timeout: '7', speechModel: 'phone_call' });
    expect(
      only(parseXml(gatherTwiml({ ...voice, say: 'Hi', actionUrl })), 'Gather').attributes,
    ).not.toHaveProperty('timeout');
  });

  it('never combines speechTimeout auto with a speechModel (Twilio warnings 13335, 13327)', () => {
    const gatherOf = (speechModel?: string) =>
      only(
        parseXml(
          gatherTwiml({
            ...voice,
            say: 'Hi',
            actionUrl,
            ...(speechModel !== undefined ? { speechModel } : {}),
          }),
        ),
        'Gather',
      ).attributes;
    for (const model of [
      'default',
      'phone_call',
      'experimental_conversations',
      'googlev2_telephony',
      'deepgram_nova-3',
    ]) {
      const attributes = gatherOf(model);
      expect(attributes.speechModel).toBe(model);
      // A positive integer number of seconds, never auto.
      expect(attributes.speechTimeout).toMatch(/^[1-9]\d*$/);
    }
    for (const none of [undefined, '', '\u0001']) {
      const attributes = gatherOf(none);
      expect(attributes).not.toHaveProperty('speechModel');
      expect(attributes.speechTimeout).toBe('auto');
    }
  });

  it('escapes XML specials in agent text and injects no verb', () => {
    const xml = gatherTwiml({ ...voice, say: hostile, actionUrl });
    const root = parseXml(xml);
    expect(shape(root)).toEqual(['Response', 'Gather', 'Say']);
    expect(textOf(only(only(root, 'Gather'), 'Say'))).toBe(cleanForSpeech(hostile));
    expect(xml).not.toMatch(/<Hangup|<Redirect|]]>/);
  });

  it('omits an empty Say and survives XML-illegal characters', () => {
    expect(shape(parseXml(gatherTwiml({ ...voice, say: ' \u0000 😀 ', actionUrl })))).toEqual([
      'Response',
      'Gather',
    ]);
    const root = parseXml(
      gatherTwiml({ ...voice, say: 'a\u0001b\uFFFEc\uD800', actionUrl, hints: ['x\u0002y'] }),
    );
    expect(textOf(only(only(root, 'Gather'), 'Say'))).toBe('abc');
    expect(only(root, 'Gather').attributes.hints).toBe('xy');
  });

  it('for any text: never throws, stays one Gather with at most one Say, speaks exactly the cleaned text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const root = parseXml(gatherTwiml({ ...voice, say: text, actionUrl }));
        const names = shape(root);
        const cleaned = cleanForSpeech(text);
        expect(names).toEqual(cleaned ? ['Response', 'Gather', 'Say'] : ['Response', 'Gather']);
        if (cleaned) expect(textOf(only(only(root, 'Gather'), 'Say'))).toBe(cleaned);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the spoken text under the Say limit', () => {
    const root = parseXml(gatherTwiml({ ...voice, say: 'Long sentence here. '.repeat(1_000), actionUrl }));
    expect(textOf(only(only(root, 'Gather'), 'Say')).length).toBeLessThanOrEqual(3_000);
  });
});

describe('hangupTwiml, redirectTwiml', () => {
  it('says the last line, then hangs up', () => {
    const root = parseXml(hangupTwiml({ ...voice, say: `Bye ${hostile}` }));
    expect(shape(root)).toEqual(['Response', 'Say', 'Hangup']);
    expect(textOf(only(root, 'Say'))).toBe(cleanForSpeech(`Bye ${hostile}`));
  });

  it('redirects with POST to an absolute URL, escaped', () => {
    const root = parseXml(redirectTwiml('https://agent.example.com/twilio/gather?seq=3&retry=1'));
    expect(shape(root)).toEqual(['Response', 'Redirect']);
    const redirect = only(root, 'Redirect');
    expect(redirect.attributes).toEqual({ method: 'POST' });
    expect(textOf(redirect)).toBe('https://agent.example.com/twilio/gather?seq=3&retry=1');
  });
});

describe('dialTwiml', () => {
  it('dials an E.164 number with a caller ID and action', () => {
    const root = parseXml(
      dialTwiml({
        ...voice,
        say: 'Transferring you now.',
        target: '+14155550100',
        callerId: '+14155550199',
        actionUrl,
      }),
    );
    expect(shape(root)).toEqual(['Response', 'Say', 'Dial', 'Number']);
    expect(only(root, 'Dial').attributes).toEqual({
      callerId: '+14155550199',
      action: actionUrl,
      method: 'POST',
    });
    expect(textOf(only(only(root, 'Dial'), 'Number'))).toBe('+14155550100');
  });

  it('dials a SIP address without a Say', () => {
    const root = parseXml(dialTwiml({ ...voice, target: 'sip:desk@pbx.example.com' }));
    expect(shape(root)).toEqual(['Response', 'Dial', 'Sip']);
    expect(textOf(only(only(root, 'Dial'), 'Sip'))).toBe('sip:desk@pbx.example.com');
  });

  it.each(['4155550100', '+1 415 555 0100', 'tel:+14155550100', 'sip:a<b>', ''])(
    'rejects target %j',
    (target) => {
      expect(() => dialTwiml({ ...voice, target })).toThrow(AppError);
      try {
        dialTwiml({ ...voice, target });
      } catch (error) {
        expect(error).toMatchObject({ code: 'validation', issues: [{ field: 'target' }] });
      }
    },
  );
});

describe('relayTwiml', () => {
  const base = {
    url: 'wss://agent.example.com/twilio/relay',
    actionUrl: 'https://agent.example.com/twilio/relay-action',
    language: 'en-US',
    voice: 'Joanna-Neural',
    interruptible: true as const,
    dtmfDetection: true,
    parameters: { agent_id: 'support-bot', note: `a"b<c>&d'e` },
  };

  it('connects to the relay socket with languages and parameters', () => {
    const root = parseXml(
      relayTwiml({
        ...base,
        welcomeGreeting: `Hello! ${hostile}`,
        ttsProvider: 'Amazon',
        transcriptionProvider: 'Deepgram',
        languages: [
          { code: 'en-US', voice: 'Joanna-Neural' },
          {
            code: 'hi-IN',
            voice: 'hi-IN-Chirp3-HD-Aoede',
            ttsProvider: 'Google',
            transcriptionProvider: 'Google',
          },
        ],
      }),
    );
    expect(shape(root)).toEqual([
      'Response',
      'Connect',
      'ConversationRelay',
      'Language',
      'Language',
      'Parameter',
      'Parameter',
    ]);
    const connect = only(root, 'Connect');
    expect(connect.attributes).toEqual({ action: base.actionUrl, method: 'POST' });
    const relay = only(connect, 'ConversationRelay');
    expect(relay.attributes).toEqual({
      url: base.url,
      language: 'en-US',
      voice: 'Joanna-Neural',
      interruptible: 'any',
      dtmfDetection: 'true',
      welcomeGreeting: cleanForSpeech(`Hello! ${hostile}`),
      ttsProvider: 'Amazon',
      transcriptionProvider: 'Deepgram',
    });
    const [english, hindi] = childElements(relay).filter((child) => child.name === 'Language');
    expect(english?.attributes).toEqual({ code: 'en-US', voice: 'Joanna-Neural' });
    expect(hindi?.attributes).toEqual({
      code: 'hi-IN',
      voice: 'hi-IN-Chirp3-HD-Aoede',
      ttsProvider: 'Google',
      transcriptionProvider: 'Google',
    });
    const parameters = childElements(relay)
      .filter((child) => child.name === 'Parameter')
      .map((child) => child.attributes);
    expect(parameters).toEqual([
      { name: 'agent_id', value: 'support-bot' },
      { name: 'note', value: `a"b<c>&d'e` },
    ]);
  });

  it('omits an absent greeting and maps interruptible false to none', () => {
    const relay = only(
      only(parseXml(relayTwiml({ ...base, interruptible: false })), 'Connect'),
      'ConversationRelay',
    );
    expect(relay.attributes).not.toHaveProperty('welcomeGreeting');
    expect(relay.attributes.interruptible).toBe('none');
    const speech = only(
      only(parseXml(relayTwiml({ ...base, interruptible: 'speech' })), 'Connect'),
      'ConversationRelay',
    );
    expect(speech.attributes.interruptible).toBe('speech');
  });
});

describe('streamTwiml', () => {
  const base = {
    url: 'wss://agent.example.com/twilio/media/CA0123456789abcdef0123456789abcdef/0/tok_en-1',
    actionUrl: 'https://agent.example.com/twilio/media-action',
    parameters: { agent_id: 'support-bot', note: `a"b<c>&d'e` },
  };

  it('connects a bidirectional stream with parameters, then goes on at the action URL once', () => {
    const root = parseXml(
      streamTwiml({ ...base, statusCallbackUrl: 'https://agent.example.com/twilio/media-status' }),
    );
    expect(shape(root)).toEqual(['Response', 'Connect', 'Stream', 'Parameter', 'Parameter', 'Redirect']);
    const connect = only(root, 'Connect');
    expect(connect.attributes).toEqual({ action: base.actionUrl, method: 'POST' });
    expect(only(connect, 'Stream').attributes).toEqual({
      url: base.url,
      statusCallback: 'https://agent.example.com/twilio/media-status',
      statusCallbackMethod: 'POST',
    });
    const parameters = childElements(only(connect, 'Stream')).map((child) => child.attributes);
    expect(parameters).toEqual([
      { name: 'agent_id', value: 'support-bot' },
      { name: 'note', value: `a"b<c>&d'e` },
    ]);
    const redirect = only(root, 'Redirect');
    expect(redirect.attributes).toEqual({ method: 'POST' });
    expect(textOf(redirect)).toBe(base.actionUrl);
  });

  it('starts the recording first when asked, and names no status callback unless given', () => {
    const root = parseXml(
      streamTwiml({
        ...base,
        startRecording: { statusCallbackUrl: 'https://agent.example.com/twilio/recording' },
      }),
    );
    expect(childElements(root).map((child) => child.name)).toEqual(['Start', 'Connect', 'Redirect']);
    expect(only(only(root, 'Connect'), 'Stream').attributes).toEqual({ url: base.url });
  });

  it('refuses a URL Twilio would cut: a query string, a fragment, or not a socket URL', () => {
    for (const url of [
      'wss://agent.example.com/twilio/media?call_sid=CA1',
      'wss://agent.example.com/twilio/media#x',
      'https://agent.example.com/twilio/media',
    ]) {
      expect(() => streamTwiml({ ...base, url })).toThrow(AppError);
    }
  });
});

describe('a recording start in an answer', () => {
  const startRecording = { statusCallbackUrl: 'https://agent.example.com/twilio/recording' };
  // Twilio's <Recording> noun (twilio.com/docs/voice/twiml/recording) and the SDK's RecordingAttributes.
  const recordingAttributes = {
    recordingStatusCallback: 'https://agent.example.com/twilio/recording',
    recordingStatusCallbackMethod: 'POST',
    recordingStatusCallbackEvent: 'completed absent',
    channels: 'mono',
    track: 'both',
  };

  it.each([
    ['gatherTwiml', () => gatherTwiml({ ...voice, say: 'Hello', actionUrl, startRecording }), 'Gather'],
    ['hangupTwiml', () => hangupTwiml({ ...voice, say: 'Bye', startRecording }), 'Say'],
    ['dialTwiml', () => dialTwiml({ ...voice, target: '+14155550100', startRecording }), 'Dial'],
    [
      'relayTwiml',
      () =>
        relayTwiml({
          url: 'wss://agent.example.com/twilio/relay',
          actionUrl: 'https://agent.example.com/twilio/relay-action',
          language: 'en-US',
          voice: 'Joanna',
          interruptible: 'any',
          dtmfDetection: true,
          parameters: {},
          startRecording,
        }),
      'Connect',
    ],
  ])('%s starts the recording before anything else happens', (_name, build, next) => {
    const root = parseXml(build());
    const [first, second] = childElements(root);
    expect(first?.name).toBe('Start');
    expect(second?.name).toBe(next);
    expect(only(first!, 'Recording').attributes).toEqual(recordingAttributes);
  });

  it('starts nothing unless asked', () => {
    expect(gatherTwiml({ ...voice, say: 'Hello', actionUrl })).not.toContain('<Start>');
    expect(hangupTwiml({ ...voice, say: 'Bye' })).not.toContain('<Start>');
  });
});

describe('fallbackTwiml', () => {
  it.each([
    ['en-US', 'en-US'],
    ['hi-IN', 'hi-IN'],
    ['HI', 'hi-IN'],
    [undefined, 'en-US'],
    ['fr-FR', 'en-US'],
  ])('for %s speaks %s and hangs up', (language, spoken) => {
    const root = parseXml(fallbackTwiml(language));
    expect(shape(root)).toEqual(['Response', 'Say', 'Hangup']);
    const say = only(root, 'Say');
    expect(say.attributes.language).toBe(spoken);
    expect(textOf(say).length).toBeGreaterThan(10);
  });
});
