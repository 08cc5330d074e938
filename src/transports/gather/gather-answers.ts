// The Gather turns this instance is answering, and those it answered a moment ago: a webhook answered
// with a filler line sends Twilio to the result URL, and a redelivered webhook of the same turn, both
// of which wait here for the turn instead of taking it again (its tools would run twice). On another
// instance the result URL reads the stored turn instead (gather-result.ts).
import type { Agent, TransferTarget } from '../../domain/agent.js';
import type { Turn } from '../../domain/call.js';

/** What the TwiML of a taken turn is made from. */
export interface GatherAnswer {
  agent: Agent;
  turn: Turn;
  transfer?: TransferTarget;
  callerId?: string;
  /** A turn taken here: tells its runner when the TwiML with it went out (TurnResult.answered). */
  answered?: (sent: boolean) => void;
}

interface Entry {
  answer: Promise<GatherAnswer>;
  failed: boolean;
}

// Twilio requests the result URL right after the filler line is spoken, a few seconds at most.
const KEEP_MS = 60_000;

export class GatherAnswers {
  readonly #entries = new Map<string, Entry>();

  /** Keeps the turn's answer while it runs and for a minute after. */
  track(callSid: string, seq: number, answer: Promise<GatherAnswer>): void {
    const key = `${callSid}:${seq}`;
    const entry: Entry = { answer, failed: false };
    this.#entries.set(key, entry);
    const forget = (given?: GatherAnswer) => {
      const timer = setTimeout(() => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
        // Its TwiML went out from another instance (a result URL read the stored turn), if at all.
        given?.answered?.(false);
      }, KEEP_MS);
      timer.unref();
    };
    answer.then(forget, () => {
      entry.failed = true;
      forget();
    });
  }

  /**
   * The turn's answer, running or given. `includeFailed`: a turn that failed too (the result URL says
   * the apology); a webhook of the same turn takes a failed one anew (the caller was asked again).
   */
  get(
    callSid: string,
    seq: number,
    options: { includeFailed?: boolean } = {},
  ): Promise<GatherAnswer> | undefined {
    const entry = this.#entries.get(`${callSid}:${seq}`);
    if (!entry || (entry.failed && !options.includeFailed)) return undefined;
    return entry.answer;
  }
}
