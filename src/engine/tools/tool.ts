// One tool the model may call, built-in or the agent's own: its name, description and argument
// schema (the spec the model sees), and what running it does. docs/decisions/0024-agent-tools.md.
import type { Agent } from '../../domain/agent.js';
import type { Call, CollectedScalar, EndedBy, ToolCallRecord } from '../../domain/call.js';
import type { ToolSpec } from '../../ports/language-model.js';
import type { ToolEvent } from '../../ports/reply-policy.js';
import type { ExtractionContext } from '../extraction/index.js';

/** What the built-in tools decided this turn; applied when the turn's reply is made. */
export interface ToolEffects {
  /** Proposals that passed validation, by field name. */
  extracted: Record<string, CollectedScalar>;
  /** Field names whose proposed value failed validation (values are not kept: they are personal data). */
  rejected: string[];
  /** Whether the model proposed any field value at all, valid or not. */
  proposed: boolean;
  end?: EndedBy;
  transferTo?: string;
}

export const noEffects = (): ToolEffects => ({ extracted: {}, rejected: [], proposed: false });

/** The turn a tool runs in. */
export interface ToolTurn {
  agent: Agent;
  call: Call;
  /** The caller's words this turn (a correction of a value read back is taken from them). */
  callerText: string;
  extraction: ExtractionContext;
  effects: ToolEffects;
  /** The agent's own tools' records, in call order. */
  records: ToolCallRecord[];
  /** The provider's id of this call (for events). */
  callId: string;
  /** The most the tool may take now: the turn's time left less the model's next answer. */
  timeLeftMs: number;
  signal: AbortSignal;
  onToolEvent?: (event: ToolEvent) => void;
}

export interface RegisteredTool {
  spec: ToolSpec;
  source: 'builtin' | 'http' | 'mcp';
  /**
   * Runs the call; resolves to what the model reads as the tool's result. Never rejects: a failure
   * is a result the model can put in words.
   */
  run(args: Record<string, unknown>, turn: ToolTurn): Promise<string>;
}

/** A built-in tool: offered when the agent's settings call for it (record_field only with fields). */
export interface BuiltinTool {
  name: string;
  build(agent: Agent): RegisteredTool | undefined;
}
