/**
 * A single-consumer queue of text pieces, readable as an async iterable. The producer never waits:
 * pieces pushed before anyone reads are kept, so a caller that only awaits the final reply loses nothing.
 */
export class TextQueue implements AsyncIterable<string> {
  readonly #items: string[] = [];
  #closed = false;
  #wake: (() => void) | undefined;

  push(text: string): void {
    if (this.#closed || text.length === 0) return;
    this.#items.push(text);
    this.#notify();
  }

  close(): void {
    this.#closed = true;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      const next = this.#items.shift();
      if (next !== undefined) yield next;
      else if (this.#closed) return;
      else await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}
