import type { Agent, DataField } from '../../domain/agent.js';
import type { CollectedScalar, CollectedValue } from '../../domain/call.js';
import { correctValue } from '../correction.js';
import { normalizeValue, type ExtractionContext } from '../extraction/index.js';
import type { BuiltinTool } from './tool.js';

const asText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;

/** The turn a value is recorded in: the caller's words and the values the call already holds. */
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
  turn: CallerTurn,
): CollectedScalar | null {
  const previous = turn.collected[field.name]?.value;
  if (previous !== undefined) {
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

/** Field values pass the deterministic normalizers: nothing the model proposes is kept unchecked. */
export const recordFieldTool: BuiltinTool = {
  name: 'record_field',
  build: (agent) =>
    agent.data_to_fill.length === 0
      ? undefined
      : {
          source: 'builtin',
          spec: {
            name: 'record_field',
            description:
              'Record one detail the caller just gave. Call it once per detail, with the value as the caller said it. ' +
              'When the caller corrects part of a detail you read back, call it again with the whole corrected value.',
            parameters: {
              type: 'object',
              properties: {
                field: {
                  type: 'string',
                  enum: agent.data_to_fill.map((f) => f.name),
                  description: 'Which detail',
                },
                value: {
                  type: 'string',
                  description: 'The value, e.g. "John Smith" or "john.smith@gmail.com"',
                },
              },
              required: ['field', 'value'],
              additionalProperties: false,
            },
          },
          run: async (args, turn) => {
            const field = agent.data_to_fill.find((f) => f.name === args.field);
            const text = asText(args.value);
            if (!field || text === undefined)
              return 'Not recorded: name one of the listed fields and its value.';
            turn.effects.proposed = true;
            const value = recordedValue(field, text, turn.extraction, {
              callerText: turn.callerText,
              collected: turn.call.data_collected,
            });
            if (value === null) {
              turn.effects.rejected.push(field.name);
              return `Not recorded: that is not a valid ${field.type}. Ask the caller again.`;
            }
            turn.effects.extracted[field.name] = value;
            return 'Recorded.';
          },
        },
};
