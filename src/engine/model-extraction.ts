import type { DataField } from '../domain/agent.js';
import type { CollectedScalar } from '../domain/call.js';
import type { LanguageModel } from '../ports/language-model.js';
import { normalizeValue, type ExtractionContext } from './extraction/index.js';

const SYSTEM = [
  'You extract one value from what a caller said on a phone call.',
  'Call record_value with the value exactly as it should be stored, or do not call it when the text holds no such value.',
  'Never guess: "I am not sure" holds no name.',
].join(' ');

/**
 * Lets a model propose the value of `field` in `text`; the deterministic normalizer validates the
 * proposal (a model can be wrong, the stored value cannot). Falls back to the normalizer alone.
 */
export async function extractWithModel(
  model: LanguageModel,
  field: DataField,
  text: string,
  context: ExtractionContext,
  signal?: AbortSignal,
): Promise<CollectedScalar | null> {
  const proposals: string[] = [];
  const described = `${field.type}${field.options ? ` (one of: ${field.options.join(', ')})` : ''}`;
  for await (const event of model.stream({
    system: `${SYSTEM} The value is a ${described}. Today is ${context.now.toISOString().slice(0, 10)} in ${context.timezone}.`,
    messages: [{ role: 'user', content: text }],
    tools: [
      {
        name: 'record_value',
        description: `Store the caller's ${described}.`,
        parameters: {
          type: 'object',
          properties: { value: { type: 'string' } },
          required: ['value'],
          additionalProperties: false,
        },
      },
    ],
    temperature: 0,
    maxOutputTokens: 200,
    signal,
  })) {
    if (event.type === 'tool-call' && typeof event.call.arguments.value === 'string') {
      proposals.push(event.call.arguments.value);
    }
  }
  for (const proposal of proposals) {
    const value = normalizeValue(field, proposal, context);
    if (value !== null) return value;
  }
  return normalizeValue(field, text, context);
}
