import { describe, expect, it } from 'vitest';
import {
  dialTwiml,
  fallbackTwiml,
  gatherTwiml,
  hangupTwiml,
  redirectTwiml,
  relayTwiml,
  streamTwiml,
} from '../adapters/twilio/twiml.js';
import { parseTwiml, TwimlError } from './twiml-parser.js';
import { parseXml, XmlSyntaxError } from './xml-reader.js';

const voice = { voice: 'Polly.Aditi', language: 'hi-IN' };

describe('parseTwiml round-trips our builders', () => {
  it('gather', () => {
    const xml = gatherTwiml({
      ...voice,
      say: 'नमस्ते! आप कैसे हैं? Tom & Jerry <b>',
      actionUrl: 'https://a.example.com/twilio/gather?seq=1&x=2',
      hints: ['email'],
      timeoutSeconds: 6,
    });
    expect(parseTwiml(xml)).toEqual([
      {
        verb: 'gather',
        action: 'https://a.example.com/twilio/gather?seq=1&x=2',
        method: 'POST',
        input: ['speech'],
        language: 'hi-IN',
        hints: 'email',
        speechTimeout: 'auto',
        timeoutSeconds: 6,
        actionOnEmptyResult: true,
        prompts: [
          { verb: 'say', text: 'नमस्ते! आप कैसे हैं? Tom & Jerry <b>', voice: 'Polly.Aditi', language: 'hi-IN' },
        ],
        attributes: expect.objectContaining({ action: 'https://a.example.com/twilio/gather?seq=1&x=2' }),
      },
    ]);
  });

  it('hangup, redirect, dial, fallback', () => {
    expect(parseTwiml(hangupTwiml({ ...voice, say: 'Bye' }))).toEqual([
      { verb: 'say', text: 'Bye', voice: 'Polly.Aditi', language: 'hi-IN' },
      { verb: 'hangup' },
    ]);
    expect(parseTwiml(redirectTwiml('https://a.example.com/next?a=1&b=2'))).toEqual([
      { verb: 'redirect', url: 'https://a.example.com/next?a=1&b=2', method: 'POST' },
    ]);
    expect(
      parseTwiml(dialTwiml({ ...voice, target: 'sip:desk@pbx.example.com', callerId: '+14155550100' })),
    ).toEqual([
      {
        verb: 'dial',
        action: undefined,
        method: 'POST',
        callerId: '+14155550100',
        targets: [{ kind: 'sip', value: 'sip:desk@pbx.example.com' }],
      },
    ]);
    expect(parseTwiml(fallbackTwiml('hi-IN')).map((verb) => verb.verb)).toEqual(['say', 'hangup']);
  });

  it('conversation relay', () => {
    const xml = relayTwiml({
      url: 'wss://a.example.com/twilio/relay',
      actionUrl: 'https://a.example.com/twilio/relay-action',
      welcomeGreeting: 'Hi "there" & welcome',
      language: 'en-US',
      voice: 'Polly.Joanna-Neural',
      interruptible: 'any',
      dtmfDetection: false,
      parameters: { agent_id: 'a1', call_attempt: 'x<y' },
      languages: [{ code: 'hi-IN', voice: 'Polly.Aditi' }],
    });
    expect(parseTwiml(xml)).toEqual([
      {
        verb: 'connect',
        action: 'https://a.example.com/twilio/relay-action',
        method: 'POST',
        relay: {
          url: 'wss://a.example.com/twilio/relay',
          attributes: expect.objectContaining({
            welcomeGreeting: 'Hi "there" & welcome',
            dtmfDetection: 'false',
          }),
          languages: [{ code: 'hi-IN', voice: 'Polly.Aditi' }],
          parameters: { agent_id: 'a1', call_attempt: 'x<y' },
        },
      },
    ]);
  });

  it('media stream', () => {
    const xml = streamTwiml({
      url: 'wss://a.example.com/twilio/media/CA1/0/tok',
      actionUrl: 'https://a.example.com/twilio/media-action',
      parameters: { agent_id: 'a1', call_sid: 'CA1' },
    });
    expect(parseTwiml(xml)).toEqual([
      {
        verb: 'connect',
        action: 'https://a.example.com/twilio/media-action',
        method: 'POST',
        stream: {
          url: 'wss://a.example.com/twilio/media/CA1/0/tok',
          attributes: { url: 'wss://a.example.com/twilio/media/CA1/0/tok' },
          parameters: { agent_id: 'a1', call_sid: 'CA1' },
        },
      },
      { verb: 'redirect', url: 'https://a.example.com/twilio/media-action', method: 'POST' },
    ]);
  });

  it('reads hand-written TwiML: bare Dial number, Play, Pause, unknown verbs', () => {
    const xml = `<?xml version="1.0"?>
      <!-- comment -->
      <Response>
        <Play>https://x.example/a.mp3</Play>
        <Pause length="2"/>
        <Say><![CDATA[5 < 6 & fine]]></Say>
        <Record/>
        <Dial callerId="+14155550100">+14155550111</Dial>
      </Response>`;
    expect(parseTwiml(xml)).toEqual([
      { verb: 'play', url: 'https://x.example/a.mp3' },
      { verb: 'pause', lengthSeconds: 2 },
      { verb: 'say', text: '5 < 6 & fine', voice: undefined, language: undefined },
      { verb: 'unsupported', name: 'Record' },
      {
        verb: 'dial',
        action: undefined,
        method: 'POST',
        callerId: '+14155550100',
        targets: [{ kind: 'number', value: '+14155550111' }],
      },
    ]);
  });

  it('reads <Start><Recording> with its attributes and Twilio defaults, and keeps other <Start> nouns visible', () => {
    const xml =
      '<Response><Start><Recording recordingStatusCallback="https://a.example/twilio/recording" ' +
      'recordingStatusCallbackEvent="completed absent" channels="mono"/></Start>' +
      '<Start><Stream url="wss://a.example/s"/></Start><Start><Recording/></Start><Say>Hi</Say></Response>';
    expect(parseTwiml(xml)).toEqual([
      {
        verb: 'start-recording',
        statusCallback: 'https://a.example/twilio/recording',
        statusCallbackMethod: 'POST',
        events: ['completed', 'absent'],
        channels: 'mono',
        track: 'both',
        attributes: {
          recordingStatusCallback: 'https://a.example/twilio/recording',
          recordingStatusCallbackEvent: 'completed absent',
          channels: 'mono',
        },
      },
      { verb: 'unsupported', name: 'Start/Stream' },
      {
        verb: 'start-recording',
        statusCallback: undefined,
        statusCallbackMethod: 'POST',
        events: ['completed'],
        channels: 'dual',
        track: 'both',
        attributes: {},
      },
      { verb: 'say', text: 'Hi', voice: undefined, language: undefined },
    ]);
  });

  it('rejects what is not TwiML', () => {
    expect(() => parseTwiml('<Other/>')).toThrow(TwimlError);
    expect(() => parseTwiml('<Response>hello</Response>')).toThrow(TwimlError);
    expect(() => parseTwiml('<Response><Gather><Hangup/></Gather></Response>')).toThrow(TwimlError);
    // Twilio drops a <Stream> URL's query, so a socket URL relying on one would reach us unsigned.
    expect(() =>
      parseTwiml('<Response><Connect><Stream url="wss://a.example.com/m?t=1"/></Connect></Response>'),
    ).toThrow(TwimlError);
    expect(() => parseTwiml('<Response><Connect><Stream/></Connect></Response>')).toThrow(TwimlError);
  });
});

describe('parseXml is strict', () => {
  it.each([
    ['unclosed element', '<Response><Say>hi</Response>'],
    ['mismatched close', '<Response><Say>hi</Said></Response>'],
    ['raw ampersand', '<Response><Say>a & b</Say></Response>'],
    ['unknown entity', '<Response><Say>&nbsp;</Say></Response>'],
    ['raw < in an attribute', '<Response><Say voice="a<b">x</Say></Response>'],
    ['raw ]]> in text', '<Response><Say>a ]]> b</Say></Response>'],
    ['duplicate attribute', '<Response><Say voice="a" voice="b">x</Say></Response>'],
    ['unquoted attribute', '<Response><Say voice=a>x</Say></Response>'],
    ['content after the root', '<Response/><Hangup/>'],
    ['a DOCTYPE', '<!DOCTYPE r [<!ENTITY x "y">]><Response/>'],
    ['an illegal character', '<Response><Say>a\u0001</Say></Response>'],
    ['an illegal character reference', '<Response><Say>&#1;</Say></Response>'],
    ['empty input', ''],
  ])('rejects %s', (_name, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError);
  });

  it('decodes the five entities and character references', () => {
    const root = parseXml(`<R a="&quot;&apos;&lt;&gt;&amp;">&#x1F600;&#2325;</R>`);
    expect(root.attributes.a).toBe(`"'<>&`);
    expect(root.children).toEqual(['😀क']);
  });
});
