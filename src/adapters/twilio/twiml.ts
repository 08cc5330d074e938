// TwiML documents the webhooks return. Every spoken string goes through cleanForSpeech and every
// attribute through stripXmlIllegal first: xmlbuilder throws on XML-illegal characters, and it
// escapes &, <, > and quotes itself, so agent text can never inject a verb.
import twilio from 'twilio';
import { AppError } from '../../domain/errors.js';
import { cleanForSpeech, stripXmlIllegal } from './speech-text.js';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;
type SayParent = Pick<VoiceResponse, 'say'>;
// Twilio types voice and language as closed unions; agents carry validated strings (domain/voices.ts).
type SayAttributes = NonNullable<Parameters<VoiceResponse['say']>[0]>;
type GatherAttributes = NonNullable<Parameters<VoiceResponse['gather']>[0]>;

export interface SpeechVoice {
  voice: string;
  language: string;
}

/**
 * Record the whole call from the answer on (`<Start><Recording>`): what an inbound call needs, since
 * only calls we place ask Twilio for a recording at creation (`Record` on the Calls API).
 */
export interface RecordingStart {
  /** Our recording status callback; Twilio posts `completed` (or `absent`) to it. */
  statusCallbackUrl: string;
}

/** Answers may start a recording before anything else happens on the call. */
interface Answer {
  startRecording?: RecordingStart;
}

export interface GatherTwimlOptions extends SpeechVoice, Answer {
  say: string;
  actionUrl: string;
  /** Words the recogniser should expect, e.g. the agent's field names or enum options. */
  hints?: string[];
  /** Seconds to wait for speech to start (Twilio's default is 5). */
  timeoutSeconds?: number;
  /**
   * Optional STT model; unset lets Twilio choose (see twilio-protocols.md on speechModel). With a
   * model, speechTimeout is SPEECH_TIMEOUT_WITH_MODEL_SECONDS instead of auto.
   */
  speechModel?: string;
  /** The caller is asked to key a value in: keys or speech, ended by # (keypad-fallback). */
  keypad?: { maxDigits?: number };
}

// Seconds Twilio waits for the first key and between keys while a caller types a number on the keypad.
export const KEYPAD_TIMEOUT_SECONDS = 8;

export interface DialTwimlOptions extends SpeechVoice, Answer {
  say?: string;
  /** E.164 number (+14155550100) or SIP URI (sip:agent@example.com). */
  target: string;
  callerId?: string;
  actionUrl?: string;
}

export interface RelayLanguage {
  code: string;
  voice?: string;
  ttsProvider?: string;
  transcriptionProvider?: string;
}

export interface RelayTwimlOptions extends Answer {
  /** Our wss:// socket URL, exactly as it will be signed. */
  url: string;
  actionUrl: string;
  welcomeGreeting?: string;
  language: string;
  voice: string;
  ttsProvider?: string;
  transcriptionProvider?: string;
  /** none | dtmf | speech | any; true means any, false means none. */
  interruptible: boolean | 'none' | 'dtmf' | 'speech' | 'any';
  dtmfDetection: boolean;
  /** Twilio's `info` messages: speaker changes and text played. */
  events?: boolean;
  /** Arrive as customParameters in the relay setup message. */
  parameters: Record<string, string>;
  languages?: RelayLanguage[];
}

// The `events` subscriptions that send `info` messages: agentSpeaking/clientSpeaking and tokensPlayed.
const RELAY_EVENTS = 'speaker-events tokens-played';
const E164 = /^\+[1-9]\d{6,14}$/;
const SIP_URI = /^sips?:[^\s<>"]+$/i;
// Twilio warns 13335 when speechTimeout="auto" comes with a speechModel ("use a positive integer for
// speechTimeout whenever you set speechModel", twilio.com/docs/api/errors/13335), and 13327 for any
// value but a positive integer or auto. Two seconds of silence end the caller's speech then.
export const SPEECH_TIMEOUT_WITH_MODEL_SECONDS = 2;
// Twilio allows at most 500 hint entries of up to 100 characters each.
const MAX_HINTS = 500;
const MAX_HINT_CHARS = 100;

function addSay(parent: SayParent, text: string, voice: SpeechVoice): void {
  const spoken = cleanForSpeech(text);
  // An empty <Say> makes Twilio log warning 13520; say nothing instead.
  if (!spoken) return;
  parent.say(
    {
      voice: stripXmlIllegal(voice.voice) as SayAttributes['voice'],
      language: stripXmlIllegal(voice.language) as SayAttributes['language'],
    },
    spoken,
  );
}

// Mono, both tracks and the same events as the recordings of calls we place (rest-telephony.ts), so
// both directions reach the copier alike; Twilio's default for <Recording> would be dual-channel.
function addRecordingStart(response: VoiceResponse, start: RecordingStart | undefined): void {
  if (!start) return;
  response.start().recording({
    recordingStatusCallback: stripXmlIllegal(start.statusCallbackUrl),
    recordingStatusCallbackMethod: 'POST',
    recordingStatusCallbackEvent: ['completed', 'absent'],
    channels: 'mono',
    track: 'both',
  });
}

function hintList(hints: string[]): string {
  return hints
    .map((hint) =>
      stripXmlIllegal(hint)
        .replace(/[,\s]+/gu, ' ')
        .trim()
        .slice(0, MAX_HINT_CHARS),
    )
    .filter(Boolean)
    .slice(0, MAX_HINTS)
    .join(', ');
}

/** Says the agent line inside a speech <Gather> so the caller can talk over it (barge-in). */
export function gatherTwiml(options: GatherTwimlOptions): string {
  const response = new twilio.twiml.VoiceResponse();
  addRecordingStart(response, options.startRecording);
  const hints = options.hints ? hintList(options.hints) : '';
  const speechModel = options.speechModel ? stripXmlIllegal(options.speechModel).trim() : '';
  const keypad = options.keypad;
  const gather = response.gather({
    input: keypad ? ['dtmf', 'speech'] : ['speech'],
    action: stripXmlIllegal(options.actionUrl),
    method: 'POST',
    // Without it a silent caller falls through past the Gather instead of reaching our action URL.
    actionOnEmptyResult: true,
    speechTimeout: speechModel ? String(SPEECH_TIMEOUT_WITH_MODEL_SECONDS) : 'auto',
    language: stripXmlIllegal(options.language) as GatherAttributes['language'],
    ...(hints ? { hints } : {}),
    ...(options.timeoutSeconds !== undefined
      ? { timeout: Math.max(1, Math.round(options.timeoutSeconds)) }
      : {}),
    ...(speechModel ? { speechModel: speechModel as GatherAttributes['speechModel'] } : {}),
    // # ends the entry (Twilio leaves it out of Digits); numDigits ends it without # at the longest value.
    ...(keypad
      ? {
          finishOnKey: '#',
          timeout: KEYPAD_TIMEOUT_SECONDS,
          ...(keypad.maxDigits ? { numDigits: keypad.maxDigits } : {}),
        }
      : {}),
  });
  addSay(gather, options.say, options);
  return response.toString();
}

/** Says a last line and hangs up. */
export function hangupTwiml(options: SpeechVoice & Answer & { say: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  addRecordingStart(response, options.startRecording);
  addSay(response, options.say, options);
  response.hangup();
  return response.toString();
}

/** Sends Twilio to another of our URLs, after a filler line (`say`) while a slow turn finishes. */
export function redirectTwiml(url: string, say?: SpeechVoice & { text: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  if (say) addSay(response, say.text, say);
  response.redirect({ method: 'POST' }, stripXmlIllegal(url));
  return response.toString();
}

/** Transfers the caller to a number or SIP address. */
export function dialTwiml(options: DialTwimlOptions): string {
  const target = options.target.trim();
  const isNumber = E164.test(target);
  if (!isNumber && !SIP_URI.test(target)) {
    throw new AppError('validation', 'target: not an E.164 number or sip: URI', {
      issues: [{ field: 'target', message: 'expected an E.164 number (+14155550100) or a sip: URI' }],
    });
  }
  const response = new twilio.twiml.VoiceResponse();
  addRecordingStart(response, options.startRecording);
  if (options.say) addSay(response, options.say, options);
  const dial = response.dial({
    ...(options.callerId ? { callerId: stripXmlIllegal(options.callerId) } : {}),
    ...(options.actionUrl ? { action: stripXmlIllegal(options.actionUrl), method: 'POST' } : {}),
  });
  if (isNumber) dial.number(target);
  else dial.sip(stripXmlIllegal(target));
  return response.toString();
}

function interruptibleValue(value: RelayTwimlOptions['interruptible']): string {
  if (value === true) return 'any';
  if (value === false) return 'none';
  return value;
}

/** Hands the call to our ConversationRelay socket; Twilio requests actionUrl when the session ends. */
export function relayTwiml(options: RelayTwimlOptions): string {
  const response = new twilio.twiml.VoiceResponse();
  addRecordingStart(response, options.startRecording);
  const connect = response.connect({ action: stripXmlIllegal(options.actionUrl), method: 'POST' });
  const greeting = options.welcomeGreeting ? cleanForSpeech(options.welcomeGreeting) : '';
  const relay = connect.conversationRelay({
    url: stripXmlIllegal(options.url),
    language: stripXmlIllegal(options.language),
    voice: stripXmlIllegal(options.voice),
    interruptible: interruptibleValue(options.interruptible),
    dtmfDetection: options.dtmfDetection,
    ...(options.events ? { events: RELAY_EVENTS } : {}),
    ...(greeting ? { welcomeGreeting: greeting } : {}),
    ...(options.ttsProvider ? { ttsProvider: stripXmlIllegal(options.ttsProvider) } : {}),
    ...(options.transcriptionProvider
      ? { transcriptionProvider: stripXmlIllegal(options.transcriptionProvider) }
      : {}),
  });
  for (const language of options.languages ?? []) {
    relay.language({
      code: stripXmlIllegal(language.code),
      ...(language.voice ? { voice: stripXmlIllegal(language.voice) } : {}),
      ...(language.ttsProvider ? { ttsProvider: stripXmlIllegal(language.ttsProvider) } : {}),
      ...(language.transcriptionProvider
        ? { transcriptionProvider: stripXmlIllegal(language.transcriptionProvider) }
        : {}),
    });
  }
  for (const [name, value] of Object.entries(options.parameters)) {
    relay.parameter({ name: stripXmlIllegal(name), value: stripXmlIllegal(value) });
  }
  return response.toString();
}

export interface StreamTwimlOptions extends Answer {
  /**
   * Our wss:// socket URL, exactly as it will be signed. Twilio's <Stream> URL takes no query string
   * (twilio.com/docs/voice/twiml/stream, "Custom Parameters"): what names the call goes in the path.
   */
  url: string;
  /** Requested when the stream ends without the call ending: our server closed it to go on otherwise. */
  actionUrl: string;
  /** Arrive as customParameters in the stream's `start` message. */
  parameters: Record<string, string>;
  /** Twilio posts stream-started, stream-stopped and stream-error here. */
  statusCallbackUrl?: string;
}

/**
 * Hands the call's audio to our socket as a bidirectional Media Stream (<Connect><Stream>). Twilio
 * runs nothing after it until our server closes the socket; then it requests the <Connect action>,
 * or, if it does not honour that for a stream, reaches the <Redirect> to the same URL: either way the
 * call goes on at actionUrl exactly once.
 */
export function streamTwiml(options: StreamTwimlOptions): string {
  const url = stripXmlIllegal(options.url);
  if (!/^wss?:\/\/[^?#\s]+$/i.test(url)) {
    throw new AppError('internal', 'a Media Streams URL is ws(s):// without a query string', {
      issues: [{ field: 'url', message: 'expected wss://host/path with no query or fragment' }],
    });
  }
  const actionUrl = stripXmlIllegal(options.actionUrl);
  const response = new twilio.twiml.VoiceResponse();
  addRecordingStart(response, options.startRecording);
  const connect = response.connect({ action: actionUrl, method: 'POST' });
  const stream = connect.stream({
    url,
    ...(options.statusCallbackUrl
      ? { statusCallback: stripXmlIllegal(options.statusCallbackUrl), statusCallbackMethod: 'POST' }
      : {}),
  });
  for (const [name, value] of Object.entries(options.parameters)) {
    stream.parameter({ name: stripXmlIllegal(name), value: stripXmlIllegal(value) });
  }
  response.redirect({ method: 'POST' }, actionUrl);
  return response.toString();
}

// Written out by hand, not built: the fallback must answer even when the builder or its input is broken.
const FALLBACK_EN =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Joanna" language="en-US">' +
  'Sorry, we are having trouble right now. Please call again later. Goodbye.</Say><Hangup/></Response>';
const FALLBACK_HI =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Aditi" language="hi-IN">' +
  'क्षमा करें, अभी तकनीकी समस्या है। कृपया बाद में फिर से कॉल करें। धन्यवाद।</Say><Hangup/></Response>';

/** A short apology and a hang-up, in Hindi for hi-* languages and English otherwise. Never throws. */
export function fallbackTwiml(language?: string): string {
  return typeof language === 'string' && language.toLowerCase().startsWith('hi') ? FALLBACK_HI : FALLBACK_EN;
}
