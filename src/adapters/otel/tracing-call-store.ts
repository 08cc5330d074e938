// A CallStore whose call-scoped operations are spans in the call's trace (children of the turn
// running on this instance, else of the call). Listing calls and past calls are not one call's
// work and pass straight through. Used only when tracing is on.
import type { Call, ToolCallRecord, Turn } from '../../domain/call.js';
import type { LateMoments } from '../../domain/late-moments.js';
import type { CallQuery, CallStore, StatusUpdate } from '../../ports/call-store.js';
import type { OtelTelemetry } from './otel-telemetry.js';
import { storeOperation, type StoreOperation, type StoreSpan } from './turn-span.js';

const OPERATIONS = {
  create: storeOperation('create'),
  get: storeOperation('get'),
  update: storeOperation('update'),
  applyStatus: storeOperation('applyStatus'),
  putTurn: storeOperation('putTurn'),
  getTurn: storeOperation('getTurn'),
  listTurns: storeOperation('listTurns'),
  markTurnInterrupted: storeOperation('markTurnInterrupted'),
  setTurnToolCalls: storeOperation('setTurnToolCalls'),
  keepLateMoments: storeOperation('keepLateMoments'),
};

async function endWhenSettled<T>(span: StoreSpan, pending: Promise<T>): Promise<T> {
  try {
    const result = await pending;
    span.end();
    return result;
  } catch (error) {
    span.end(error instanceof Error ? error.name : 'Error');
    throw error;
  }
}

export class TracingCallStore implements CallStore {
  constructor(
    private readonly store: CallStore,
    private readonly telemetry: OtelTelemetry,
  ) {}

  private traced<T>(
    callSid: string,
    operation: StoreOperation,
    write: boolean,
    run: () => Promise<T>,
  ): Promise<T> {
    const span = this.telemetry.storeSpan(callSid, operation, write);
    return span ? endWhenSettled(span, run()) : run();
  }

  create(call: Call) {
    return this.traced(call.call_sid, OPERATIONS.create, true, () => this.store.create(call));
  }

  get(callSid: string) {
    return this.traced(callSid, OPERATIONS.get, false, () => this.store.get(callSid));
  }

  update(callSid: string, changes: Partial<Call>, expectedVersion: number) {
    return this.traced(callSid, OPERATIONS.update, true, () =>
      this.store.update(callSid, changes, expectedVersion),
    );
  }

  applyStatus(callSid: string, update: StatusUpdate) {
    return this.traced(callSid, OPERATIONS.applyStatus, true, () => this.store.applyStatus(callSid, update));
  }

  putTurn(turn: Turn, late?: readonly LateMoments[]) {
    return this.traced(turn.call_sid, OPERATIONS.putTurn, true, () => this.store.putTurn(turn, late));
  }

  getTurn(callSid: string, seq: number) {
    return this.traced(callSid, OPERATIONS.getTurn, false, () => this.store.getTurn(callSid, seq));
  }

  listTurns(callSid: string, options?: { last?: number }) {
    return this.traced(callSid, OPERATIONS.listTurns, false, () => this.store.listTurns(callSid, options));
  }

  keepLateMoments(callSid: string, carrierSeq: number, late: readonly LateMoments[]) {
    return this.traced(callSid, OPERATIONS.keepLateMoments, true, () =>
      this.store.keepLateMoments(callSid, carrierSeq, late),
    );
  }

  markTurnInterrupted(callSid: string, seq: number, heardText: string) {
    return this.traced(callSid, OPERATIONS.markTurnInterrupted, true, () =>
      this.store.markTurnInterrupted(callSid, seq, heardText),
    );
  }

  setTurnToolCalls(callSid: string, seq: number, toolCalls: ToolCallRecord[]) {
    return this.traced(callSid, OPERATIONS.setTurnToolCalls, true, () =>
      this.store.setTurnToolCalls(callSid, seq, toolCalls),
    );
  }

  list(query: CallQuery) {
    return this.store.list(query);
  }

  pastCalls(agentId: string, recipientPhone: string, limit: number) {
    return this.store.pastCalls(agentId, recipientPhone, limit);
  }
}
