// A voice activity detector by loudness, for the fake realtime server: it "hears" μ-law audio the way
// server_vad does, in 20 ms windows. Speech starts after startMs of loud windows (the start moved
// back by the padding, as the API's audio_start_ms includes prefix_padding_ms) and stops after
// silenceMs of quiet ones. Positions are milliseconds of audio appended since the session began.

// G.711 μ-law to 16-bit linear (ITU-T G.711; the classic table-free decoder).
function mulawToLinear(byte: number): number {
  const value = ~byte & 0xff;
  const magnitude = ((((value & 0x0f) << 3) + 0x84) << ((value >> 4) & 0x07)) - 0x84;
  return value & 0x80 ? -magnitude : magnitude;
}
const LINEAR = Int16Array.from({ length: 256 }, (_, byte) => mulawToLinear(byte));

const WINDOW_BYTES = 160; // 20 ms at 8 kHz
const WINDOW_MS = 20;

export interface VadOptions {
  /** Mean absolute amplitude (of 32767) above which a window is speech. The fixtures' speech is ~1,400. */
  threshold?: number;
  startMs?: number;
  silenceMs?: number;
  prefixPaddingMs?: number;
}

export type VadEvent = { type: 'start'; atMs: number } | { type: 'stop'; atMs: number };

export class EnergyVad {
  #pending = Buffer.alloc(0);
  #positionMs = 0;
  #speaking = false;
  #loudMs = 0;
  #quietMs = 0;
  readonly options: Required<VadOptions>;

  constructor(options: VadOptions = {}) {
    this.options = { threshold: 300, startMs: 60, silenceMs: 500, prefixPaddingMs: 300, ...options };
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /** Milliseconds of audio heard so far. */
  get positionMs(): number {
    return this.#positionMs;
  }

  setSilenceMs(silenceMs: number): void {
    this.options.silenceMs = silenceMs;
  }

  /** Feeds audio; returns the speech starts and stops it completed. */
  push(audio: Buffer): VadEvent[] {
    const events: VadEvent[] = [];
    let bytes = this.#pending.length > 0 ? Buffer.concat([this.#pending, audio]) : audio;
    while (bytes.length >= WINDOW_BYTES) {
      const event = this.#window(bytes.subarray(0, WINDOW_BYTES));
      if (event) events.push(event);
      bytes = bytes.subarray(WINDOW_BYTES);
    }
    this.#pending = Buffer.from(bytes);
    return events;
  }

  #window(window: Buffer): VadEvent | undefined {
    let sum = 0;
    for (const byte of window) sum += Math.abs(LINEAR[byte]!);
    this.#positionMs += WINDOW_MS;
    const loud = sum / window.length > this.options.threshold;
    if (loud) {
      this.#loudMs += WINDOW_MS;
      this.#quietMs = 0;
    } else {
      this.#quietMs += WINDOW_MS;
      if (!this.#speaking) this.#loudMs = 0;
    }
    if (!this.#speaking && this.#loudMs >= this.options.startMs) {
      this.#speaking = true;
      const atMs = Math.max(0, this.#positionMs - this.#loudMs - this.options.prefixPaddingMs);
      return { type: 'start', atMs };
    }
    if (this.#speaking && this.#quietMs >= this.options.silenceMs) {
      this.#speaking = false;
      this.#loudMs = 0;
      return { type: 'stop', atMs: this.#positionMs };
    }
    return undefined;
  }
}
