// What the turn runner reports about each turn, in one place: its span, metrics and the slow-turn
// alarm. The runner calls startTurn when input arrives and turnDone once the turn is stored and its
// reply went out (a webhook transport's answer, after the store).
import type { Turn, TurnTimeline } from '../domain/call.js';
import { noopTelemetry, type CallRef, type TurnSpan } from './telemetry.js';

export interface TurnObserver {
  /** At input received: the turn's span (a shared no-op when tracing is off). */
  startTurn(call: CallRef, seq: number, transport: string): TurnSpan;
  /** The turn is stored and answered: ends its span, observes its figures, logs it when it was slow. */
  turnDone(span: TurnSpan, call: CallRef, turn: Turn, transport: string): void;
  /** The greeting went out, `ms` after the answer webhook came in. */
  greetingDone(call: CallRef, transport: string, ms: number, timeline?: TurnTimeline): void;
}

export const noopTurnObserver: TurnObserver = Object.freeze({
  startTurn: (call: CallRef, seq: number, transport: string) =>
    noopTelemetry.startTurnSpan(call, seq, transport),
  turnDone: () => undefined,
  greetingDone: () => undefined,
});
