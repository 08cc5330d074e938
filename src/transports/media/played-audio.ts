// What of the agent's audio the caller has heard. Audio forwarded to Twilio is followed by a `mark`
// naming its item and where the item's audio ends (ms); Twilio echoes a mark once the audio before it
// has played. A mark goes out once MARK_EVERY_MS of an item's audio has gone without one, and at the
// end of the item's audio (flush): a model streaming 20 ms deltas would otherwise double the frames
// each way, and a barge-in needs to know what was heard to about a tenth of a second, not to the
// frame. On `clear`, Twilio echoes every pending mark at once: those were cleared, not played, so
// their echoes are dropped. Only the last item's positions are kept: a cut is always of that one.

export interface PlayedAudioEvents {
  /** Audio went out after everything sent had played: the agent is speaking. */
  onPlaying(): void;
  /** The last pending mark played and nothing unmarked is left: the caller has heard everything sent. */
  onDrained(): void;
}

/** Audio sent without a mark for this long gets one (a model's delta of 100 ms or more gets its own). */
export const MARK_EVERY_MS = 100;

interface PendingMark {
  itemId: string;
  endMs: number;
}

export class PlayedAudio {
  readonly #pending = new Map<string, PendingMark>();
  /** Marks cleared by `clear`: their echoes are not plays. */
  readonly #cleared = new Set<string>();
  #counter = 0;
  /** The item whose audio went out last, how much of it (ms), and how much of that the caller heard. */
  lastItem: string | undefined;
  #sentMs = 0;
  #playedMs = 0;
  /** ms of the last item sent since its last mark. */
  #unmarkedMs = 0;

  constructor(private readonly events: PlayedAudioEvents) {}

  /** Audio is sent and not yet known to be played. */
  get playing(): boolean {
    return this.#pending.size > 0 || this.#unmarkedMs > 0;
  }

  /**
   * Before forwarding `ms` of `itemId`'s audio: the mark owed to the previous item's last audio, if
   * any, to send before it.
   */
  before(itemId: string): string | undefined {
    return itemId !== this.lastItem ? this.flush() : undefined;
  }

  /** `ms` of `itemId`'s audio was forwarded; returns the name of a mark to send after it, if one is due. */
  sent(itemId: string, ms: number): string | undefined {
    if (!this.playing) this.events.onPlaying();
    if (itemId !== this.lastItem) {
      this.lastItem = itemId;
      this.#sentMs = 0;
      this.#playedMs = 0;
    }
    this.#sentMs += ms;
    this.#unmarkedMs += ms;
    return this.#unmarkedMs >= MARK_EVERY_MS ? this.flush() : undefined;
  }

  /** The name of a mark for the last item's unmarked audio, if there is any. */
  flush(): string | undefined {
    if (this.#unmarkedMs <= 0 || this.lastItem === undefined) return undefined;
    this.#unmarkedMs = 0;
    const name = `m${(this.#counter += 1).toString(36)}`;
    this.#pending.set(name, { itemId: this.lastItem, endMs: this.#sentMs });
    return name;
  }

  /** Twilio echoed a mark. */
  echoed(name: string): void {
    if (this.#cleared.delete(name)) return;
    const mark = this.#pending.get(name);
    if (!mark) return;
    this.#pending.delete(name);
    if (mark.itemId === this.lastItem) this.#playedMs = mark.endMs;
    if (!this.playing) this.events.onDrained();
  }

  /** We sent `clear`: whatever was pending or unmarked will not be played. */
  cleared(): void {
    for (const name of this.#pending.keys()) this.#cleared.add(name);
    this.#pending.clear();
    this.#unmarkedMs = 0;
  }

  /** ms of the last item sent. */
  get sentMs(): number {
    return this.#sentMs;
  }

  /** ms of the last item the caller has heard (its last mark echoed). */
  get playedMs(): number {
    return this.#playedMs;
  }
}

/** The words of `transcript` heard in `playedMs` of `totalMs` (a transcript has no word timings). */
export function heardShare(transcript: string, playedMs: number, totalMs: number): string {
  if (totalMs <= 0 || playedMs >= totalMs) return transcript;
  const words = transcript.split(/(?<=\s)/u);
  return words
    .slice(0, Math.floor((words.length * Math.max(0, playedMs)) / totalMs))
    .join('')
    .trim();
}
