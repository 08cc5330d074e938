// The exchanges of one realtime stream: each opened by the caller's speech (or keys), found again by
// its caller item (for the transcription) and by the responses that answer it (for the reply's audio,
// transcript, function calls and usage). A response belongs to the exchange awaiting its reply when
// the response began; responses outside any (the greeting, the engine's own lines) are "loose", and
// their usage is carried to the next turn stored. Only the last few of each are kept: a call can last
// hours, and the model's events are about the exchange under way or the one before it.
import { Exchange } from './exchange.js';

/** Exchanges, responses and agent transcripts kept per kind, the newest ones. */
export const BOOK_KEEPS = 16;

/** Sets `key` and forgets the oldest entries beyond BOOK_KEEPS (a Map keeps insertion order). */
function keep<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > BOOK_KEEPS) map.delete(map.keys().next().value!);
}

export class ExchangeBook {
  /** The exchange whose reply is awaited (or was, until the next one opens). */
  current: Exchange | undefined;
  readonly #byItem = new Map<string, Exchange>();
  readonly #byResponse = new Map<string, Exchange>();
  /** Agent items' transcripts, for what was heard of them. */
  readonly #transcripts = new Map<string, string>();
  #loose = new Exchange(undefined);
  #callerAudioMs = 0;

  /** Caller audio heard since the last exchange opened (counted on the next one). */
  callerAudio(ms: number): void {
    this.#callerAudioMs += ms;
  }

  open(callerItem: string | undefined): Exchange {
    const exchange = new Exchange(callerItem);
    this.current = exchange;
    if (callerItem) keep(this.#byItem, callerItem, exchange);
    exchange.audioInMs = this.#callerAudioMs;
    this.#callerAudioMs = 0;
    return exchange;
  }

  byItem(itemId: string): Exchange | undefined {
    return this.#byItem.get(itemId);
  }

  byResponse(responseId: string): Exchange | undefined {
    return this.#byResponse.get(responseId);
  }

  /** The exchange a response answers; `engineLine`: the response says an engine line, none's reply. */
  forResponse(responseId: string, engineLine: boolean): Exchange | undefined {
    let exchange = this.#byResponse.get(responseId);
    if (!exchange && this.current && !this.current.replied && !engineLine) {
      exchange = this.current;
      keep(this.#byResponse, responseId, exchange);
    }
    return exchange;
  }

  /** The current exchange once a response answers it: the reply the caller may be talking over. */
  answering(): Exchange | undefined {
    const current = this.current;
    if (!current) return undefined;
    for (const exchange of this.#byResponse.values()) if (exchange === current) return current;
    return undefined;
  }

  setTranscript(itemId: string, text: string): void {
    keep(this.#transcripts, itemId, text);
  }

  transcript(itemId: string): string | undefined {
    return this.#transcripts.get(itemId);
  }

  /** Where a response outside any exchange counts its usage and audio. */
  get loose(): Exchange {
    return this.#loose;
  }

  /** The loose usage so far, for the turn being stored; counting starts again. */
  takeLoose(): Exchange {
    const loose = this.#loose;
    this.#loose = new Exchange(undefined);
    return loose;
  }
}
