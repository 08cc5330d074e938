// The one turn runner every transport drives (transport.ts is the seam). For one call on this instance
// it numbers the turns, runs one at a time and cuts the running answer off when the caller talks over
// it or says something new, keeps what the caller heard, keeps the silence and deadline clocks a
// transport asks for, covers a slow reply with a filler line, and ends or transfers the call after the
// turn that says so. It keeps each turn's timeline and reports the turn to the observer (its span,
// metrics, slow-turn alarm); moments that come after a turn is stored (a webhook transport's answer
// going out, Twilio's reports) go to the late-moment book for a later write. The conversation
// (conversation.ts) decides and stores each turn.
import type { Turn, TurnTimeline } from '../domain/call.js';
import { AppError } from '../domain/errors.js';
import { MAX_TWILIO_MOMENTS } from '../domain/late-moments.js';
import type { ReplyPolicy } from '../ports/reply-policy.js';
import type { TurnSpan } from '../ports/telemetry.js';
import type { TurnObserver } from '../ports/turn-observer.js';
import type { CallOperations } from './call-operations.js';
import type { CallSession } from './call-session.js';
import type { Conversation, TurnOutcome } from './conversation.js';
import type { LateMomentBook } from './late-moments.js';
import { RunningTurn } from './running-turn.js';
import { TurnClocks, type IdleClock } from './turn-clocks.js';
import type { CallerInput } from './turn-decision.js';
import { TimelineClock } from './turn-timeline.js';
import type { CallEnd, TransportOutput, TurnLog } from './transport.js';

// A turn number can already be taken when an earlier session of the same call stored it late (its
// turn was still being written when Twilio reconnected); the next numbers are tried.
const MAX_SEQ_ATTEMPTS = 3;
// The engine ends a call whose input arrives after max_call_seconds; the deadline input comes just after.
const DEADLINE_MARGIN_MS = 100;
// Turn timelines are measured on one monotonic clock (a wall-clock change cannot skew them).
const monotonic = (): number => performance.now();

export interface TurnRunnerDeps {
  conversation: Pick<Conversation, 'takeTurn'>;
  operations: Pick<CallOperations, 'commitHeard' | 'keepToolCalls'>;
  log: TurnLog;
  /** Told when a turn starts and once it is stored and answered (absent: nobody is told). */
  observer?: TurnObserver;
  /** Keeps the moments that come after a turn is stored (absent: they stay off the stored turn). */
  late?: Pick<LateMomentBook, 'answered' | 'reported' | 'flush'>;
}

/** What a transport asks of the runner beyond turns: each clock absent is the transport's own. */
export interface TurnRunnerOptions {
  /** Caller silence after the agent spoke becomes a silent turn (Gather: Twilio's timeout does). */
  idle?: IdleClock;
  /** At the agent's max_call_seconds the call gets its closing turn (Gather: Twilio's time limit). */
  deadline?: boolean;
  /** Past this with nothing said yet, `output.filler` covers the wait (unset: never). */
  fillerMs?: number;
  /** Past this into one of the agent's tools with nothing said yet, so does its filler (unset: never). */
  toolFillerMs?: number;
}

export interface TurnResult {
  outcome: TurnOutcome;
  /** The turn ended the call: how. */
  end?: CallEnd;
  /** When the turn's moments happened (the stored turn carries those up to its store). */
  timeline: TurnTimeline;
  /**
   * The transport's answer holding the turn's reply went out (TwiML answered, a web reply sent): the
   * moment goes on the stored turn, and the turn is reported (span, metrics, alarm). `sent` false:
   * no answer goes out from here (another instance gave it), so the turn is reported without it.
   * Only the first call counts.
   */
  answered(sent?: boolean): void;
}

export class TurnRunner {
  readonly #clocks: TurnClocks;
  #running: RunningTurn | undefined;
  /** Runner-numbered turns run one after another; a new input cuts off the running one first. */
  #tail: Promise<void> = Promise.resolve();
  #nextSeq: number;
  /** The last turn whose reply went out in full: a late interrupt (still being spoken) lands here. */
  #lastSpoken: { seq: number; turn?: RunningTurn } | undefined;
  /** The call's time ran out while the agent was answering: the closing turn follows that answer. */
  #deadlinePassed = false;
  /** The transport says the agent's speech is playing (known instead of estimated). */
  #playing = false;
  #state: 'active' | 'ended' | 'stopped' = 'active';

  constructor(
    private readonly deps: TurnRunnerDeps,
    readonly session: CallSession,
    private readonly output: TransportOutput = {},
    private readonly options: TurnRunnerOptions = {},
  ) {
    this.#nextSeq = session.nextSeq;
    this.#clocks = new TurnClocks(options.idle, {
      onIdle: () => this.#onIdle(),
      onDeadline: () => this.#onDeadline(),
    });
  }

  /** A turn is running or queued. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  /**
   * The call goes on here (a socket opened): the deadline clock starts, and the idle clock once the
   * last stored line (on a fresh call, the greeting) has been spoken.
   */
  start(): void {
    const { call, agent, turns } = this.session;
    if (this.options.deadline)
      this.#clocks.startDeadline(
        Date.parse(call.started_at) + agent.max_call_seconds * 1_000 + DEADLINE_MARGIN_MS,
      );
    const last = turns.at(-1);
    if (last) this.#lastSpoken = { seq: last.seq };
    this.#startIdle(last?.agent_text.length ?? 0);
  }

  /**
   * A turn the transport numbers itself (Gather's seq, the web call's): a redelivery of a stored turn
   * gets it back as it was. Rejects when the turn could not be taken, for the transport to answer.
   */
  async take(
    input: CallerInput,
    seq: number,
    options: {
      receivedAt?: Date;
      /** performance.now() when the transport received the input (the timeline starts there). */
      inputAt?: number;
    } = {},
  ): Promise<TurnResult> {
    const turn = this.#newTurn(input, options.receivedAt ?? new Date(), this.session.agent.language, {
      inputAt: options.inputAt,
    });
    const outcome = await this.#turn(turn, seq);
    const end = endOf(outcome);
    if (end) await this.#end(end);
    return {
      outcome,
      ...(end ? { end } : {}),
      timeline: turn.timeline.timeline,
      answered: (sent = true) => this.#answered(turn, outcome, sent, end !== undefined),
    };
  }

  /**
   * A turn the runner numbers (streaming transports): it runs after the one before, which it cuts
   * off when that one is still answering. A failure is said to the caller as a short apology.
   * `given`: the transport's own model already answered and spoke (a realtime speech-to-speech model);
   * its policy returns that reply, and `heard` is what the caller heard of it when cut short.
   */
  input(
    input: CallerInput,
    options: { lang?: string; given?: { policy: ReplyPolicy; heard?: string } } = {},
  ): void {
    if (this.#state !== 'active') return;
    const turn = this.#newTurn(input, new Date(), options.lang ?? this.session.agent.language, {
      ...(options.given ? { given: options.given } : {}),
    });
    this.#clocks.stopIdle();
    // Without an interrupt from the transport (which says what was heard), the caller heard at most
    // what was sent of the answer this input replaces.
    const previous = this.#running;
    if (previous && !previous.finished) {
      previous.heard ??= previous.sent;
      previous.abort('preempted');
    }
    this.#running = turn;
    this.#tail = this.#tail
      .then(() => this.#runQueued(turn))
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'turn failed'));
  }

  /** The caller talked over the agent: the running answer stops now, and only what was heard is kept. */
  interrupt(utterance: string): void {
    this.#clocks.stopIdle();
    const turn = this.#running;
    if (turn && !turn.finished) {
      // A given reply was spoken by the transport's own model, which says what was heard of it, even
      // before the runner has passed its text along.
      if (turn.sent || turn.given) turn.heard = turn.heardOfReply(utterance);
      else {
        // Nothing of this reply was heard: the caller talked over its filler, or over the previous reply.
        turn.heard = '';
        if (!turn.filler) this.#commitLastSpoken(utterance);
      }
      turn.abort('interrupted');
      return;
    }
    // The answer went out in full but was still being spoken.
    this.#commitLastSpoken(utterance);
  }

  /** The caller is speaking (before the transcript is final): not silent. */
  callerActive(): void {
    this.#clocks.stopIdle();
  }

  /** The transport reports the agent's speech starting or ending (ConversationRelay's `agentSpeaking`). */
  playback(playing: boolean): void {
    this.#playing = playing;
    if (this.#state !== 'active') return;
    if (playing) this.#clocks.stopIdle();
    else if (!this.#running) this.#clocks.startIdle(0);
  }

  /**
   * Something the transport's far side reported about the reply playing (ConversationRelay's `info`
   * events): a moment on the timeline of the running turn, else of the last one spoken. Before the
   * turn is stored it goes with the turn's put; after, it is a late moment. A name only, never a
   * value (tokensPlayed carries the words played).
   */
  reported(name: string): void {
    const turn = this.#running ?? this.#lastSpoken?.turn;
    if (!turn || (turn.timeline.timeline.twilio?.length ?? 0) >= MAX_TWILIO_MOMENTS) return;
    const moment = turn.timeline.twilio(name);
    if (turn.storedSeq !== undefined) this.deps.late?.reported(this.session, turn.storedSeq, moment);
  }

  /**
   * No more turns: the running one is cut off (what was heard is kept) and the clocks stop. The late
   * moments held for the call are kept now.
   */
  stop(reason: string): void {
    if (this.#state === 'active') this.#state = 'stopped';
    this.#clocks.stopAll();
    this.#running?.abort(reason);
    void this.deps.late?.flush(this.session.callSid);
  }

  /** Lets the running turns finish within graceMs (a graceful shutdown); the clocks start none. */
  async drain(graceMs: number): Promise<void> {
    this.#clocks.stopAll();
    const deadline = Date.now() + graceMs;
    while (this.#running && Date.now() < deadline) {
      const tail = this.#tail;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        tail,
        new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now()))),
      ]);
      clearTimeout(timer);
      if (tail === this.#tail && this.#running) break;
    }
  }

  // ---- turns ------------------------------------------------------------------------------------

  #newTurn(
    input: CallerInput,
    receivedAt: Date,
    lang: string,
    at: { inputAt?: number; given?: RunningTurn['given'] } = {},
  ): RunningTurn {
    const timeline = new TimelineClock(monotonic, at.inputAt ?? monotonic());
    return new RunningTurn(input, receivedAt, timeline, lang, this.output, at.given);
  }

  async #runQueued(turn: RunningTurn): Promise<void> {
    if (this.#state !== 'active') {
      if (this.#running === turn) this.#running = undefined;
      return;
    }
    const outcome = await this.#turn(turn, undefined).catch((error: unknown) => {
      this.#apologise(turn, error);
      return undefined;
    });
    if (this.#running === turn) this.#running = undefined;
    const end = outcome && endOf(outcome);
    if (end) {
      // The closing line (or the caller's barge-in over it) is done: the transport ends the call.
      if (this.#state === 'active') await this.#end(end);
      return;
    }
    this.#afterAnswer(turn);
  }

  /** Runs one turn: claims its number, streams its reply, keeps what was heard. */
  async #turn(turn: RunningTurn, explicitSeq: number | undefined): Promise<TurnOutcome> {
    const { conversation } = this.deps;
    turn.startFillers({ replyMs: this.options.fillerMs, toolMs: this.options.toolFillerMs }, this.deps.log);
    let outcome: TurnOutcome;
    let span: TurnSpan | undefined;
    try {
      let seq = explicitSeq ?? this.#claimSeq();
      for (let attempt = 1; ; attempt += 1) {
        turn.seq = seq;
        span = this.deps.observer?.startTurn(this.session.call, seq, this.session.call.transport);
        outcome = await conversation.takeTurn(this.session, seq, turn.input, {
          ...(turn.onText ? { onText: turn.onText } : {}),
          onToolEvent: turn.onToolEvent,
          signal: turn.signal,
          receivedAt: turn.receivedAt,
          heard: turn.heardNow,
          contiguous: explicitSeq !== undefined,
          timeline: turn.timeline,
          ...(turn.given ? { policy: turn.given.policy } : {}),
        });
        // A stored turn under a number this runner chose is someone else's: take the next one.
        if (explicitSeq !== undefined || !outcome.duplicate) break;
        span?.end();
        if (attempt >= MAX_SEQ_ATTEMPTS) throw new AppError('conflict', 'no free turn number for the input');
        this.deps.log.warn({ seq }, 'turn number already stored by an earlier session; taking the next one');
        seq = this.#claimSeq();
      }
    } catch (error) {
      turn.finished = true;
      span?.end();
      throw error;
    } finally {
      turn.stopFillers();
    }
    if (!turn.aborted && !outcome.duplicate) turn.finish(outcome.turn.agent_text);
    turn.finished = true;
    if (!outcome.duplicate) this.#stored(turn, outcome.turn);
    if (explicitSeq !== undefined) {
      // The transport answers with the stored turn: it is reported once that answer went out.
      turn.span = span;
    } else {
      if (!this.output.speak) turn.timeline.mark('first_text_out');
      this.#report(span, turn, outcome);
    }
    if (turn.sent) this.#lastSpoken = { seq: outcome.turn.seq, turn };
    if (turn.heard !== undefined) await this.#commitHeard(outcome, turn.heard);
    if (turn.aborted && !outcome.duplicate) this.#keepLateToolCalls(turn, outcome.turn);
    return outcome;
  }

  /**
   * A turn cut short is stored at once, without its tools' outcomes; a tool still running goes on
   * (user-tool.ts), and once all have answered the turn keeps how each went. Not awaited: the
   * caller's next turn does not wait for a tool whose answer nobody will hear.
   */
  #keepLateToolCalls(turn: RunningTurn, stored: Turn): void {
    void turn
      .toolsSettled()
      .then(async (records) => {
        if (records.length <= (stored.tool_calls?.length ?? 0)) return;
        await this.deps.operations.keepToolCalls(this.session, stored.seq, records);
      })
      .catch((error: unknown) =>
        this.deps.log.error({ err: error, seq: stored.seq }, 'could not keep the tool calls of a cut turn'),
      );
  }

  /**
   * The runner's put stored the turn: what Twilio reported while the put was on its way is a late
   * moment, as is all it reports from now on.
   */
  #stored(turn: RunningTurn, stored: Turn): void {
    turn.storedSeq = stored.seq;
    const reports = turn.timeline.timeline.twilio ?? [];
    for (const moment of reports.slice(stored.timeline?.twilio?.length ?? 0))
      this.deps.late?.reported(this.session, stored.seq, moment);
  }

  /** A webhook transport's answer with the turn went out (or will not from here): see TurnResult. */
  #answered(turn: RunningTurn, outcome: TurnOutcome, sent: boolean, endsCall: boolean): void {
    if (turn.answered) return;
    turn.answered = true;
    if (sent) turn.timeline.mark('first_text_out');
    this.#report(turn.span, turn, outcome);
    const at = turn.timeline.timeline.first_text_out;
    if (sent && turn.storedSeq !== undefined && at !== undefined)
      this.deps.late?.answered(this.session, turn.storedSeq, at);
    // No later turn of the call will carry the moments: they are kept now.
    if (endsCall) void this.deps.late?.flush(this.session.callSid);
  }

  /**
   * The turn is stored and its reply went out: the observer gets it with its whole timeline. A
   * redelivery was reported the first time.
   */
  #report(span: TurnSpan | undefined, turn: RunningTurn, outcome: TurnOutcome): void {
    if (!span) return;
    if (outcome.duplicate) return span.end();
    const { call } = this.session;
    this.deps.observer?.turnDone(
      span,
      call,
      { ...outcome.turn, timeline: turn.timeline.timeline },
      call.transport,
    );
  }

  #claimSeq(): number {
    const seq = Math.max(this.#nextSeq, this.session.nextSeq);
    this.#nextSeq = seq + 1;
    return seq;
  }

  /** The turn was cut after it was stored: the stored reply becomes what the caller heard. */
  async #commitHeard(outcome: TurnOutcome, heard: string): Promise<void> {
    const stored = outcome.turn;
    if (stored.interrupted && stored.agent_text === heard) return;
    await this.#storeHeard(stored.seq, heard);
  }

  #commitLastSpoken(utterance: string): void {
    const last = this.#lastSpoken;
    if (last) void this.#storeHeard(last.seq, last.turn?.heardOfReply(utterance) ?? utterance);
  }

  async #storeHeard(seq: number, heard: string): Promise<void> {
    try {
      await this.deps.operations.commitHeard(this.session, seq, heard);
      this.deps.log.info({ seq, heard_chars: heard.length }, 'turn interrupted by the caller');
    } catch (error) {
      this.deps.log.error({ err: error, seq }, 'could not store the interrupted turn');
    }
  }

  #apologise(turn: RunningTurn, error: unknown): void {
    this.deps.log.error({ err: error, seq: turn.seq }, 'turn could not be handled');
    if (turn.aborted || this.#state !== 'active') return;
    turn.apologise();
    // The apology belongs to no stored turn: a barge-in over it cuts nothing that was stored.
    if (turn.sent) this.#lastSpoken = undefined;
  }

  async #end(end: CallEnd): Promise<void> {
    this.#state = 'ended';
    this.#clocks.stopAll();
    await this.output.end?.(end);
  }

  // ---- clocks -----------------------------------------------------------------------------------

  /** The answer is out and the call goes on: the caller's turn, or the closing one when time is up. */
  #afterAnswer(turn: RunningTurn): void {
    if (this.#state !== 'active' || this.#running) return;
    if (this.#deadlinePassed) {
      this.#deadlinePassed = false;
      return this.input({ kind: 'silence' });
    }
    // An answer cut short: the caller is talking, and their input is on its way.
    if (turn.heard === undefined) this.#startIdle(turn.sent.length);
  }

  /** The caller's silence counts once the agent has spoken `spokenChars` (estimated) and stopped. */
  #startIdle(spokenChars: number): void {
    if (!this.#playing) this.#clocks.startIdle(spokenChars);
  }

  /** The caller said nothing for a while after the agent finished: the same silent turn as on Gather. */
  #onIdle(): void {
    if (this.#state !== 'active' || (this.#running && !this.#running.finished)) return;
    this.input({ kind: 'silence' });
  }

  /** The call's time is up: the engine answers any input now with the closing line (system_timeout). */
  #onDeadline(): void {
    if (this.#state !== 'active') return;
    if (this.#running && !this.#running.finished) {
      this.#deadlinePassed = true;
      return;
    }
    this.input({ kind: 'silence' });
  }
}

/** What a stored turn asks of the call: nothing, a hang-up after it, or a transfer. */
function endOf(outcome: TurnOutcome): CallEnd | undefined {
  const endedBy = outcome.turn.ends_call;
  if (!endedBy) return undefined;
  return outcome.transfer ? { kind: 'transfer', target: outcome.transfer } : { kind: 'hangup', endedBy };
}
