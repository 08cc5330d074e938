import type { Agent, DataField } from '../domain/agent.js';
import type { CollectedScalar, CollectedValue, EndedBy } from '../domain/call.js';
import type { ToolCall, ToolSpec } from '../ports/language-model.js';
import { correctValue } from './correction.js';
import { normalizeValue, type ExtractionContext } from './extraction/index.js';

export const RECORD_FIELD_TOOL = 'record_field';
export const END_CALL_TOOL = 'end_call';
export const TRANSFER_TOOL = 'transfer';

const END_REASONS = ['caller_done', 'all_collected', 'not_interested', 'wrong_person'] as const;

/** The tools offered to the model for this agent: JSON Schemas built from data_to_fill and its targets. */
export function buildTools(agent: Agent): ToolSpec[] {
  const tools: ToolSpec[] = [];
  if (agent.data_to_fill.length > 0) {
    tools.push({
      name: RECORD_FIELD_TOOL,
      description:
        'Record one detail the caller just gave. Call it once per detail, with the value as the caller said it. ' +
        'When the caller corrects part of a detail you read back, call it again with the whole corrected value.',
      parameters: {
        type: 'object',
        properties: {
          field: { type: 'string', enum: agent.data_to_fill.map((f) => f.name), description: 'Which detail' },
          value: { type: 'string', description: 'The value, e.g. "John Smith" or "john.smith@gmail.com"' },
        },
        required: ['field', 'value'],
        additionalProperties: false,
      },
    });
  }
  tools.push({
    name: END_CALL_TOOL,
    description: 'End the call after your closing line. Use it only when the caller is done.',
    parameters: {
      type: 'object',
      properties: { reason: { type: 'string', enum: [...END_REASONS] } },
      required: ['reason'],
      additionalProperties: false,
    },
  });
  if (agent.transfer_targets.length > 0) {
    tools.push({
      name: TRANSFER_TOOL,
      description: `Transfer the caller to a person or team: ${agent.transfer_targets
        .map((t) => `${t.id} (${t.description})`)
        .join('; ')}.`,
      parameters: {
        type: 'object',
        properties: { target_id: { type: 'string', enum: agent.transfer_targets.map((t) => t.id) } },
        required: ['target_id'],
        additionalProperties: false,
      },
    });
  }
  return tools;
}

export interface ToolOutcome {
  /** Proposals that passed validation, by field name. */
  extracted: Record<string, CollectedScalar>;
  /** Field names whose proposed value failed validation (values are not kept: they are personal data). */
  rejected: string[];
  /** Whether the model proposed any field value at all, valid or not. */
  proposed: boolean;
  end?: EndedBy;
  transferTo?: string;
}

const asText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;

/** The turn a tool call answers: the caller's words and the values the call already holds. */
export interface CallerTurn {
  callerText: string;
  collected: Record<string, CollectedValue>;
}

/**
 * The value to store for a record_field call. For a value the call already holds, the caller's own
 * words decide a correction ("no, it's K, not C"): a model sends the whole corrected value, but
 * sometimes the old one unchanged, sometimes its own re-spelling, and sometimes just the words of
 * the correction, which are then applied to the stored value.
 */
function recordedValue(
  field: DataField,
  text: string,
  extraction: ExtractionContext,
  turn: CallerTurn | undefined,
): CollectedScalar | null {
  const previous = turn?.collected[field.name]?.value;
  if (turn && previous !== undefined) {
    const fromCaller = correctValue(field, previous, turn.callerText, extraction);
    if (fromCaller !== null) return fromCaller;
  }
  const value = normalizeValue(field, text, extraction);
  if (value !== null || previous === undefined) return value;
  return correctValue(field, previous, text, extraction);
}

/**
 * Corrections the caller made to a value the agent read back in its last line (recorded on the
 * previous turn), for a turn where the model recorded nothing: the caller's words still count.
 */
export function callerCorrections(
  agent: Agent,
  turn: CallerTurn,
  previousSeq: number | undefined,
  extraction: ExtractionContext,
): Record<string, CollectedScalar> {
  const out: Record<string, CollectedScalar> = {};
  for (const field of agent.data_to_fill) {
    const stored = turn.collected[field.name];
    if (!stored || stored.turn !== previousSeq) continue;
    const corrected = correctValue(field, stored.value, turn.callerText, extraction);
    if (corrected !== null) out[field.name] = corrected;
  }
  return out;
}

/**
 * Applies the model's tool calls. Nothing the model says is trusted: field values pass the
 * deterministic normalizers, and a transfer target must be one of the agent's own (a caller could
 * talk the model into naming another).
 */
export function applyToolCalls(
  calls: ToolCall[],
  agent: Agent,
  extraction: ExtractionContext,
  turn?: CallerTurn,
): ToolOutcome {
  const outcome: ToolOutcome = { extracted: {}, rejected: [], proposed: false };
  for (const call of calls) {
    if (call.name === RECORD_FIELD_TOOL) {
      const field = agent.data_to_fill.find((f) => f.name === call.arguments.field);
      const text = asText(call.arguments.value);
      if (!field || text === undefined) continue;
      outcome.proposed = true;
      const value = recordedValue(field, text, extraction, turn);
      if (value === null) outcome.rejected.push(field.name);
      else outcome.extracted[field.name] = value;
    } else if (call.name === END_CALL_TOOL) {
      outcome.end = call.arguments.reason === 'all_collected' ? 'system_complete' : 'user';
    } else if (call.name === TRANSFER_TOOL) {
      const target = agent.transfer_targets.find((t) => t.id === call.arguments.target_id);
      if (target) outcome.transferTo = target.id;
    }
  }
  return outcome;
}
