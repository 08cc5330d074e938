import type { Agent } from '../domain/agent.js';
import type { Call, Turn } from '../domain/call.js';

// Turns kept and handed to the policy; the prompt builder bounds them further by size. Keeps a long
// call's turn cost flat instead of growing with every turn.
export const HISTORY_TURNS = 60;

/**
 * What the instance serving a call knows of it: the call item as last read or written (its version
 * says how current it is), the agent, and the most recent stored turns, oldest first. Only ever a
 * copy: the store is the truth, every turn is stored before the caller hears it, and a session that
 * is missing or stale is rebuilt from the store (call-sessions.ts).
 */
export class CallSession {
  #turns: Turn[];

  constructor(
    public call: Call,
    readonly agent: Agent,
    turns: readonly Turn[],
  ) {
    this.#turns = turns.slice(-HISTORY_TURNS);
  }

  get callSid(): string {
    return this.call.call_sid;
  }

  /** The recent stored turns, oldest first. */
  get turns(): readonly Turn[] {
    return this.#turns;
  }

  /** The number after the last turn known: where a transport that numbers nothing itself goes on. */
  get nextSeq(): number {
    return Math.max(this.call.turn_count, (this.#turns.at(-1)?.seq ?? -1) + 1);
  }

  /** The stored turn `seq`, when it is among the recent ones. */
  turn(seq: number): Turn | undefined {
    for (let i = this.#turns.length - 1; i >= 0; i -= 1) {
      const turn = this.#turns[i]!;
      if (turn.seq === seq) return turn;
      if (turn.seq < seq) return undefined;
    }
    return undefined;
  }

  /** The recent turns before `seq`: what the policy sees of the call so far. */
  before(seq: number): Turn[] {
    const turns = this.#turns;
    let end = turns.length;
    while (end > 0 && turns[end - 1]!.seq >= seq) end -= 1;
    return turns.slice(0, end);
  }

  /** A turn just stored (or found stored): kept in seq order, the oldest dropped past HISTORY_TURNS. */
  add(turn: Turn): void {
    const turns = this.#turns;
    let at = turns.length;
    while (at > 0 && turns[at - 1]!.seq >= turn.seq) at -= 1;
    if (turns[at]?.seq === turn.seq) turns[at] = turn;
    else turns.splice(at, 0, turn);
    if (turns.length > HISTORY_TURNS) turns.splice(0, turns.length - HISTORY_TURNS);
  }

  /** What the store now says: the call item and its recent turns. */
  replace(call: Call, turns: readonly Turn[]): void {
    this.call = call;
    this.#turns = turns.slice(-HISTORY_TURNS);
  }
}
