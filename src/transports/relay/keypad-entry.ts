// Keys a ConversationRelay caller presses while the agent waits for a keyed entry (the engine's keypad
// fallback). Twilio sends one `dtmf` message per key; the keys are one entry, and so one turn, until
// the caller presses # or pauses.

// A pause this long ends the entry: long enough to find the next key, short enough not to seem hung.
export const KEYPAD_PAUSE_MS = 3_000;
// No value we collect is longer (E.164 has 15 digits); a longer run of keys ends the entry.
const MAX_KEYS = 32;

export class KeypadEntry {
  #keys = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onEntry: (digits: string) => void,
    private readonly pauseMs = KEYPAD_PAUSE_MS,
  ) {}

  /** Keys are waiting to become an entry. */
  get pending(): boolean {
    return this.#keys.length > 0;
  }

  /** One key: # ends the entry (and is not part of it); any other key restarts the pause clock. */
  key(digit: string): void {
    clearTimeout(this.#timer);
    if (digit === '#') return this.flush();
    this.#keys += digit;
    if (this.#keys.length >= MAX_KEYS) return this.flush();
    this.#timer = setTimeout(() => this.flush(), this.pauseMs);
    this.#timer.unref();
  }

  /** The keys so far become the entry now (the caller started speaking, or pressed #). */
  flush(): void {
    clearTimeout(this.#timer);
    const keys = this.#keys;
    this.#keys = '';
    if (keys) this.onEntry(keys);
  }

  /** The keys are dropped without an entry (the socket is gone). */
  clear(): void {
    clearTimeout(this.#timer);
    this.#keys = '';
  }
}
