// ConversationRelay wire codec: two pure functions that turn Twilio's WebSocket messages into our
// events and our messages into Twilio's JSON. Protocol: ../shared/reference/twilio-protocols.md §1(c).
// Inbound messages carry personal data (numbers, transcripts): failure reasons name fields, never values.
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { describeIssues, parseJsonObject } from './wire-json.js';

// ---- Twilio -> us ----------------------------------------------------------------------------------

const languageTag = z.string().min(1).max(35);

// A field the session does not need: kept when it is a string, dropped when missing, null (Twilio's
// earlier examples show `"parentCallSid": null`) or of another type, so it can never fail a setup.
const informational = z
  .string()
  .nullish()
  .catch(undefined)
  .transform((value) => value ?? undefined);

// The session needs callSid and accountSid (checked against the socket URL and our account), and
// reads sessionId (logs) and customParameters. Twilio documents more fields and adds fields without
// notice: the informational ones are kept when well-formed, unknown keys are dropped.
const setupMessage = z.object({
  type: z.literal('setup'),
  callSid: z.string().min(1),
  accountSid: z.string().min(1),
  sessionId: informational,
  parentCallSid: informational,
  from: informational,
  to: informational,
  forwardedFrom: informational,
  callerName: informational,
  direction: informational,
  callType: informational,
  callStatus: informational,
  // zod's record skips "__proto__" keys, so a hostile parameter cannot replace the prototype.
  customParameters: z
    .record(z.string(), z.string())
    .nullish()
    .transform((value) => value ?? {}),
});

const SETUP_FIELDS = [
  'sessionId',
  'parentCallSid',
  'from',
  'to',
  'forwardedFrom',
  'callerName',
  'direction',
  'callType',
  'callStatus',
] as const;

const promptMessage = z.object({
  type: z.literal('prompt'),
  voicePrompt: z.string(),
  lang: z.string().optional(),
  // Partial prompts (partialPrompts="true") carry last:false; without that attribute every prompt is final.
  last: z.boolean().default(true),
});

// Twilio's page has shown the duration both as a number (460) and as a string ("460"). Only what the
// caller heard matters to the session; a duration in neither form is dropped, never the interrupt.
const durationMs = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^\s*\d+(\.\d+)?\s*$/u)
      .transform(Number),
  ])
  .pipe(z.number().finite().nonnegative())
  .optional()
  .catch(undefined);

const interruptMessage = z.object({
  type: z.literal('interrupt'),
  utteranceUntilInterrupt: z.string(),
  durationUntilInterruptMs: durationMs,
});

const dtmfMessage = z.object({ type: z.literal('dtmf'), digit: z.string().regex(/^[0-9A-Da-d*#]$/u) });
const errorMessage = z.object({ type: z.literal('error'), description: z.string() });
// info arrives only with the `events` attribute; its shapes are not fully documented.
const infoMessage = z.object({
  type: z.literal('info'),
  name: z.string().min(1),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

type SetupField = (typeof SETUP_FIELDS)[number];
export type SessionSetupEvent = { type: 'session-setup' } & Pick<
  z.output<typeof setupMessage>,
  'callSid' | 'accountSid' | 'customParameters'
> & { [field in SetupField]?: string };
export interface CallerPromptEvent {
  type: 'caller-prompt';
  /** Twilio's transcript of what the caller said (`voicePrompt`). */
  text: string;
  lang?: string;
  /** False for a partial transcript; only a final prompt starts a turn. */
  last: boolean;
}
export interface CallerInterruptEvent {
  type: 'caller-interrupt';
  /** What the caller actually heard of the agent's reply (`utteranceUntilInterrupt`). */
  heardText: string;
  /** How long the agent had been speaking when the caller cut in (`durationUntilInterruptMs`), when given. */
  durationMs?: number;
}
export interface CallerDtmfEvent {
  type: 'caller-dtmf';
  digit: string;
}
export interface RelayErrorEvent {
  type: 'relay-error';
  description: string;
}
export interface RelayInfoEvent {
  type: 'relay-info';
  name: string;
  value?: string | number | boolean;
}
export type RelayInbound =
  | SessionSetupEvent
  | CallerPromptEvent
  | CallerInterruptEvent
  | CallerDtmfEvent
  | RelayErrorEvent
  | RelayInfoEvent;

export type DecodeResult = { ok: true; event: RelayInbound } | { ok: false; reason: string };

function toEvent(message: Record<string, unknown>): DecodeResult {
  const fail = (type: string, error: z.ZodError): DecodeResult => ({
    ok: false,
    reason: `invalid ${type}: ${describeIssues(error)}`,
  });
  switch (message.type) {
    case 'setup': {
      const parsed = setupMessage.safeParse(message);
      if (!parsed.success) return fail('setup', parsed.error);
      const { callSid, accountSid, customParameters } = parsed.data;
      const event: SessionSetupEvent = { type: 'session-setup', callSid, accountSid, customParameters };
      for (const field of SETUP_FIELDS) {
        const value = parsed.data[field];
        if (value !== undefined) event[field] = value;
      }
      return { ok: true, event };
    }
    case 'prompt': {
      const parsed = promptMessage.safeParse(message);
      if (!parsed.success) return fail('prompt', parsed.error);
      const { voicePrompt, lang, last } = parsed.data;
      return {
        ok: true,
        event: { type: 'caller-prompt', text: voicePrompt, last, ...(lang ? { lang } : {}) },
      };
    }
    case 'interrupt': {
      const parsed = interruptMessage.safeParse(message);
      if (!parsed.success) return fail('interrupt', parsed.error);
      const { utteranceUntilInterrupt, durationUntilInterruptMs } = parsed.data;
      return {
        ok: true,
        event: {
          type: 'caller-interrupt',
          heardText: utteranceUntilInterrupt,
          ...(durationUntilInterruptMs === undefined ? {} : { durationMs: durationUntilInterruptMs }),
        },
      };
    }
    case 'dtmf': {
      const parsed = dtmfMessage.safeParse(message);
      if (!parsed.success) return fail('dtmf', parsed.error);
      return { ok: true, event: { type: 'caller-dtmf', digit: parsed.data.digit } };
    }
    case 'error': {
      const parsed = errorMessage.safeParse(message);
      if (!parsed.success) return fail('error', parsed.error);
      return { ok: true, event: { type: 'relay-error', description: parsed.data.description } };
    }
    case 'info': {
      const parsed = infoMessage.safeParse(message);
      if (!parsed.success) return fail('info', parsed.error);
      const { name, value } = parsed.data;
      return { ok: true, event: { type: 'relay-info', name, ...(value === undefined ? {} : { value }) } };
    }
    default:
      return typeof message.type === 'string'
        ? // JSON.stringify quotes and escapes the value, so a hostile type cannot forge log lines.
          { ok: false, reason: `unknown type ${JSON.stringify(message.type.slice(0, 40))}` }
        : { ok: false, reason: 'missing type' };
  }
}

/** Parses one WebSocket frame from Twilio. Never throws; the caller bounds the frame size first. */
export function decodeRelayMessage(raw: string | Buffer): DecodeResult {
  const parsed = parseJsonObject(raw);
  return parsed.ok ? toEvent(parsed.message) : parsed;
}

// ---- us -> Twilio ----------------------------------------------------------------------------------
// Twilio drops a malformed message with error 64107 and the session goes on: the caller hears silence.
// Every message is therefore checked here, and a bad one is our bug (AppError 'internal'), not Twilio's.

const textMessage = z
  .strictObject({
    type: z.literal('text'),
    token: z.string(),
    last: z.boolean(),
    lang: languageTag.optional(),
    interruptible: z.boolean().optional(),
    preemptible: z.boolean().optional(),
  })
  .refine((message) => message.token.length > 0 || message.last, {
    message: 'token may be empty only when last is true',
    path: ['token'],
  });

const playMessage = z.strictObject({
  type: z.literal('play'),
  source: z.url({ protocol: /^https$/u }),
  loop: z.number().int().nonnegative().optional(),
  interruptible: z.boolean().optional(),
  preemptible: z.boolean().optional(),
});

// w / W: half-second / one-second pauses, as in the REST API's SendDigits.
const sendDigitsMessage = z.strictObject({
  type: z.literal('sendDigits'),
  digits: z.string().regex(/^[0-9*#wW]+$/u),
});

const languageMessage = z
  .strictObject({
    type: z.literal('language'),
    ttsLanguage: languageTag.optional(),
    transcriptionLanguage: languageTag.optional(),
  })
  .refine((message) => message.ttsLanguage !== undefined || message.transcriptionLanguage !== undefined, {
    message: 'ttsLanguage or transcriptionLanguage is required',
  });

const endMessage = z.strictObject({ type: z.literal('end'), handoffData: z.string().optional() });

/** Every message we may send to ConversationRelay. Exported for the simulator, which checks like Twilio. */
export const relayOutboundSchema = z.discriminatedUnion('type', [
  textMessage,
  playMessage,
  sendDigitsMessage,
  languageMessage,
  endMessage,
]);

export type RelayOutbound = z.input<typeof relayOutboundSchema>;

const TEXT_KEYS = new Set(['type', 'token', 'last', 'lang', 'interruptible', 'preemptible']);
const optionalBoolean = (value: unknown) => value === undefined || typeof value === 'boolean';

/**
 * The same check as `textMessage`, by hand: a relay reply is several `text` messages per turn, and
 * zod cost more CPU than the rest of encoding them. Undefined when the message is not plainly valid;
 * zod then decides, and names what is wrong. Keys in the schema's order, as zod's output has them.
 */
function encodeValidText(message: Record<string, unknown>): string | undefined {
  const { token, last, lang, interruptible, preemptible } = message;
  if (typeof token !== 'string' || typeof last !== 'boolean' || (token.length === 0 && !last))
    return undefined;
  if (lang !== undefined && !languageTag.safeParse(lang).success) return undefined;
  if (!optionalBoolean(interruptible) || !optionalBoolean(preemptible)) return undefined;
  for (const key of Object.keys(message)) if (!TEXT_KEYS.has(key)) return undefined;
  return JSON.stringify({ type: 'text', token, last, lang, interruptible, preemptible });
}

/**
 * A `text` message, written directly: the reply's hot path, one message per model delta. The same
 * JSON as encodeRelayMessage gives for it (keys in the schema's order).
 */
export function encodeRelayText(token: string, last: boolean, preemptible?: boolean): string {
  if (token.length === 0 && !last)
    throw new AppError('internal', 'refusing to send an empty ConversationRelay text token');
  return `{"type":"text","token":${JSON.stringify(token)},"last":${last}${preemptible ? ',"preemptible":true' : ''}}`;
}

/** Serializes one message for Twilio; throws AppError('internal') instead of sending what Twilio would drop. */
export function encodeRelayMessage(message: RelayOutbound): string {
  if (message?.type === 'text') {
    const encoded = encodeValidText(message as Record<string, unknown>);
    if (encoded !== undefined) return encoded;
  }
  const parsed = relayOutboundSchema.safeParse(message);
  if (!parsed.success) {
    const type = typeof message?.type === 'string' ? message.type.slice(0, 40) : 'unknown';
    throw new AppError('internal', `refusing to send an invalid ConversationRelay ${type} message`, {
      issues: parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
    });
  }
  return JSON.stringify(parsed.data);
}
