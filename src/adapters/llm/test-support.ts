// Test helpers: a turn's model request and the events a stream gives for it.
import type { ModelEvent, ModelRequest } from '../../ports/language-model.js';

/** Three messages and one tool, as a turn that collects a name asks the model. */
export const sampleModelRequest: ModelRequest = {
  system: 'You are a test agent.',
  messages: [
    { role: 'user', content: 'hello' },
    { role: 'assistant', content: 'hi, how can I help?' },
    { role: 'user', content: 'my name is Manas' },
  ],
  tools: [
    {
      name: 'record_field',
      description: 'Record a field',
      parameters: {
        type: 'object',
        properties: { field: { type: 'string', enum: ['name'] }, value: { type: 'string' } },
        required: ['field', 'value'],
      },
    },
  ],
};

/** Every event of `stream`, pushed to `seen` as they come (so a test sees them after a throw too). */
export async function collectEvents(
  stream: AsyncIterable<ModelEvent>,
  seen: ModelEvent[] = [],
): Promise<ModelEvent[]> {
  for await (const event of stream) seen.push(event);
  return seen;
}
