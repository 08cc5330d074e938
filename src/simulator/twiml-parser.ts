// Reads a TwiML <Response> into the verbs the simulator acts on. Unknown verbs are kept as
// { verb: 'unsupported' } so a test can see them; Twilio itself would reject them (12200).
import { childElements, parseXml, textOf, type XmlElement } from './xml-reader.js';

export interface SayVerb {
  verb: 'say';
  text: string;
  voice?: string;
  language?: string;
}
export interface PlayVerb {
  verb: 'play';
  url: string;
}
export interface PauseVerb {
  verb: 'pause';
  lengthSeconds: number;
}
export type PromptVerb = SayVerb | PlayVerb | PauseVerb;

export interface GatherVerb {
  verb: 'gather';
  action?: string;
  method: string;
  input: string[];
  language?: string;
  hints?: string;
  speechTimeout?: string;
  timeoutSeconds?: number;
  actionOnEmptyResult: boolean;
  prompts: PromptVerb[];
  attributes: Record<string, string>;
}
export interface RedirectVerb {
  verb: 'redirect';
  url: string;
  method: string;
}
export interface HangupVerb {
  verb: 'hangup';
}
export interface RejectVerb {
  verb: 'reject';
  reason?: string;
}
export interface DialTarget {
  kind: 'number' | 'sip' | 'client';
  value: string;
}
export interface DialVerb {
  verb: 'dial';
  action?: string;
  method: string;
  callerId?: string;
  targets: DialTarget[];
}
export interface RelaySpec {
  url: string;
  attributes: Record<string, string>;
  languages: Record<string, string>[];
  parameters: Record<string, string>;
}
/** `<Connect><Stream>`: a bidirectional Media Stream. */
export interface StreamSpec {
  url: string;
  attributes: Record<string, string>;
  /** <Parameter name value> pairs: Twilio sends them as start.customParameters. */
  parameters: Record<string, string>;
}
export interface ConnectVerb {
  verb: 'connect';
  action?: string;
  method: string;
  relay?: RelaySpec;
  stream?: StreamSpec;
}
/** `<Start><Recording>`: Twilio records the call from here on and goes straight to the next verb. */
export interface StartRecordingVerb {
  verb: 'start-recording';
  statusCallback?: string;
  statusCallbackMethod: string;
  /** recordingStatusCallbackEvent, space-separated in TwiML; Twilio's default is completed. */
  events: string[];
  /** mono or dual; Twilio's default for <Recording> is dual. */
  channels: string;
  track: string;
  attributes: Record<string, string>;
}
export interface UnsupportedVerb {
  verb: 'unsupported';
  name: string;
}
export type TwimlVerb =
  | PromptVerb
  | GatherVerb
  | RedirectVerb
  | HangupVerb
  | RejectVerb
  | DialVerb
  | ConnectVerb
  | StartRecordingVerb
  | UnsupportedVerb;

export class TwimlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TwimlError';
  }
}

const optional = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
const method = (element: XmlElement) => (element.attributes.method ?? 'POST').toUpperCase();

function prompt(element: XmlElement): PromptVerb | undefined {
  switch (element.name) {
    case 'Say':
      return {
        verb: 'say',
        text: textOf(element),
        voice: optional(element.attributes.voice),
        language: optional(element.attributes.language),
      };
    case 'Play':
      return { verb: 'play', url: textOf(element).trim() };
    case 'Pause':
      return { verb: 'pause', lengthSeconds: Number(element.attributes.length ?? '1') };
    default:
      return undefined;
  }
}

function gather(element: XmlElement): GatherVerb {
  const prompts: PromptVerb[] = [];
  for (const child of childElements(element)) {
    const nested = prompt(child);
    if (!nested) throw new TwimlError(`<${child.name}> is not allowed inside <Gather>`);
    prompts.push(nested);
  }
  const { attributes } = element;
  return {
    verb: 'gather',
    action: optional(attributes.action),
    method: method(element),
    input: (attributes.input ?? 'dtmf').split(/\s+/).filter(Boolean),
    language: optional(attributes.language),
    hints: optional(attributes.hints),
    speechTimeout: optional(attributes.speechTimeout),
    timeoutSeconds: attributes.timeout === undefined ? undefined : Number(attributes.timeout),
    actionOnEmptyResult: attributes.actionOnEmptyResult === 'true',
    prompts,
    attributes: { ...attributes },
  };
}

function dial(element: XmlElement): DialVerb {
  const kinds: Record<string, DialTarget['kind']> = { Number: 'number', Sip: 'sip', Client: 'client' };
  const targets: DialTarget[] = childElements(element).map((child) => {
    const kind = kinds[child.name];
    if (!kind) throw new TwimlError(`<${child.name}> inside <Dial> is not supported by the simulator`);
    return { kind, value: textOf(child).trim() };
  });
  // <Dial>+14155550100</Dial>: a bare number as text.
  const bare = textOf(element).trim();
  if (bare) targets.push({ kind: bare.startsWith('sip:') ? 'sip' : 'number', value: bare });
  return {
    verb: 'dial',
    action: optional(element.attributes.action),
    method: method(element),
    callerId: optional(element.attributes.callerId),
    targets,
  };
}

function parameters(element: XmlElement, allowed: string[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const noun of childElements(element)) {
    if (noun.name === 'Parameter' && noun.attributes.name !== undefined)
      found[noun.attributes.name] = noun.attributes.value ?? '';
    else if (!allowed.includes(noun.name))
      throw new TwimlError(`<${noun.name}> inside <${element.name}> is not supported`);
  }
  return found;
}

function connect(element: XmlElement): ConnectVerb {
  const verb: ConnectVerb = {
    verb: 'connect',
    action: optional(element.attributes.action),
    method: method(element),
  };
  for (const child of childElements(element)) {
    const url = child.attributes.url;
    if (child.name === 'ConversationRelay') {
      if (!url) throw new TwimlError('<ConversationRelay> needs a url');
      verb.relay = {
        url,
        attributes: { ...child.attributes },
        languages: childElements(child)
          .filter((noun) => noun.name === 'Language')
          .map((noun) => ({ ...noun.attributes })),
        parameters: parameters(child, ['Language']),
      };
    } else if (child.name === 'Stream') {
      if (!url) throw new TwimlError('<Stream> needs a url');
      // Twilio's <Stream url> takes no query string (twilio.com/docs/voice/twiml/stream).
      if (url.includes('?'))
        throw new TwimlError('<Stream> url has a query string, which Twilio does not support');
      verb.stream = { url, attributes: { ...child.attributes }, parameters: parameters(child, []) };
    } else throw new TwimlError(`<Connect><${child.name}> is not supported`);
  }
  return verb;
}

/** `<Start>` holds one noun per thing to start; the simulator acts on `<Recording>` only. */
function start(element: XmlElement): TwimlVerb[] {
  return childElements(element).map((noun): TwimlVerb => {
    if (noun.name !== 'Recording') return { verb: 'unsupported', name: `Start/${noun.name}` };
    const { attributes } = noun;
    return {
      verb: 'start-recording',
      statusCallback: optional(attributes.recordingStatusCallback),
      statusCallbackMethod: (attributes.recordingStatusCallbackMethod ?? 'POST').toUpperCase(),
      events: (attributes.recordingStatusCallbackEvent ?? 'completed').split(/\s+/).filter(Boolean),
      channels: attributes.channels ?? 'dual',
      track: attributes.track ?? 'both',
      attributes: { ...attributes },
    };
  });
}

function verbOf(element: XmlElement): TwimlVerb {
  const simple = prompt(element);
  if (simple) return simple;
  switch (element.name) {
    case 'Gather':
      return gather(element);
    case 'Redirect':
      return { verb: 'redirect', url: textOf(element).trim(), method: method(element) };
    case 'Hangup':
      return { verb: 'hangup' };
    case 'Reject':
      return { verb: 'reject', reason: optional(element.attributes.reason) };
    case 'Dial':
      return dial(element);
    case 'Connect':
      return connect(element);
    default:
      return { verb: 'unsupported', name: element.name };
  }
}

/** Parses a TwiML document. Throws XmlSyntaxError (malformed XML) or TwimlError (not TwiML). */
export function parseTwiml(xml: string): TwimlVerb[] {
  const root = parseXml(xml);
  if (root.name !== 'Response') throw new TwimlError(`root element is <${root.name}>, expected <Response>`);
  if (textOf(root).trim()) throw new TwimlError('text directly inside <Response>');
  return childElements(root).flatMap((element) =>
    element.name === 'Start' ? start(element) : [verbOf(element)],
  );
}
