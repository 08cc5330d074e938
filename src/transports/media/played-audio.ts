// What of the agent's audio the caller has heard. Each audio delta forwarded to Twilio is followed by
// a `mark` naming its item and where the item's audio ends (ms); Twilio echoes a mark once the audio
// before it has played. On `clear`, Twilio echoes every pending mark at once: those were cleared, not
// played, so their echoes are dropped. One map lookup per echo, nothing per frame.

export interface PlayedAudioEvents {
  /** The first mark of a quiet line went out: the agent is speaking. */
  onPlaying(): void;
  /** The last pending mark played: the caller has heard everything sent. */
  onDrained(): void;
}

interface PendingMark {
  itemId: string;
  endMs: number;
}

export class PlayedAudio {
  readonly #pending = new Map<string, PendingMark>();
  /** Marks cleared by `clear`: their echoes are not plays. */
  readonly #cleared = new Set<string>();
  /** Per agent item: ms sent, and ms the caller has heard (the last mark echoed). */
  readonly #sentMs = new Map<string, number>();
  readonly #playedMs = new Map<string, number>();
  #counter = 0;
  /** The item whose audio went out last. */
  lastItem: string | undefined;

  constructor(private readonly events: PlayedAudioEvents) {}

  /** Audio of `itemId` was forwarded (μ-law: 8 bytes a ms); returns the mark's name to send after it. */
  sent(itemId: string, bytes: number): string {
    const endMs = (this.#sentMs.get(itemId) ?? 0) + bytes / 8;
    this.#sentMs.set(itemId, endMs);
    this.lastItem = itemId;
    const name = `m${(this.#counter += 1).toString(36)}`;
    if (this.#pending.size === 0) this.events.onPlaying();
    this.#pending.set(name, { itemId, endMs });
    return name;
  }

  /** Twilio echoed a mark. */
  echoed(name: string): void {
    if (this.#cleared.delete(name)) return;
    const mark = this.#pending.get(name);
    if (!mark) return;
    this.#pending.delete(name);
    this.#playedMs.set(mark.itemId, mark.endMs);
    if (this.#pending.size === 0) this.events.onDrained();
  }

  /** Audio is waiting to be played. */
  get playing(): boolean {
    return this.#pending.size > 0;
  }

  /** We sent `clear`: whatever was pending will not be played. */
  cleared(): void {
    for (const name of this.#pending.keys()) this.#cleared.add(name);
    this.#pending.clear();
  }

  sentMs(itemId: string): number {
    return this.#sentMs.get(itemId) ?? 0;
  }

  playedMs(itemId: string): number {
    return this.#playedMs.get(itemId) ?? 0;
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
