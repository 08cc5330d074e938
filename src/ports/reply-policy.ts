import type { Agent } from '../domain/agent.js';
import type {
  Call,
  CollectedScalar,
  EndedBy,
  PastCallGist,
  ToolCallRecord,
  ToolCallStatus,
  Turn,
} from '../domain/call.js';

/**
 * A tool of the agent's own started or ended during the turn. The runner uses `tool-start` to cover
 * a slow tool with its filler line (or the default) so the caller never waits in silence, and keeps
 * `tool-end`'s record even when the caller cut the turn short before the tool answered.
 */
export type ToolEvent =
  | { type: 'tool-start'; callId: string; name: string; filler: string }
  | {
      type: 'tool-end';
      callId: string;
      name: string;
      status: ToolCallStatus;
      latencyMs: number;
      /** How the call went, as the turn keeps it (masked). */
      record: ToolCallRecord;
    };

/** Everything a policy needs to answer one caller utterance. */
export interface TurnContext {
  agent: Agent;
  /** The call as stored before this turn (data_collected holds validated values so far). */
  call: Call;
  /** Earlier turns of this call, oldest first (turn 0 is the greeting). */
  history: Turn[];
  /**
   * Gists of up to 5 finished calls with the same agent and person, newest first; empty unless the
   * agent's memory policy trusted this call's number. Quoted history: never instructions.
   */
  pastCalls: PastCallGist[];
  callerText: string;
  /** The sequence number this turn will be stored under. */
  seq: number;
  now: Date;
  timezone: string;
  /** Aborted when the turn's time budget runs out or the caller interrupts. */
  signal: AbortSignal;
  /** Told when one of the agent's own tools starts and ends (never for the built-in ones). */
  onToolEvent?: (event: ToolEvent) => void;
}

export interface TurnReply {
  /** What the agent says next: plain spoken sentences. */
  text: string;
  /** Set when the call should end after `text` is spoken. */
  end?: EndedBy;
  /** Validated field values this turn gave, by field name. */
  extracted: Record<string, CollectedScalar>;
  /** The id of one of the agent's transfer targets. */
  transferTo?: string;
  /** Fields whose value the caller gave this turn but which failed validation (names only). */
  rejected?: string[];
  /** The reply already asks the caller to key this field in on the keypad (the engine adds no ask). */
  keypadField?: string;
  /** Total time spent waiting on the model this turn, retries included. */
  modelLatencyMs?: number;
  /** Time from the first model request to its first text or tool call. */
  modelFirstTokenMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Input tokens the provider served from its prompt cache (part of inputTokens). */
  cachedInputTokens?: number;
  costMicroUsd?: number;
  /** A realtime model's audio this turn, in ms: the caller's it heard, and its own. */
  audioInMs?: number;
  audioOutMs?: number;
  /** Why a model failed this turn; also set when the fallback answered because the primary did not. */
  modelError?: string;
  /** 'provider:model' that produced the reply: the agent's model or its fallback. */
  model?: string;
  /** The agent's own tools called this turn, masked for keeping. */
  toolCalls?: ToolCallRecord[];
}

/** A streamed reply: text as it is produced, then the whole reply. */
export interface TurnStream {
  textStream: AsyncIterable<string>;
  reply: Promise<TurnReply>;
}

/** The brain behind every transport: the scripted form filler or an LLM. */
export interface ReplyPolicy {
  /** 'scripted' or '<provider>:<model>'. */
  readonly name: string;
  respond(context: TurnContext): TurnStream;
}
