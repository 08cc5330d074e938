// ConversationRelay wire codec: two pure functions that turn Twilio's WebSocket messages into our
// events and our messages into Twilio's JSON. Protocol: ../shared/reference/twilio-protocols.md §1(c).
// Inbound messages carry personal data (numbers, transcripts): failure reasons name fields, never values.
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';

// ---- Twilio -> us ----------------------------------------------------------------------------------

const languageTag = z.string().min(1).max(35);

// Twilio documents more fields than we read (parentCallSid, forwardedFrom, callerName, callType…) and
// adds fields without notice: unknown keys are tolerated and dropped.
const setupMessage = z.object({
  type: z.literal('setup'),
  sessionId: z.string().min(1),
  accountSid: z.string().min(1),
  callSid: z.string().min(1),
  parentCallSid: z.string().optional(),
  from: z.string(),
  to: z.string(),
  forwardedFrom: z.string().optional(),
  callerName: z.string().optional(),
  direction: z.string().min(1),
  callType: z.string().optional(),
  callStatus: z.string().optional(),
  // zod's record skips "__proto__" keys, so a hostile parameter cannot replace the prototype.
  customParameters: z.record(z.string(), z.string()).default({}),
});

const promptMessage = z.object({
  type: z.literal('prompt'),
  voicePrompt: z.string(),
  lang: z.string().optional(),
  // Partial prompts (partialPrompts="true") carry last:false; without that attribute every prompt is final.
  last: z.boolean().default(true),
});

const interruptMessage = z.object({
  type: z.literal('interrupt'),
  utteranceUntilInterrupt: z.string(),
  durationUntilInterruptMs: z.number().nonnegative(),
});

const dtmfMessage = z.object({ type: z.literal('dtmf'), digit: z.string().regex(/^[0-9A-Da-d*#]$/u) });
const errorMessage = z.object({ type: z.literal('error'), description: z.string() });
// info arrives only with the `events` attribute; its shapes are not fully documented.
const infoMessage = z.object({
  type: z.literal('info'),
  name: z.string().min(1),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

export type SessionSetupEvent = Omit<z.output<typeof setupMessage>, 'type'> & { type: 'session-setup' };
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
  /** How long the agent had been speaking when the caller cut in (`durationUntilInterruptMs`). */
  durationMs: number;
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

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`)
    .join('; ');
}

function toEvent(message: Record<string, unknown>): DecodeResult {
  const fail = (type: string, error: z.ZodError): DecodeResult => ({
    ok: false,
    reason: `invalid ${type}: ${describeIssues(error)}`,
  });
  switch (message.type) {
    case 'setup': {
      const parsed = setupMessage.safeParse(message);
      if (!parsed.success) return fail('setup', parsed.error);
      const { type: _type, ...rest } = parsed.data;
      return { ok: true, event: { type: 'session-setup', ...rest } };
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
          durationMs: durationUntilInterruptMs,
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
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  return toEvent(parsed as Record<string, unknown>);
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
