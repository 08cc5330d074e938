// A CallStore whose call-scoped operations are spans in the call's trace (children of the turn
// running on this instance, else of the call). Listing calls and past calls are not one call's
// work and pass straight through. Used only when tracing is on.
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Call, ToolCallRecord, Turn } from '../../domain/call.js';
import type { LateMoments } from '../../domain/late-moments.js';
import type { CallQuery, CallStore, StatusUpdate } from '../../ports/call-store.js';
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  DB_SYSTEM_DYNAMODB,
} from './attributes.js';
import type { OtelTelemetry } from './otel-telemetry.js';

export class TracingCallStore implements CallStore {
  constructor(
    private readonly store: CallStore,
    private readonly telemetry: OtelTelemetry,
  ) {}

  private async traced<T>(
    callSid: string,
    operation: string,
    write: boolean,
    run: () => Promise<T>,
  ): Promise<T> {
    const span: Span | undefined = this.telemetry.storeSpan(callSid, `CallStore.${operation}`, write, {
      [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_DYNAMODB,
      [ATTR_DB_OPERATION_NAME]: operation,
    });
    if (!span) return run();
    try {
      return await run();
    } catch (error) {
      const type = error instanceof Error ? error.name : 'Error';
      span.setAttribute(ATTR_ERROR_TYPE, type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: type });
      throw error;
    } finally {
      span.end();
    }
  }

  create(call: Call) {
    return this.traced(call.call_sid, 'create', true, () => this.store.create(call));
  }

  get(callSid: string) {
    return this.traced(callSid, 'get', false, () => this.store.get(callSid));
  }

  update(callSid: string, changes: Partial<Call>, expectedVersion: number) {
    return this.traced(callSid, 'update', true, () => this.store.update(callSid, changes, expectedVersion));
  }

  applyStatus(callSid: string, update: StatusUpdate) {
    return this.traced(callSid, 'applyStatus', true, () => this.store.applyStatus(callSid, update));
  }

  putTurn(turn: Turn, late?: readonly LateMoments[]) {
    return this.traced(turn.call_sid, 'putTurn', true, () => this.store.putTurn(turn, late));
  }

  getTurn(callSid: string, seq: number) {
    return this.traced(callSid, 'getTurn', false, () => this.store.getTurn(callSid, seq));
  }

  listTurns(callSid: string, options?: { last?: number }) {
    return this.traced(callSid, 'listTurns', false, () => this.store.listTurns(callSid, options));
  }

  keepLateMoments(callSid: string, carrierSeq: number, late: readonly LateMoments[]) {
    return this.traced(callSid, 'keepLateMoments', true, () =>
      this.store.keepLateMoments(callSid, carrierSeq, late),
    );
  }

  markTurnInterrupted(callSid: string, seq: number, heardText: string) {
    return this.traced(callSid, 'markTurnInterrupted', true, () =>
      this.store.markTurnInterrupted(callSid, seq, heardText),
    );
  }

  setTurnToolCalls(callSid: string, seq: number, toolCalls: ToolCallRecord[]) {
    return this.traced(callSid, 'setTurnToolCalls', true, () =>
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
