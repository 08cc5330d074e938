// The caller's earpiece in a simulated Media Stream: agent audio queues and plays at a given rate (1:
// real time, 8 bytes of μ-law a millisecond; Infinity: at once), and a `mark` comes back when the
// audio queued before it has played, as Twilio sends it. `clear` drops what has not played and sends
// every pending mark back (Twilio's page: "empties all buffered audio and causes any mark messages to
// be sent back").

const FRAME_BYTES = 160;
const FRAME_MS = 20;

type Queued = { kind: 'audio'; bytes: number } | { kind: 'mark'; name: string };

export class MediaPlayback {
  #queue: Queued[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** Agent audio the caller has heard, in bytes (8 per millisecond). */
  playedBytes = 0;
  receivedBytes = 0;
  /** Agent audio dropped by `clear` before it played. */
  clearedBytes = 0;

  constructor(
    private readonly rate: number,
    private readonly onMarkPlayed: (name: string) => void,
  ) {}

  /** Audio is queued or playing. */
  get playing(): boolean {
    return this.#queue.some((item) => item.kind === 'audio');
  }

  audio(bytes: number): void {
    this.receivedBytes += bytes;
    this.#queue.push({ kind: 'audio', bytes });
    this.#schedule();
  }

  mark(name: string): void {
    this.#queue.push({ kind: 'mark', name });
    this.#schedule();
  }

  /** Drops the audio not yet played; every pending mark goes back, in order. */
  clear(): void {
    for (const item of this.#queue.splice(0)) {
      if (item.kind === 'audio') this.clearedBytes += item.bytes;
      else this.onMarkPlayed(item.name);
    }
    this.#stopTimer();
  }

  stop(): void {
    this.#queue = [];
    this.#stopTimer();
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.rate === Infinity) return this.#play(Infinity);
    this.#timer ??= setInterval(() => this.#play(FRAME_BYTES * this.rate), FRAME_MS);
  }

  #play(budget: number): void {
    let left = budget;
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (head.kind === 'mark') {
        this.#queue.shift();
        this.onMarkPlayed(head.name);
        continue;
      }
      if (left <= 0) break;
      const played = Math.min(left, head.bytes);
      head.bytes -= played;
      left -= played;
      this.playedBytes += played;
      if (head.bytes === 0) this.#queue.shift();
    }
    if (this.#queue.length === 0) this.#stopTimer();
  }
}
