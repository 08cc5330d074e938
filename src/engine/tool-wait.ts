// The agent's own tools running in one turn: their spans on the turn's timeline, the filler line of
// the one running now, a clock that says when one has kept the caller waiting too long, and how each
// call went (kept even when the caller cut the turn short before the tool answered).
import type { ToolCallRecord } from '../domain/call.js';
import type { ToolEvent } from '../ports/reply-policy.js';
import type { TimelineClock } from './turn-timeline.js';

export class ToolWait {
  readonly #spans = new Map<string, (ok?: boolean) => void>();
  readonly #settled: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** The filler line of the agent's tool running now. */
  filler: string | undefined;
  /** How each call that ended went, in the order they ended. */
  readonly records: ToolCallRecord[] = [];

  constructor(
    private readonly timeline: TimelineClock,
    /** Called once a tool has run this long without answering (each wait, from its first start). */
    private readonly slow?: { afterMs: number; then: () => void },
  ) {}

  readonly on = (event: ToolEvent): void => {
    if (event.type === 'tool-start') {
      this.#spans.set(event.callId, this.timeline.tool(event.name));
      this.filler = event.filler;
      if (this.slow && !this.#timer) {
        this.#timer = setTimeout(this.slow.then, this.slow.afterMs);
        this.#timer.unref();
      }
      return;
    }
    this.#spans.get(event.callId)?.(event.status === 'ok');
    this.#spans.delete(event.callId);
    this.records.push(event.record);
    if (this.#spans.size > 0) return;
    this.filler = undefined;
    this.stopClock();
    for (const resolve of this.#settled.splice(0)) resolve();
  };

  /** No more filler for this turn (it is over, or a line was said). */
  stopClock(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves with every record once no tool of the turn is running. */
  async settled(): Promise<readonly ToolCallRecord[]> {
    if (this.#spans.size > 0) await new Promise<void>((resolve) => this.#settled.push(resolve));
    return this.records;
  }
}
