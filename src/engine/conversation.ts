import type { Agent, TransferTarget } from '../domain/agent.js';
import type { Call, Turn, TurnTimeline } from '../domain/call.js';
import type { CallStore } from '../ports/call-store.js';
import type { ReplyPolicy, TurnContext } from '../ports/reply-policy.js';
import type { CallSession } from './call-session.js';
import type { CallSessions } from './call-sessions.js';
import type { LateMomentBook } from './late-moments.js';
import { countTurns, findTarget } from './count-turns.js';
import { recallPastCalls } from './past-call-memory.js';
import { callerTextOf, decideTurn, usageOf, type CallerInput } from './turn-decision.js';
import type { TimelineClock } from './turn-timeline.js';

export type { CallerInput } from './turn-decision.js';

export interface TurnOutcome {
  turn: Turn;
  /** The call as it was before this turn, and its agent. */
  call: Call;
  agent: Agent;
  /** The turn was already stored: a duplicate delivery gets the same answer. */
  duplicate: boolean;
  transfer?: TransferTarget;
}

export interface TurnOptions {
  /** Receives reply text as the policy produces it (streaming transports). */
  onText?: (delta: string) => void;
  /** Aborts the turn, e.g. when the caller interrupts. */
  signal?: AbortSignal;
  /** Moment the transport received the caller input. */
  receivedAt?: Date;
  /**
   * What the caller heard when the reply was cut short (a barge-in, or newer input), asked just
   * before the turn is stored: the turn is then stored as heard, marked interrupted.
   */
  heard?: () => string | undefined;
  /**
   * The transport numbers its turns one after another (Gather, the web call): when the turn before
   * this one is unknown here, another instance took it, and the session is reloaded first.
   */
  contiguous?: boolean;
  /** Told when one of the agent's own tools starts and ends (a slow tool's filler line, its timing). */
  onToolEvent?: TurnContext['onToolEvent'];
  /** The turn's moments as it goes, stored with the turn (the runner's clock). */
  timeline?: TimelineClock;
  /** Answers instead of the agent's policy (a realtime model's reply, already spoken). */
  policy?: ReplyPolicy;
}

export interface ConversationDeps {
  calls: Pick<CallStore, 'putTurn' | 'getTurn' | 'pastCalls'>;
  sessions: CallSessions;
  /** Late moments of earlier turns, which each turn's put carries (absent: none are kept). */
  late?: Pick<LateMomentBook, 'take' | 'giveBack'>;
  policyFor: (agent: Agent) => ReplyPolicy;
  turnTimeoutMs: number;
  defaultTimezone: string;
  /** ISO country of phone numbers keyed in without one (DEFAULT_PHONE_REGION). */
  phoneRegion?: string;
  now?: () => Date;
  onError?: (error: unknown, context: { callSid: string; seq: number }) => void;
  /**
   * Puts the caller's number on the do-not-call list ("stop calling me"); the agent confirms only
   * after it resolves. Without it such a request goes to the policy like any other words.
   */
  onDoNotCall?: (call: Call, seq: number) => Promise<void>;
}

/**
 * One conversation engine for every transport: it turns a caller input into the agent's next line,
 * stores the turn before the caller hears it, and applies the end-of-call rules. It works on the
 * call's session (call-session.ts), which the instance serving the call keeps and the store rebuilds,
 * so a turn reads nothing in the steady state and any instance can still take any turn.
 */
export class Conversation {
  private readonly inFlight = new Map<string, Promise<TurnOutcome>>();
  private readonly now: () => Date;

  constructor(private readonly deps: ConversationDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Starts the conversation of a call just answered: stores the greeting as turn 0 (no model call
   * before it) and, with `recall`, decides whether the call recalls its person's past calls (once per
   * call). Both land on the call item in one versioned write. Idempotent: a redelivered answer
   * webhook gets the stored greeting.
   */
  async startCall(
    session: CallSession,
    options: {
      recall: boolean;
      stirVerstat?: string;
      /** From the answer webhook's arrival: the greeting turn keeps it up to its store. */
      timeline?: TimelineClock;
    },
  ): Promise<Turn> {
    const { calls } = this.deps;
    const callSid = session.callSid;
    const needsMemory = options.recall && session.call.memory === undefined;
    const [greeting, recalled] = await Promise.all([
      session.turn(0) ?? this.storeGreeting(session, options.timeline),
      needsMemory ? recallPastCalls(calls, session.call, session.agent, options.stirVerstat) : undefined,
    ]);
    const counting = this.deps.sessions.update(session, (current) => {
      const memory = recalled && current.memory === undefined ? recalled : undefined;
      if (!memory && current.turn_count >= 1) return undefined;
      return { ...memory, turn_count: Math.max(current.turn_count, 1) };
    });
    // The caller is greeted even if counting the greeting fails now (the next turn counts it); the
    // memory decision, once made, must be kept, so its failure fails the answer (Twilio retries it).
    if (recalled) await counting;
    else await counting.catch((error: unknown) => this.deps.onError?.(error, { callSid, seq: 0 }));
    return greeting;
  }

  private async storeGreeting(session: CallSession, timeline?: TimelineClock): Promise<Turn> {
    const at = this.now().toISOString();
    const turn: Turn = {
      call_sid: session.callSid,
      seq: 0,
      kind: 'greeting',
      agent_text: session.agent.greeting,
      received_at: at,
      replied_at: at,
      latency_ms: 0,
      ...(timeline ? { timeline: storedTimeline(timeline) } : {}),
    };
    const stored = (await this.deps.calls.putTurn(turn))
      ? turn
      : ((await this.deps.calls.getTurn(session.callSid, 0)) ?? turn);
    session.add(stored);
    return stored;
  }

  /** Handles caller input `seq`; a second delivery of the same seq returns the stored turn. */
  takeTurn(
    session: CallSession,
    seq: number,
    input: CallerInput,
    options: TurnOptions = {},
  ): Promise<TurnOutcome> {
    const key = `${session.callSid}:${seq}`;
    const running = this.inFlight.get(key);
    if (running) return running.then((outcome) => ({ ...outcome, duplicate: true }));
    const promise = this.runTurn(session, seq, input, options).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  private async runTurn(
    session: CallSession,
    seq: number,
    input: CallerInput,
    options: TurnOptions,
  ): Promise<TurnOutcome> {
    const receivedAt = options.receivedAt ?? this.now();
    if (options.contiguous && seq > 0 && !session.turn(seq - 1)) await this.deps.sessions.reload(session);
    const { agent } = session;
    const stored = session.turn(seq);
    if (stored) {
      // A redelivery after the turn was stored but not yet counted on the call (a crash or a store
      // fault between the two writes): count it now, once.
      if (session.call.turn_count <= stored.seq) {
        await this.count(session, stored, { onlyIfUncounted: true }).catch((error: unknown) =>
          this.deps.onError?.(error, { callSid: session.callSid, seq }),
        );
      }
      return {
        turn: stored,
        call: session.call,
        agent,
        duplicate: true,
        transfer: findTarget(agent, stored),
      };
    }
    const call = session.call;
    const history = session.before(seq);
    const decision = await decideTurn(this.deps, {
      call,
      agent,
      history,
      seq,
      input,
      receivedAt,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onText ? { onText: options.onText } : {}),
      ...(options.onToolEvent ? { onToolEvent: options.onToolEvent } : {}),
      ...(options.timeline ? { timeline: options.timeline } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
    });
    const repliedAt = this.now();
    const heard = options.heard?.();
    const turn: Turn = {
      call_sid: call.call_sid,
      seq,
      kind: decision.kind,
      ...(input.kind !== 'silence' ? { caller_text: callerTextOf(input) } : {}),
      ...(input.kind === 'speech' && input.confidence !== undefined ? { confidence: input.confidence } : {}),
      agent_text: heard ?? decision.reply.text,
      ...(heard !== undefined ? { interrupted: true } : {}),
      ...(decision.reply.end ? { ends_call: decision.reply.end } : {}),
      ...(Object.keys(decision.reply.extracted).length > 0 ? { extracted: decision.reply.extracted } : {}),
      ...(decision.transfer ? { transfer_to: decision.transfer.id } : {}),
      ...(decision.doNotCall ? { do_not_call: true } : {}),
      ...(decision.failedFields ? { failed_fields: decision.failedFields } : {}),
      ...(decision.keypadField ? { keypad_field: decision.keypadField } : {}),
      received_at: receivedAt.toISOString(),
      replied_at: repliedAt.toISOString(),
      latency_ms: Math.max(0, repliedAt.getTime() - receivedAt.getTime()),
      ...usageOf(decision.reply),
      ...(options.timeline ? { timeline: storedTimeline(options.timeline) } : {}),
    };
    if (!(await this.putTurn(session, turn))) {
      // Another writer stored this turn number first: what the store holds now is the truth.
      await this.deps.sessions.reload(session);
      const winner = session.turn(seq) ?? (await this.deps.calls.getTurn(call.call_sid, seq));
      if (winner) return { turn: winner, call, agent, duplicate: true, transfer: findTarget(agent, winner) };
    }
    session.add(turn);
    // The turn is stored: the caller hears it even if counting it on the call fails now. The next
    // turn (or a redelivery of this one) counts it, because turns the call lags behind are folded in.
    await this.count(session, turn).catch((error: unknown) =>
      this.deps.onError?.(error, { callSid: call.call_sid, seq }),
    );
    return { turn, call, agent, duplicate: false, transfer: decision.transfer };
  }

  /** Stores the turn with the late moments of earlier turns (kept for a later put when it fails). */
  private async putTurn(session: CallSession, turn: Turn): Promise<boolean> {
    const late = this.deps.late?.take(session.callSid);
    let stored = false;
    try {
      stored = await this.deps.calls.putTurn(turn, late);
      return stored;
    } finally {
      if (!stored) this.deps.late?.giveBack(session, late);
    }
  }

  /**
   * Counts a stored turn on the call item (collected data, turn count, totals), together with any
   * earlier stored turn the call has not counted yet (turn_count lags behind it). One versioned write
   * from the session's copy of the call; a conflict reloads the session (its turns too) and recounts.
   */
  private async count(
    session: CallSession,
    turn: Turn,
    /** Skip `turn` when the call already counts it (a concurrent delivery of the same turn did). */
    options: { onlyIfUncounted?: boolean } = {},
  ): Promise<void> {
    await this.deps.sessions.update(session, (current) => {
      if (options.onlyIfUncounted && current.turn_count > turn.seq) return undefined;
      return countTurns(current, session.turns, session.agent);
    });
  }
}

/**
 * The timeline as the turn is stored: `stored` is marked as the put goes out (the item cannot hold
 * its own write's end), and the copy is not changed by what the runner marks afterwards.
 */
function storedTimeline(clock: TimelineClock): TurnTimeline {
  clock.mark('stored');
  const { tools, twilio, ...moments } = clock.timeline;
  return {
    ...moments,
    ...(tools ? { tools: tools.map((span) => ({ ...span })) } : {}),
    ...(twilio ? { twilio: twilio.slice() } : {}),
  };
}
