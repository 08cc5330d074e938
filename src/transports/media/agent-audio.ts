// The agent's audio on its way to the caller: each model delta forwarded to Twilio as a `media`
// message exactly as it came (base64 μ-law, no decoding), with a `mark` whose echo says it has played
// after every tenth of a second or so and at the end of an item (played-audio.ts); `clear` when the
// caller talks over it, with where it was cut; and a wait for everything sent to have played before
// the stream is closed.
import type { WebSocket } from 'ws';
import {
  encodeClearMessage,
  encodeMarkMessage,
  encodeMediaMessage,
} from '../../adapters/twilio/media-stream-codec.js';
import type { AudioCut } from './exchange.js';
import { PlayedAudio, type PlayedAudioEvents } from './played-audio.js';

const PAD = '='.charCodeAt(0);

/**
 * The ms of μ-law (8 bytes a ms) in a base64 payload, without decoding it. The padding counts: a
 * 20 ms frame (160 bytes) is 216 characters with two of it, and 162 bytes a frame would put a
 * truncation past the end of the model's audio after a few seconds.
 */
export function msOfBase64(payload: string): number {
  const length = payload.length;
  const padding =
    length === 0 || payload.charCodeAt(length - 1) !== PAD
      ? 0
      : payload.charCodeAt(length - 2) === PAD
        ? 2
        : 1;
  return ((length * 3) / 4 - padding) / 8;
}

export class AgentAudio {
  readonly #played: PlayedAudio;
  #waiters: (() => void)[] = [];
  /** The stream's sid, from `start`: every message names it. */
  streamSid = '';

  constructor(
    private readonly socket: WebSocket,
    events: PlayedAudioEvents,
  ) {
    this.#played = new PlayedAudio(events);
  }

  /** Audio sent has not all played yet. */
  get playing(): boolean {
    return this.#played.playing;
  }

  /** Twilio echoed a mark. */
  echoed(name: string): void {
    this.#played.echoed(name);
  }

  /** Forwards one delta of `itemId` (a mark before it when it starts a new item, one after when due). Returns its ms. */
  forward(itemId: string, audio: string): number {
    const ms = msOfBase64(audio);
    this.#mark(this.#played.before(itemId));
    this.socket.send(encodeMediaMessage(this.streamSid, audio));
    this.#mark(this.#played.sent(itemId, ms));
    return ms;
  }

  /** The item's audio is over (its response is done, or the stream is ending): its last mark goes out. */
  flush(): void {
    this.#mark(this.#played.flush());
  }

  #mark(name: string | undefined): void {
    if (name !== undefined) this.socket.send(encodeMarkMessage(this.streamSid, name));
  }

  /** Twilio drops what has not played; returns where the last item's audio was cut, if any went out. */
  clear(): AudioCut | undefined {
    this.socket.send(encodeClearMessage(this.streamSid));
    this.#played.cleared();
    const itemId = this.#played.lastItem;
    if (!itemId) return undefined;
    return { itemId, playedMs: this.#played.playedMs, sentMs: this.#played.sentMs };
  }

  /** Resolves when release() is called (everything played, or the stream is over), or after timeoutMs. */
  whenPlayed(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  release(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}
