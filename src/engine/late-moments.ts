// Moments of stored turns that come after their store (a Gather or web answer going out, Twilio's
// reports of a reply playing; TurnTimeline says why). They wait here for this instance's next turn
// of the call, whose put carries them at no cost of its own. When none comes within HOLD_MS (the
// next Gather turn went to another instance, or nobody spoke), or the call ends here, they are kept
// with one write of their own, off the turn path. The session's copy of each turn gets them at once,
// so the call's latency percentiles count them.
import type { TimelineMoment } from '../domain/call.js';
import { AppError } from '../domain/errors.js';
import { withLateMoments, type LateMoments } from '../domain/late-moments.js';
import type { CallStore } from '../ports/call-store.js';
import type { CallSession } from './call-session.js';

// Longer than a caller usually takes to hear a reply and answer it, so a call whose turns stay on
// this instance never needs a write of their own; short enough that an instance keeps few.
const HOLD_MS = 60_000;

interface Held {
  bySeq: Map<number, LateMoments>;
  timer: NodeJS.Timeout | undefined;
}

export interface LateMomentBookDeps {
  calls: Pick<CallStore, 'keepLateMoments'>;
  onError?: (error: unknown, context: { callSid: string; seq: number }) => void;
}

export class LateMomentBook {
  readonly #held = new Map<string, Held>();
  /** Each call's writes under way, one after another. */
  readonly #writing = new Map<string, Promise<void>>();
  readonly #holdMs: number;

  constructor(
    private readonly deps: LateMomentBookDeps,
    options: { holdMs?: number } = {},
  ) {
    this.#holdMs = options.holdMs ?? HOLD_MS;
  }

  /** The answer holding stored turn `seq`'s reply went out `at` ms into the turn. */
  answered(session: CallSession, seq: number, at: number): void {
    this.#add(session, { seq, first_text_out: at });
  }

  /** The far side reported something about stored turn `seq` (a name, never words). */
  reported(session: CallSession, seq: number, moment: TimelineMoment): void {
    this.#add(session, { seq, twilio: [moment] });
  }

  /** What the call's next put carries, taken off the book (give it back if the put did not apply). */
  take(callSid: string): LateMoments[] | undefined {
    const held = this.#held.get(callSid);
    if (!held) return undefined;
    this.#held.delete(callSid);
    clearTimeout(held.timer);
    return [...held.bySeq.values()];
  }

  giveBack(session: CallSession, late: readonly LateMoments[] | undefined): void {
    for (const moments of late ?? []) this.#add(session, moments, { onSession: true });
  }

  /**
   * Keeps what is held for the call now, with one write (the call ended here); resolves once the
   * call's writes under way are done too, so a reader after it sees them. Never rejects.
   */
  flush(callSid: string): Promise<void> {
    const late = this.take(callSid);
    const before = this.#writing.get(callSid);
    if (!late?.length) return before ?? Promise.resolve();
    const carrier = Math.max(...late.map((moments) => moments.seq));
    const writing = (before ?? Promise.resolve())
      .then(() => this.deps.calls.keepLateMoments(callSid, carrier, late))
      .catch((error: unknown) => {
        const failed = new AppError('unavailable', 'could not keep the late moments of turns', {
          cause: error,
        });
        this.deps.onError?.(failed, { callSid, seq: carrier });
      });
    this.#writing.set(callSid, writing);
    void writing.then(() => {
      if (this.#writing.get(callSid) === writing) this.#writing.delete(callSid);
    });
    return writing;
  }

  /** Keeps everything held, and waits for the writes under way (a graceful shutdown). */
  async flushAll(): Promise<void> {
    const calls = new Set([...this.#held.keys(), ...this.#writing.keys()]);
    await Promise.all([...calls].map((callSid) => this.flush(callSid)));
  }

  #add(session: CallSession, late: LateMoments, options: { onSession?: boolean } = {}): void {
    const callSid = session.callSid;
    let held = this.#held.get(callSid);
    if (!held) {
      held = { bySeq: new Map(), timer: undefined };
      this.#held.set(callSid, held);
      held.timer = setTimeout(() => void this.flush(callSid), this.#holdMs);
      held.timer.unref();
    }
    const { seq, ...moments } = late;
    const kept = held.bySeq.get(seq);
    held.bySeq.set(seq, kept ? withLateMoments(kept, moments) : late);
    if (options.onSession) return;
    const stored = session.turn(seq);
    if (stored?.timeline) session.add({ ...stored, timeline: withLateMoments(stored.timeline, moments) });
  }
}
