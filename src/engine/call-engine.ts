// The engine as transports, routes and services use it: the call sessions this instance keeps, the
// conversation that takes turns on them, the named operations on a call, and what each turn and
// greeting is reported to (span, metrics, slow-turn alarm). Built once by the
// composition root (container.ts); tests build their own with the policy they choose.
import type { Agent } from '../domain/agent.js';
import type { Call } from '../domain/call.js';
import type { CallStore } from '../ports/call-store.js';
import type { ReplyPolicy } from '../ports/reply-policy.js';
import { noopTurnObserver, type TurnObserver } from '../ports/turn-observer.js';
import { CallOperations } from './call-operations.js';
import { CallSessions, type CallSessionsOptions } from './call-sessions.js';
import { Conversation } from './conversation.js';
import { LateMomentBook } from './late-moments.js';

export interface CallEngine {
  sessions: CallSessions;
  conversation: Conversation;
  operations: CallOperations;
  /** Told of each turn (input received, stored) and of each greeting; the turn runner reports. */
  observer: TurnObserver;
  /** Moments of stored turns that came after their store, for a later write of the call. */
  late: LateMomentBook;
}

export interface CallEngineDeps {
  calls: CallStore;
  getAgent: (agentId: string) => Promise<Agent>;
  policyFor: (agent: Agent) => ReplyPolicy;
  turnTimeoutMs: number;
  defaultTimezone: string;
  /** ISO country of phone numbers keyed in without one (DEFAULT_PHONE_REGION). */
  phoneRegion?: string;
  now?: () => Date;
  onError?: (error: unknown, context: { callSid: string; seq: number }) => void;
  /** Puts a caller who asks "stop calling me" on the do-not-call list (conversation.ts). */
  onDoNotCall?: (call: Call, seq: number) => Promise<void>;
  observer?: TurnObserver;
  sessions?: CallSessionsOptions;
}

export function createCallEngine(deps: CallEngineDeps): CallEngine {
  const sessions = new CallSessions({ calls: deps.calls, getAgent: deps.getAgent }, deps.sessions);
  const late = new LateMomentBook({
    calls: deps.calls,
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
  const conversation = new Conversation({
    calls: deps.calls,
    sessions,
    late,
    policyFor: deps.policyFor,
    turnTimeoutMs: deps.turnTimeoutMs,
    defaultTimezone: deps.defaultTimezone,
    ...(deps.phoneRegion ? { phoneRegion: deps.phoneRegion } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
    ...(deps.onDoNotCall ? { onDoNotCall: deps.onDoNotCall } : {}),
  });
  return {
    sessions,
    conversation,
    operations: new CallOperations(sessions, deps.calls),
    observer: deps.observer ?? noopTurnObserver,
    late,
  };
}
