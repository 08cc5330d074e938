// Twilio's `media` message read without JSON.parse: it arrives every 20 ms of every call, and parsing
// it as JSON (a string, an object tree and a base64 check per frame) was the largest part of the
// server's own work on a realtime call (docs/BENCHMARKS.md, "Realtime"). Twilio writes it compactly,
// its fields in the order its documentation shows; a frame of exactly that shape is read with one
// anchored pattern, and anything else (another order, spaces, escapes, a payload too long, bytes
// outside ASCII) returns undefined and goes through the full parse, which gives the same event or
// names what is wrong.

export interface CallerAudioEvent {
  type: 'caller-audio';
  streamSid?: string;
  track: string;
  /** Base64 μ-law, exactly as received. */
  payload: string;
  /** Counts from 1, when given as a number. */
  chunk?: number;
  /** Milliseconds from the start of the stream, when given as a number. */
  timestampMs?: number;
}

const MEDIA =
  /^\{"event":"media","sequenceNumber":"\d{1,15}","media":\{"track":"(inbound|outbound)","chunk":"(\d{1,15})","timestamp":"(\d{1,15})","payload":"([A-Za-z0-9+/]+={0,2})"\},"streamSid":"([A-Za-z0-9]{1,64})"\}$/;

// `{"event":"me`: the twelfth character tells a media message from a mark, start, stop or dtmf.
const E_AT = 11;
const E = 0x65;

/** The caller-audio event of a compact, documented-order `media` frame; undefined for anything else. */
export function readMediaFrame(raw: string | Buffer, maxPayloadChars: number): CallerAudioEvent | undefined {
  const text = typeof raw === 'string' ? raw : raw[E_AT] === E ? raw.toString('latin1') : undefined;
  if (text === undefined || text.charCodeAt(E_AT) !== E) return undefined;
  const match = MEDIA.exec(text);
  if (!match || match[4]!.length > maxPayloadChars) return undefined;
  return {
    type: 'caller-audio',
    track: match[1]!,
    payload: match[4]!,
    streamSid: match[5]!,
    chunk: Number(match[2]),
    timestampMs: Number(match[3]),
  };
}
