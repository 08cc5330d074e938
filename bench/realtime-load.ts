// Twilio's side of many Media Streams at once, for the realtime benchmark, at little cost per frame:
// the process plays every caller, so its own event-loop delay lands in the figures it takes. Frames are
// strings built from pre-encoded payloads (no JSON.stringify, no base64 encoding per frame), one
// scheduler sends every call's 20 ms frame, each call on a phase of its own spread over the 20 ms as
// Twilio's independent calls are, and a `media` frame from the server is read without JSON.parse (our
// server writes it in one shape; anything else is parsed). Each call plays the agent's audio on a
// clock of its own and echoes every mark when the audio before it has played; `clear` echoes the
// pending marks at once, as Twilio does. The caller says its line once a reply has played in full and
// 400 ms have passed with no audio (the simulator's nextReply), then is silent until the next reply.
// The message shapes are those of src/simulator/media-stream-client.ts, which checks them.
import type WebSocket from 'ws';
import type { MediaStreamStartFields } from '../src/simulator/media-stream-session.js';
import { toFrames } from '../src/simulator/media-stream-client.js';
import { monotonicMs, tagOfBase64 } from './realtime-tags.js';

const FRAME_MS = 20;
// The scheduler wakes every SLOT_MS; call i sends on slot i mod SLOTS of each 20 ms.
const SLOT_MS = 2;
const SLOTS = FRAME_MS / SLOT_MS;
const QUIET_MS = 400;
const SILENCE = Buffer.alloc(160, 0xff).toString('base64');
const MEDIA_PREFIX = '{"event":"media"';
const PAYLOAD_KEY = '"payload":"';

/** μ-law audio as the base64 payloads of its 20 ms frames, encoded once. */
export const framePayloads = (audio: Buffer): string[] => toFrames(audio).map((f) => f.toString('base64'));

/** μ-law bytes in a base64 payload without decoding it. */
function bytesOfBase64(payload: string): number {
  const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  return (payload.length * 3) / 4 - padding;
}

export interface LoadEvents {
  /** A tagged media frame arrived (monotonicMs). */
  frame(tag: number, at: number): void;
  /** A message Twilio would not expect. */
  oddMessage(): void;
}

class TwilioStream {
  #sequence = 0;
  #chunk = 0;
  /** The next frame of the caller's line, or -1 while the caller is silent. */
  #lineFrame = -1;
  /** When the agent audio received so far will have played (monotonicMs). */
  #playEnd = 0;
  #lastAudioAt = 0;
  /** Agent audio bytes since the caller last spoke. */
  #heard = 0;
  /** Marks received, each with when the audio before it has played; echoed in order. */
  #marks: { name: string; due: number }[] = [];
  #closed = false;

  constructor(
    readonly socket: WebSocket,
    readonly start: MediaStreamStartFields,
    readonly slot: number,
    private readonly line: string[],
    private readonly events: LoadEvents,
  ) {
    socket.on('message', (data: Buffer) => this.#receive(data.toString()));
    socket.on('close', () => {
      this.#closed = true;
    });
    socket.on('error', () => undefined);
    socket.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    socket.send(
      JSON.stringify({
        event: 'start',
        sequenceNumber: this.#nextSequence(),
        start: { ...start, tracks: [...start.tracks], customParameters: { ...start.customParameters } },
        streamSid: start.streamSid,
      }),
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  #nextSequence(): string {
    this.#sequence += 1;
    return String(this.#sequence);
  }

  /** This call's 20 ms: the caller's next frame (or silence); the line starts once the reply has played. */
  frame(now: number): void {
    if (this.#closed) return;
    if (
      this.#lineFrame < 0 &&
      this.#heard > 0 &&
      now >= this.#playEnd &&
      now - this.#lastAudioAt >= QUIET_MS
    ) {
      this.#lineFrame = 0;
      this.#heard = 0;
    }
    let payload = SILENCE;
    if (this.#lineFrame >= 0) {
      payload = this.line[this.#lineFrame++]!;
      if (this.#lineFrame >= this.line.length) this.#lineFrame = -1;
    }
    this.#chunk += 1;
    this.socket.send(
      `{"event":"media","sequenceNumber":"${this.#nextSequence()}","media":{"track":"inbound","chunk":"${
        this.#chunk
      }","timestamp":"${(this.#chunk - 1) * FRAME_MS}","payload":"${payload}"},"streamSid":"${this.start.streamSid}"}`,
    );
  }

  /** Echoes the marks whose audio has played by `now`. */
  echoMarks(now: number): void {
    let played = 0;
    while (played < this.#marks.length && this.#marks[played]!.due <= now) played += 1;
    if (played === 0) return;
    for (const mark of this.#marks.splice(0, played)) this.#echo(mark.name);
  }

  #echo(name: string): void {
    if (this.#closed) return;
    this.socket.send(
      `{"event":"mark","sequenceNumber":"${this.#nextSequence()}","streamSid":"${this.start.streamSid}","mark":${JSON.stringify({ name })}}`,
    );
  }

  #receive(text: string): void {
    if (text.startsWith(MEDIA_PREFIX)) {
      const at = text.indexOf(PAYLOAD_KEY);
      const end = at < 0 ? -1 : text.indexOf('"', at + PAYLOAD_KEY.length);
      if (end > 0) return this.#audio(text.slice(at + PAYLOAD_KEY.length, end));
    }
    let message: { event?: string; media?: { payload?: string }; mark?: { name?: string } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return this.events.oddMessage();
    }
    if (message.event === 'media' && typeof message.media?.payload === 'string')
      return this.#audio(message.media.payload);
    if (message.event === 'mark' && typeof message.mark?.name === 'string') {
      this.#marks.push({ name: message.mark.name, due: this.#playEnd });
      return;
    }
    if (message.event === 'clear') {
      // Twilio drops the audio not yet played and sends back every pending mark.
      this.#playEnd = monotonicMs();
      for (const mark of this.#marks.splice(0)) this.#echo(mark.name);
      return;
    }
    this.events.oddMessage();
  }

  #audio(payload: string): void {
    const tag = tagOfBase64(payload);
    const now = monotonicMs();
    if (tag !== undefined) this.events.frame(tag, now);
    const bytes = bytesOfBase64(payload);
    this.#playEnd = Math.max(this.#playEnd, now) + bytes / 8;
    this.#lastAudioAt = now;
    this.#heard += bytes;
  }

  /** The caller hangs up: `stop`, then the socket closes. */
  hangUp(): void {
    if (this.#closed) return;
    this.socket.send(
      JSON.stringify({
        event: 'stop',
        sequenceNumber: this.#nextSequence(),
        streamSid: this.start.streamSid,
        stop: { accountSid: this.start.accountSid, callSid: this.start.callSid },
      }),
    );
    this.socket.close(1000, 'call ended');
  }
}

/** Every call's Twilio side, driven by one scheduler. */
export class TwilioLoad {
  readonly #streams: TwilioStream[] = [];
  readonly #slotDue: number[];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly line: string[],
    private readonly events: LoadEvents,
  ) {
    const now = monotonicMs();
    this.#slotDue = Array.from({ length: SLOTS }, (_, slot) => now + slot * SLOT_MS);
    this.#schedule();
  }

  /** A stream whose handshake is done: `connected` and `start` go out now, frames from its next slot. */
  add(socket: WebSocket, start: MediaStreamStartFields): { readonly closed: boolean } {
    const stream = new TwilioStream(socket, start, this.#streams.length % SLOTS, this.line, this.events);
    this.#streams.push(stream);
    return stream;
  }

  get open(): number {
    return this.#streams.filter((stream) => !stream.closed).length;
  }

  #schedule(): void {
    const next = Math.min(...this.#slotDue);
    this.#timer = setTimeout(() => this.#run(), Math.max(0, next - monotonicMs()));
  }

  #run(): void {
    const now = monotonicMs();
    for (let slot = 0; slot < SLOTS; slot += 1) {
      // A late wake-up sends the frames it missed; Twilio does not skip frames either.
      while (this.#slotDue[slot]! <= now) {
        for (let i = slot; i < this.#streams.length; i += SLOTS) this.#streams[i]!.frame(now);
        this.#slotDue[slot]! += FRAME_MS;
      }
    }
    for (const stream of this.#streams) stream.echoMarks(now);
    this.#schedule();
  }

  /** Every caller hangs up; the scheduler stops. */
  stop(): void {
    clearTimeout(this.#timer);
    for (const stream of this.#streams) stream.hangUp();
  }
}
