import { normalizeValue } from '../extraction/index.js';
import type { BuiltinTool } from './tool.js';

const asText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;

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
              'Record one detail the caller just gave. Call it once per detail, with the value as the caller said it.',
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
            const value = normalizeValue(field, text, turn.extraction);
            if (value === null) {
              turn.effects.rejected.push(field.name);
              return `Not recorded: that is not a valid ${field.type}. Ask the caller again.`;
            }
            turn.effects.extracted[field.name] = value;
            return 'Recorded.';
          },
        },
};
