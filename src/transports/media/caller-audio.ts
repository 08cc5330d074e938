// The caller's audio on its way to the model, in chunks of CHUNK_MS rather than Twilio's 20 ms frames.
// Every chunk is a WebSocket message, and each message is a system call and a parse on both ends:
// the caller's audio was a third of the server's busy time at 200 calls, and the agent's audio, whose
// delay the caller hears, waited behind it. A 40 ms chunk halves those messages and holds a frame
// back at most 20 ms, well under what a person notices at the end of a sentence (decision 0033).
// Frames are decoded into one buffer and the chunk encoded once: base64 of 160 bytes ends in
// padding, so payloads cannot simply be joined.

/** The chunk the model is sent: two of Twilio's 20 ms frames. */
export const CHUNK_MS = 40;
const BYTES_PER_MS = 8; // μ-law, 8 kHz
const CHUNK_BYTES = CHUNK_MS * BYTES_PER_MS;

export class CallerAudio {
  readonly #held = Buffer.allocUnsafe(CHUNK_BYTES * 2);
  #length = 0;

  /** Takes one frame (base64 μ-law); returns the chunk to send when one is complete. */
  push(payload: string): string | undefined {
    const bytes = (payload.length * 3) / 4; // at least the decoded size: padding makes it less
    if (this.#length + bytes > this.#held.length) {
      // More than the room left (Twilio's frames are 160 bytes; this is a guard): what is held and
      // the payload go as one chunk, in order.
      const chunk = Buffer.concat([this.#held.subarray(0, this.#length), Buffer.from(payload, 'base64')]);
      this.#length = 0;
      return chunk.toString('base64');
    }
    this.#length += this.#held.write(payload, this.#length, 'base64');
    return this.#length >= CHUNK_BYTES ? this.flush() : undefined;
  }

  /** What is held, as one chunk, if anything: before a keypad press or text goes to the model. */
  flush(): string | undefined {
    if (this.#length === 0) return undefined;
    const chunk = this.#held.toString('base64', 0, this.#length);
    this.#length = 0;
    return chunk;
  }

  /** Drops what is held: the model it was for is gone. */
  reset(): void {
    this.#length = 0;
  }
}
