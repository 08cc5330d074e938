import { AppError } from '../domain/errors.js';
import type { CallerInput } from './conversation.js';
import type { TurnMarks } from './turn-marks.js';

/** One caller input on its way through the runner: what went out of its reply, and whether it was cut. */
export class RunningTurn {
  readonly #controller = new AbortController();
  /** Set when the reply was cut short: what the caller heard of it, stored with the turn. */
  heard: string | undefined;
  /** The reply went out in full, or the turn is over. */
  finished = false;
  /** The reply text the policy produced so far. */
  streamed = '';
  /** The reply text that went out so far: at most what the caller heard. */
  sent = '';
  /** The filler line, once it went out: spoken, but not part of the reply. */
  filler: string | undefined;
  /** The turn number it runs under, once claimed. */
  seq: number | undefined;

  constructor(
    readonly input: CallerInput,
    readonly receivedAt: Date,
    readonly marks: TurnMarks,
    /** The language of lines the runner says itself (apology, filler). */
    readonly lang: string,
  ) {}

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#controller.signal.aborted;
  }

  abort(reason: string): void {
    if (!this.aborted) this.#controller.abort(new AppError('unavailable', `turn aborted: ${reason}`));
  }

  /** For the conversation, just before the turn is stored. */
  readonly heardNow = (): string | undefined => this.heard;

  /** What the caller heard of the reply itself, from the transport's account of what was spoken. */
  heardOfReply(utterance: string): string {
    const filler = this.filler?.trim();
    if (!filler) return utterance;
    const heard = utterance.trimStart();
    return heard.startsWith(filler) ? heard.slice(filler.length).trimStart() : utterance;
  }
}
