import type { FakeScript } from './fake-openai-server.js';
import { readRequest, YES } from './support-model-script.js';

/**
 * A rule-based stand-in for a model on any form-filling agent, for the fake OpenAI server: it asks
 * for the first missing required field, records the caller's answer to a question through
 * record_field with no text of its own (so the engine composes the read-back or the next question),
 * and ends with end_call once the caller confirms a read-back. Fixed token counts and a short
 * pause before the first token give the call page real tokens, cost and model latency: a prompt
 * of an agent's usual size, whose repeated prefix OpenAI serves from its cache from the second
 * request of a call on (in its 128-token steps).
 */
const USAGE = { promptTokens: 1_600, completionTokens: 18 };
const CACHED_TOKENS = 1_536;
const THINKING_MS = 40;

export function formModelScript(body: Record<string, unknown>): FakeScript {
  const { caller, lastAgent, missing, conversation } = readRequest(body);
  const next = missing[0];
  const repeated = conversation.filter((m) => m.role === 'user').length > 1;
  const usage = repeated ? { ...USAGE, cachedTokens: CACHED_TOKENS } : USAGE;
  const reply = { usage, delayBeforeFirstTokenMs: THINKING_MS };

  if (/Is that right\?$/.test(lastAgent) && YES.test(caller)) {
    return { ...reply, toolCalls: [{ name: 'end_call', arguments: { reason: 'all_collected' } }] };
  }
  if (next && lastAgent.endsWith('?')) {
    return { ...reply, toolCalls: [{ name: 'record_field', arguments: { field: next, value: caller } }] };
  }
  return {
    ...reply,
    text: `Happy to help. Could you tell me your ${(next ?? 'question').replaceAll('_', ' ')}?`,
  };
}
