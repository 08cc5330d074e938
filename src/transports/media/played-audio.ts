// What of the agent's audio the caller has heard. Audio forwarded to Twilio is followed by a `mark`
// whose echo says it has played; a mark goes out once MARK_EVERY_MS of an item's audio has gone
// without one, and at the end of the item's audio (flush): a model streaming 20 ms deltas would
// otherwise double the frames each way, and a barge-in needs to know what was heard to about a tenth
// of a second, not to the frame. Twilio plays and echoes marks in the order sent, and on `clear`
// echoes every pending mark at once (cleared, not played, so those echoes are dropped). Marks are
// numbered; the name carries the number, and where each pending one ends is kept in a ring of
// numbers: a call's marks then leave no garbage behind (a Map per call, rehashed as marks came and
// went, left its tables to the old generation). Only the last item's positions are kept: a cut is
// always of that one.

export interface PlayedAudioEvents {
  /** Audio went out after everything sent had played: the agent is speaking. */
  onPlaying(): void;
  /** The last pending mark played and nothing unmarked is left: the caller has heard everything sent. */
  onDrained(): void;
}

/** Audio sent without a mark for this long gets one (a model's delta of 100 ms or more gets its own). */
export const MARK_EVERY_MS = 100;

const PREFIX = 'm';
const NAME = /^m[0-9a-z]{1,10}$/;
const RING = 64;

export class PlayedAudio {
  /** Where the last item's audio ends after each pending mark, by mark number modulo its length. */
  #endMs = new Float64Array(RING);
  /** The last mark sent, and the oldest not yet echoed (pending: #oldest..#last). */
  #last = 0;
  #oldest = 1;
  /** The first mark of the last item: marks from it on tell where in that item the caller is. */
  #itemFirstMark = 1;
  /** The item whose audio went out last, how much of it (ms), and how much of that the caller heard. */
  lastItem: string | undefined;
  #sentMs = 0;
  #playedMs = 0;
  /** ms of the last item sent since its last mark. */
  #unmarkedMs = 0;

  constructor(private readonly events: PlayedAudioEvents) {}

  /** Audio is sent and not yet known to be played. */
  get playing(): boolean {
    return this.#oldest <= this.#last || this.#unmarkedMs > 0;
  }

  /** Before forwarding `itemId`'s audio: the mark owed to the previous item's last audio, if any, to send first. */
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
      this.#itemFirstMark = this.#last + 1;
    }
    this.#sentMs += ms;
    this.#unmarkedMs += ms;
    return this.#unmarkedMs >= MARK_EVERY_MS ? this.flush() : undefined;
  }

  /** The name of a mark for the last item's unmarked audio, if there is any. */
  flush(): string | undefined {
    if (this.#unmarkedMs <= 0 || this.lastItem === undefined) return undefined;
    this.#unmarkedMs = 0;
    if (this.#last + 1 - this.#oldest >= this.#endMs.length) this.#grow();
    this.#last += 1;
    this.#endMs[this.#last % this.#endMs.length] = this.#sentMs;
    return PREFIX + this.#last.toString(36);
  }

  /** More pending marks than the ring holds (a model far ahead of real time): twice the room. */
  #grow(): void {
    const larger = new Float64Array(this.#endMs.length * 2);
    for (let mark = this.#oldest; mark <= this.#last; mark += 1)
      larger[mark % larger.length] = this.#endMs[mark % this.#endMs.length]!;
    this.#endMs = larger;
  }

  /** Twilio echoed a mark: it and every mark before it have played. */
  echoed(name: string): void {
    if (!NAME.test(name)) return;
    const mark = parseInt(name.slice(PREFIX.length), 36);
    if (mark < this.#oldest || mark > this.#last) return;
    this.#oldest = mark + 1;
    if (mark >= this.#itemFirstMark) this.#playedMs = this.#endMs[mark % this.#endMs.length]!;
    if (!this.playing) this.events.onDrained();
  }

  /** We sent `clear`: whatever was pending or unmarked will not be played; the echoes that follow are of marks no longer pending. */
  cleared(): void {
    this.#oldest = this.#last + 1;
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
