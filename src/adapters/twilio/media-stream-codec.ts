// Twilio Media Streams wire codec: pure functions that turn the messages Twilio sends over a
// bidirectional stream (<Connect><Stream>) into our events, and our media, mark and clear messages
// into Twilio's JSON. Protocol: https://www.twilio.com/docs/voice/media-streams/websocket-messages
// (its examples are the fixtures in fixtures/media-stream-messages.json). A `media` message arrives
// every 20 ms of every call, so it is read by one pattern when Twilio wrote it as documented
// (media-frame.ts), else checked by hand, and its base64 payload is passed on as the string it came
// in, never decoded here; the rare messages go through zod. Failure reasons name
// fields, never values: `start` carries our <Parameter>s and the call's SIDs.
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { readMediaFrame, type CallerAudioEvent } from './media-frame.js';
import { describeIssues, parseJsonObject } from './wire-json.js';

/** What one stream may send us and what we send it: every bound the codec enforces. */
export const MEDIA_STREAM_LIMITS = {
  /** A frame longer than this is not parsed (the socket binding also caps frames). */
  maxMessageChars: 65_536,
  /** A caller audio payload: 20 ms is 216 base64 characters; this allows a few seconds. */
  maxInboundPayloadChars: 16_384,
  /** An audio payload we send: about six seconds of μ-law. */
  maxOutboundPayloadChars: 65_536,
  maxMarkNameChars: 256,
  maxCustomParameters: 32,
  maxParameterChars: 1_000,
} as const;

/** The only audio a Media Stream carries (the page: "always audio/x-mulaw", 8000 Hz, 1 channel). */
export const TELEPHONY_AUDIO = { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } as const;

// Base64 as Twilio and the model write it. Also what makes a payload safe to put between JSON quotes.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// A Stream SID is MZ and 32 hex digits; the codec only insists on what keeps our JSON well-formed.
const SID = /^[A-Za-z0-9]{1,64}$/;
const DTMF_DIGIT = /^[0-9A-Da-d*#]$/;

// ---- Twilio -> us ----------------------------------------------------------------------------------

export type { CallerAudioEvent } from './media-frame.js';

export interface StreamConnectedEvent {
  type: 'stream-connected';
  protocol?: string;
  version?: string;
}
export interface StreamStartEvent {
  type: 'stream-start';
  streamSid: string;
  accountSid: string;
  callSid: string;
  /** `inbound` for <Connect><Stream>. */
  tracks: string[];
  mediaFormat: { encoding: string; sampleRate: number; channels: number };
  /** The <Parameter>s of our <Stream>, as Twilio passes them on. */
  customParameters: Record<string, string>;
}
export interface MarkPlayedEvent {
  type: 'mark-played';
  streamSid?: string;
  /** The name of a mark we sent: the audio before it has been played, or cleared. */
  name: string;
}
export interface StreamDtmfEvent {
  type: 'caller-dtmf';
  streamSid?: string;
  digit: string;
}
export interface StreamStopEvent {
  type: 'stream-stop';
  streamSid?: string;
  accountSid?: string;
  callSid?: string;
}
export type MediaStreamInbound =
  | StreamConnectedEvent
  | StreamStartEvent
  | CallerAudioEvent
  | MarkPlayedEvent
  | StreamDtmfEvent
  | StreamStopEvent;

/** `unknown`: a message type this codec does not know (Twilio adds some); the binding ignores it. */
export type MediaStreamDecodeResult =
  { ok: true; event: MediaStreamInbound } | { ok: false; reason: string; unknown?: true };

// Fields we do not rely on are kept when they are strings and dropped otherwise.
const informational = z.string().max(200).optional().catch(undefined);
const sidField = z.string().regex(SID, 'not a SID');

const connectedMessage = z.object({ protocol: informational, version: informational });

const startMessage = z.object({
  start: z.object({
    streamSid: sidField,
    accountSid: sidField,
    callSid: sidField,
    tracks: z.array(z.string().max(40)).max(4),
    mediaFormat: z.object({
      encoding: z.string().max(100),
      sampleRate: z.number().int().positive(),
      channels: z.number().int().positive(),
    }),
    // zod's record skips "__proto__" keys, so a hostile parameter cannot replace the prototype.
    customParameters: z
      .record(z.string().max(MEDIA_STREAM_LIMITS.maxParameterChars), z.string())
      .nullish()
      .transform((value) => value ?? {})
      .refine((value) => Object.keys(value).length <= MEDIA_STREAM_LIMITS.maxCustomParameters, {
        message: `at most ${MEDIA_STREAM_LIMITS.maxCustomParameters} parameters`,
      })
      .refine(
        (value) => Object.values(value).every((item) => item.length <= MEDIA_STREAM_LIMITS.maxParameterChars),
        { message: `values of at most ${MEDIA_STREAM_LIMITS.maxParameterChars} characters` },
      ),
  }),
});

const markMessage = z.object({
  mark: z.object({ name: z.string().min(1).max(MEDIA_STREAM_LIMITS.maxMarkNameChars) }),
});
const dtmfMessage = z.object({ dtmf: z.object({ digit: z.string().regex(DTMF_DIGIT) }) });
const stopMessage = z.object({
  stop: z.object({ accountSid: informational, callSid: informational }).optional().catch(undefined),
});

/** A decimal string ("5", as Twilio writes numbers) or a number, else undefined. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || value.length > 15 || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** The streamSid every message after `connected` repeats, when it is a well-formed one. */
function streamSidOf(message: Record<string, unknown>): { streamSid?: string } {
  const { streamSid } = message;
  return typeof streamSid === 'string' && SID.test(streamSid) ? { streamSid } : {};
}

/** Sets the event's streamSid from the message's, when that is a well-formed one. */
function withStreamSid(event: { streamSid?: string }, message: Record<string, unknown>): void {
  const { streamSid } = message;
  if (typeof streamSid === 'string' && SID.test(streamSid)) event.streamSid = streamSid;
}

/**
 * A well-formed mark echo read by hand (one comes back for every mark we send); anything else goes
 * through the schema, which names what is wrong.
 */
function decodeValidMark(message: Record<string, unknown>): MediaStreamDecodeResult | undefined {
  const mark = message.mark;
  if (typeof mark !== 'object' || mark === null) return undefined;
  const { name } = mark as Record<string, unknown>;
  if (typeof name !== 'string' || name.length === 0 || name.length > MEDIA_STREAM_LIMITS.maxMarkNameChars)
    return undefined;
  const event: MarkPlayedEvent = { type: 'mark-played', name };
  withStreamSid(event, message);
  return { ok: true, event };
}

// By hand: this runs 50 times a second per call.
function decodeMedia(message: Record<string, unknown>): MediaStreamDecodeResult {
  const media = message.media;
  if (typeof media !== 'object' || media === null)
    return { ok: false, reason: 'invalid media: media missing' };
  const { payload, track, chunk, timestamp } = media as Record<string, unknown>;
  if (typeof payload !== 'string' || payload.length === 0)
    return { ok: false, reason: 'invalid media: media.payload missing' };
  if (payload.length > MEDIA_STREAM_LIMITS.maxInboundPayloadChars)
    return { ok: false, reason: 'invalid media: media.payload too long' };
  if (!BASE64.test(payload)) return { ok: false, reason: 'invalid media: media.payload not base64' };
  const event: CallerAudioEvent = {
    type: 'caller-audio',
    // <Connect><Stream> sends the caller's track only; a missing track is that one.
    track: typeof track === 'string' && track.length <= 40 ? track : 'inbound',
    payload,
  };
  // Filled in place rather than spread from objects made for the purpose: one object per frame.
  withStreamSid(event, message);
  const chunkNumber = numberOf(chunk);
  if (chunkNumber !== undefined) event.chunk = chunkNumber;
  const timestampMs = numberOf(timestamp);
  if (timestampMs !== undefined) event.timestampMs = timestampMs;
  return { ok: true, event };
}

function fail(event: string, error: z.ZodError): MediaStreamDecodeResult {
  return { ok: false, reason: `invalid ${event}: ${describeIssues(error)}` };
}

// No closure is made per message: this runs for every frame of every call.
function toEvent(message: Record<string, unknown>): MediaStreamDecodeResult {
  switch (message.event) {
    case 'media':
      return decodeMedia(message);
    case 'mark': {
      const valid = decodeValidMark(message);
      if (valid) return valid;
      const parsed = markMessage.safeParse(message);
      if (!parsed.success) return fail('mark', parsed.error);
      return {
        ok: true,
        event: { type: 'mark-played', ...streamSidOf(message), name: parsed.data.mark.name },
      };
    }
    case 'dtmf': {
      const parsed = dtmfMessage.safeParse(message);
      if (!parsed.success) return fail('dtmf', parsed.error);
      return {
        ok: true,
        event: { type: 'caller-dtmf', ...streamSidOf(message), digit: parsed.data.dtmf.digit },
      };
    }
    case 'start': {
      const parsed = startMessage.safeParse(message);
      if (!parsed.success) return fail('start', parsed.error);
      const { streamSid, accountSid, callSid, tracks, mediaFormat, customParameters } = parsed.data.start;
      return {
        ok: true,
        event: {
          type: 'stream-start',
          streamSid,
          accountSid,
          callSid,
          tracks,
          mediaFormat,
          customParameters,
        },
      };
    }
    case 'stop': {
      const parsed = stopMessage.safeParse(message);
      if (!parsed.success) return fail('stop', parsed.error);
      const stop = parsed.data.stop ?? {};
      return {
        ok: true,
        event: {
          type: 'stream-stop',
          ...streamSidOf(message),
          ...(stop.accountSid === undefined ? {} : { accountSid: stop.accountSid }),
          ...(stop.callSid === undefined ? {} : { callSid: stop.callSid }),
        },
      };
    }
    case 'connected': {
      const { protocol, version } = connectedMessage.parse(message);
      return {
        ok: true,
        event: {
          type: 'stream-connected',
          ...(protocol === undefined ? {} : { protocol }),
          ...(version === undefined ? {} : { version }),
        },
      };
    }
    default:
      return typeof message.event === 'string'
        ? // JSON.stringify quotes and escapes the value, so a hostile name cannot forge log lines.
          { ok: false, unknown: true, reason: `unknown event ${JSON.stringify(message.event.slice(0, 40))}` }
        : { ok: false, reason: 'missing event' };
  }
}

/** Parses one WebSocket frame from Twilio. Never throws. */
export function decodeMediaStreamMessage(raw: string | Buffer): MediaStreamDecodeResult {
  if (raw.length > MEDIA_STREAM_LIMITS.maxMessageChars) return { ok: false, reason: 'message too long' };
  const media = readMediaFrame(raw, MEDIA_STREAM_LIMITS.maxInboundPayloadChars);
  return media ? { ok: true, event: media } : decodeMediaStreamJson(raw);
}

/** Any frame parsed as JSON and checked field by field: what a frame off the fast path goes through. */
export function decodeMediaStreamJson(raw: string | Buffer): MediaStreamDecodeResult {
  if (raw.length > MEDIA_STREAM_LIMITS.maxMessageChars) return { ok: false, reason: 'message too long' };
  const parsed = parseJsonObject(raw);
  return parsed.ok ? toEvent(parsed.message) : parsed;
}

/** Whether a stream carries what the realtime model is given without resampling: μ-law, 8 kHz, mono. */
export function isTelephonyAudio(format: StreamStartEvent['mediaFormat']): boolean {
  return (
    format.encoding === TELEPHONY_AUDIO.encoding &&
    format.sampleRate === TELEPHONY_AUDIO.sampleRate &&
    format.channels === TELEPHONY_AUDIO.channels
  );
}

// ---- us -> Twilio ----------------------------------------------------------------------------------
// Written as strings: a `media` message goes out for every audio delta of every call. The checks keep
// each message well-formed JSON of the documented shape; a failure is our bug (AppError 'internal').

function refuse(what: string, field: string): never {
  throw new AppError('internal', `refusing to send an invalid Media Streams ${what} message`, {
    issues: [{ field, message: 'invalid' }],
  });
}

/** Audio for the caller: base64 μ-law, 8 kHz, mono, played in the order sent. */
export function encodeMediaMessage(streamSid: string, payload: string): string {
  if (!SID.test(streamSid)) refuse('media', 'streamSid');
  if (
    payload.length === 0 ||
    payload.length > MEDIA_STREAM_LIMITS.maxOutboundPayloadChars ||
    !BASE64.test(payload)
  )
    refuse('media', 'media.payload');
  return `{"event":"media","streamSid":"${streamSid}","media":{"payload":"${payload}"}}`;
}

/** Twilio sends the mark back when the audio sent before it has been played (or cleared). */
export function encodeMarkMessage(streamSid: string, name: string): string {
  if (!SID.test(streamSid)) refuse('mark', 'streamSid');
  if (name.length === 0 || name.length > MEDIA_STREAM_LIMITS.maxMarkNameChars) refuse('mark', 'mark.name');
  return JSON.stringify({ event: 'mark', streamSid, mark: { name } });
}

/** Drops the audio Twilio holds but has not played; every pending mark comes back. */
export function encodeClearMessage(streamSid: string): string {
  if (!SID.test(streamSid)) refuse('clear', 'streamSid');
  return `{"event":"clear","streamSid":"${streamSid}"}`;
}

/** Every message we may send a bidirectional stream, as Twilio documents them (for the simulator). */
export const mediaStreamOutboundSchema = z.discriminatedUnion('event', [
  z.strictObject({
    event: z.literal('media'),
    streamSid: sidField,
    media: z.strictObject({ payload: z.string().min(1).regex(BASE64, 'not base64') }),
  }),
  z.strictObject({
    event: z.literal('mark'),
    streamSid: sidField,
    mark: z.strictObject({ name: z.string().min(1).max(MEDIA_STREAM_LIMITS.maxMarkNameChars) }),
  }),
  z.strictObject({ event: z.literal('clear'), streamSid: sidField }),
]);
export type MediaStreamOutbound = z.output<typeof mediaStreamOutboundSchema>;
