// The changes a transport, a route or a service makes to a call outside its turns, one named operation
// each: one read-modify-write of the call item under its version (no read when this instance keeps the
// call's session), so nothing outside the engine writes call fields itself.
import type { TransferTarget } from '../domain/agent.js';
import {
  TERMINAL_STATUSES,
  type Call,
  type CallStatus,
  type EndedBy,
  type ToolCallRecord,
} from '../domain/call.js';
import { notFound } from '../domain/errors.js';
import type { CallStore } from '../ports/call-store.js';
import type { CallSession } from './call-session.js';
import type { CallSessions } from './call-sessions.js';
import { withToolCalls, ZERO_TOTALS } from './count-turns.js';

/** A call: its sid, or the item as just read (then the write needs no read first). */
export type CallRef = string | Call;

export class CallOperations {
  constructor(
    private readonly sessions: CallSessions,
    private readonly calls: Pick<CallStore, 'markTurnInterrupted' | 'setTurnToolCalls'>,
  ) {}

  /** Answering-machine detection found a machine: the call ends with the voicemail outcome. */
  async markVoicemail(call: CallRef, answeredBy: string): Promise<void> {
    await this.sessions.update(call, () => ({
      answered_by: answeredBy,
      outcome: 'voicemail',
      ended_by: 'system_complete',
    }));
  }

  /** The call was handed to one of its agent's transfer targets (Twilio is dialling it). */
  async transferDialled(call: CallRef, target: TransferTarget): Promise<void> {
    await this.sessions.update(call, () => ({ transferred_to: target.target, ended_by: 'transfer' }));
  }

  /** A streaming session of the call was lost and is being reopened; resolves with the reopenings so far. */
  async sessionLost(call: CallRef): Promise<number> {
    const updated = await this.sessions.update(call, (current) => ({
      relay_reconnects: (current.relay_reconnects ?? 0) + 1,
    }));
    if (!updated) throw notFound('call');
    return updated.relay_reconnects ?? 0;
  }

  /**
   * A realtime call's model could not be reached or was lost: the call goes on over `to` (its agent's
   * fallback transport) from what was stored. Nothing changes on a call already ended or switched.
   */
  async transportSwitched(call: CallRef, to: 'gather' | 'relay', reason: string): Promise<Call | undefined> {
    return this.sessions.update(call, (current) =>
      current.ended_by || current.transport !== 'realtime'
        ? undefined
        : { transport: to, transport_switch: { from: 'realtime', reason: reason.slice(0, 100) } },
    );
  }

  /** The call ends for `endedBy`, unless something ended it already. */
  async endCall(call: CallRef, endedBy: EndedBy): Promise<Call | undefined> {
    return this.sessions.update(call, (current) => (current.ended_by ? undefined : { ended_by: endedBy }));
  }

  /** After a terminal status: a call nobody ended in the conversation was ended by the caller (or never answered). */
  async callEnded(call: CallRef, status: CallStatus): Promise<Call | undefined> {
    if (!TERMINAL_STATUSES.includes(status)) return undefined;
    return this.sessions.update(call, (current) => {
      if (current.ended_by) return undefined;
      if (status === 'completed') return { ended_by: current.turn_count > 0 ? 'user' : 'system_complete' };
      return { ended_by: 'system_complete', outcome: status === 'failed' ? 'failed' : 'no_answer' };
    });
  }

  /**
   * The caller cut a stored reply short: the turn keeps only what they heard. The turn's own item is
   * written (the call's count is unchanged), and the session's copy follows.
   */
  async commitHeard(session: CallSession, seq: number, heardText: string): Promise<void> {
    await this.calls.markTurnInterrupted(session.callSid, seq, heardText);
    const turn = session.turn(seq);
    if (turn) session.add({ ...turn, agent_text: heardText, interrupted: true });
  }

  /**
   * A stored turn's tools answered after it was stored (the caller had cut it short): the turn keeps
   * how every call went, and a call that already counts the turn counts the calls it lacked.
   */
  async keepToolCalls(session: CallSession, seq: number, records: readonly ToolCallRecord[]): Promise<void> {
    await this.calls.setTurnToolCalls(session.callSid, seq, [...records]);
    const turn = session.turn(seq);
    const added = records.slice(turn?.tool_calls?.length ?? 0);
    if (turn) session.add({ ...turn, tool_calls: [...records] });
    if (!turn || added.length === 0) return;
    await this.sessions.update(session, (current) =>
      current.turn_count > seq ? { totals: withToolCalls(current.totals ?? ZERO_TOTALS, added) } : undefined,
    );
  }
}
