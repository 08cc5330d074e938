import type { ToolCallRecord } from '../domain/call.js';
import { AppError } from '../domain/errors.js';
import type { ReplyPolicy, ToolEvent } from '../ports/reply-policy.js';
import type { TurnSpan } from '../ports/telemetry.js';
import { phrasesFor } from './phrases.js';
import { ToolWait } from './tool-wait.js';
import type { CallerInput } from './turn-decision.js';
import type { TimelineClock } from './turn-timeline.js';
import type { TransportOutput, TurnLog } from './transport.js';

/**
 * One caller input on its way through the runner (turn-runner.ts): its reply going out through the
 * transport as the policy produces it, and whether the caller cut it short.
 */
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
  /** The turn number this runner's put stored it under (unset: not stored by this runner, or not yet). */
  storedSeq: number | undefined;
  /** A webhook transport's turn: its span, reported once the answer went out. */
  span: TurnSpan | undefined;
  /** That answer was reported. */
  answered = false;
  /** The agent's own tools of this turn, once one starts. */
  #tools: ToolWait | undefined;
  #replyFiller: NodeJS.Timeout | undefined;
  /** A tool running this long unanswered is covered by a filler line (unset: only a slow reply is). */
  #toolFillerMs: number | undefined;
  #log: TurnLog | undefined;

  /**
   * Receives the policy's text (streaming transports, and a transport that says fillers: the model's
   * own words before a tool call are the line that covers it there); one function per turn.
   */
  readonly onText: ((delta: string) => void) | undefined;

  constructor(
    readonly input: CallerInput,
    readonly receivedAt: Date,
    readonly timeline: TimelineClock,
    /** The language of lines the runner says itself (apology, filler). */
    readonly lang: string,
    private readonly output: TransportOutput,
    /** The reply is given, already spoken by the transport's own model: its text is not sent again. */
    readonly given?: { policy: ReplyPolicy; heard?: string },
  ) {
    this.heard = given?.heard;
    this.onText =
      output.speak || output.filler
        ? (delta) => {
            if (this.aborted) return;
            this.streamed += delta;
            if (given) this.sent += delta;
            else this.speak(delta);
          }
        : undefined;
  }

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

  /** Sends part of the reply; what went out is what the caller may have heard. */
  speak(text: string): void {
    if (text.length === 0 || !this.output.speak?.(text)) return;
    if (this.sent.length === 0) this.timeline.mark('first_text_out');
    this.sent += text;
  }

  /**
   * Sends what the caller has not heard yet, then marks the reply complete. Usually the stored reply
   * is what was streamed; the engine may also answer without the policy (silence, low confidence, a
   * timeout apology), and then the stored text is all there is to say.
   */
  finish(stored: string): void {
    if (!this.output.speak) return;
    // A given reply cut short was stored as heard: nothing of it is said again.
    if (this.given && this.heard !== undefined) return this.output.replied?.();
    const said = this.streamed.trim();
    if (stored.trim() !== said) {
      if (!said) this.speak(stored);
      else if (stored.startsWith(said)) {
        const rest = stored.slice(said.length);
        if (rest.trim()) this.speak(rest);
      } else this.speak(` ${stored}`);
    }
    this.output.replied?.();
  }

  /** The apology for a turn that could not be taken; it belongs to no stored turn. */
  apologise(): void {
    this.speak(phrasesFor(this.lang).turnFailed());
    this.output.replied?.();
  }

  /**
   * One of the agent's own tools started or ended: its time goes on the timeline, one that keeps the
   * caller waiting past the tool filler time is covered by its filler line, and how it went is kept.
   */
  readonly onToolEvent = (event: ToolEvent): void => {
    const slowMs = this.#toolFillerMs;
    this.#tools ??= new ToolWait(
      this.timeline,
      slowMs !== undefined ? { afterMs: slowMs, then: () => this.#sayFiller('slow tool') } : undefined,
    );
    this.#tools.on(event);
  };

  /** Resolves with how each of the agent's tools went this turn, once none is running. */
  toolsSettled(): Promise<readonly ToolCallRecord[]> {
    return this.#tools?.settled() ?? Promise.resolve([]);
  }

  /**
   * Past `replyMs` with nothing said, or `toolMs` into a tool's wait, one filler line covers the wait
   * (a silent turn needs no model). Stopped by stopFillers.
   */
  startFillers(ms: { replyMs?: number; toolMs?: number }, log: TurnLog): void {
    if (!this.output.filler || this.input.kind === 'silence') return;
    this.#log = log;
    this.#toolFillerMs = ms.toolMs;
    if (ms.replyMs === undefined) return;
    this.#replyFiller = setTimeout(() => this.#sayFiller('slow reply'), ms.replyMs);
    this.#replyFiller.unref();
  }

  stopFillers(): void {
    clearTimeout(this.#replyFiller);
    this.#tools?.stopClock();
  }

  /**
   * Once per turn, and only while the caller has heard nothing of the reply; never stored with the
   * turn. Where the reply is not streamed (Gather), the model's own words before its tool call ("Let
   * me check.") are the line, as the caller would hear them from a person; else the running tool's
   * filler, else the general one. Where it is streamed, those words already went out and cover the
   * wait themselves.
   */
  #sayFiller(why: 'slow reply' | 'slow tool'): void {
    if (this.aborted || this.finished || this.filler !== undefined) return;
    if (this.output.speak && (this.streamed.trim() || this.sent.trim())) return;
    const own = this.output.speak ? '' : this.streamed.trim();
    const line = `${own || this.#tools?.filler || phrasesFor(this.lang).filler()} `;
    if (this.output.filler?.(line)) {
      this.filler = line;
      this.#log?.info({ seq: this.seq, why }, 'the caller hears a filler line while waiting');
    }
  }
}
