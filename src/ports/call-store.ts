import type { Call, CallStatus, PastCall, ToolCallRecord, Turn } from '../domain/call.js';
import type { LateMoments } from '../domain/late-moments.js';
import type { Page, PageRequest } from './page.js';

export interface StatusUpdate {
  status: CallStatus;
  sequence: number;
  duration_seconds?: number;
  answered_by?: string;
  at: string;
}

export interface CallQuery extends PageRequest {
  agent_id?: string;
  status?: CallStatus;
  recipient_phone?: string;
  /** Only calls whose started_at is at or after this ISO timestamp (UTC, with milliseconds). */
  started_from?: string;
  /** Only calls whose started_at is at or before this ISO timestamp (UTC, with milliseconds). */
  started_to?: string;
}

export interface CallStore {
  /** Conditional create: false when the call_sid already exists. */
  create(call: Call): Promise<boolean>;
  get(callSid: string): Promise<Call | undefined>;
  /**
   * Sets the given attributes when the stored version equals `expectedVersion`, and bumps the version.
   * Returns the updated call, or undefined when another writer got there first.
   */
  update(callSid: string, changes: Partial<Call>, expectedVersion: number): Promise<Call | undefined>;
  /** Applies a status callback only when it moves the call forward; returns whether it applied. */
  applyStatus(callSid: string, update: StatusUpdate): Promise<boolean>;
  /**
   * Conditional put keyed by (call_sid, seq): false when that turn is already stored. `late`: moments
   * of earlier stored turns of the call, kept with this write instead of one of their own.
   */
  putTurn(turn: Turn, late?: readonly LateMoments[]): Promise<boolean>;
  /** The turn with the late moments its own item holds (those a later turn carries are left out). */
  getTurn(callSid: string, seq: number): Promise<Turn | undefined>;
  /**
   * Turns in seq order, each with its late moments on its timeline; with `last`, only the most recent
   * ones (still oldest first).
   */
  listTurns(callSid: string, options?: { last?: number }): Promise<Turn[]>;
  /**
   * Keeps late moments of stored turns when no later put will carry them: one write, on the stored
   * turn `carrierSeq` (one of theirs). Does nothing when that turn is not stored.
   */
  keepLateMoments(callSid: string, carrierSeq: number, late: readonly LateMoments[]): Promise<void>;
  /**
   * The caller barged in: the turn's agent_text becomes what the caller heard, marked interrupted.
   * Does nothing when the turn is not stored.
   */
  markTurnInterrupted(callSid: string, seq: number, heardText: string): Promise<void>;
  /** The turn's tool_calls become `toolCalls` (tools that answered after the turn was stored). Does nothing when the turn is not stored. */
  setTurnToolCalls(callSid: string, seq: number, toolCalls: ToolCallRecord[]): Promise<void>;
  list(query: CallQuery): Promise<Page<Call>>;
  /** Finished calls with the same agent and person, newest first (AgentRecipientIndex). */
  pastCalls(agentId: string, recipientPhone: string, limit: number): Promise<PastCall[]>;
}
