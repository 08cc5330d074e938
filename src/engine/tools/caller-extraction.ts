// What a turn takes from the caller's own words when the model recorded nothing: the answer to the
// detail the agent's last line asked for, and corrections of a value read back. Shared by every
// model that records details through record_field (the LLM policy, a realtime model's replies).
import type { CollectedScalar } from '../../domain/call.js';
import type { TurnContext } from '../../ports/reply-policy.js';
import { extractAnswer } from '../asked-field.js';
import type { ExtractionContext } from '../extraction/index.js';
import { callerCorrections } from './record-field.js';
import type { ToolEffects } from './tool.js';

/** How values are read in a turn: the agent's language, the phone region, the turn's clock. */
export function extractionContextOf(context: TurnContext, region?: string): ExtractionContext {
  return { language: context.agent.language, region, now: context.now, timezone: context.timezone };
}

/** The caller's words, when the model proposed no value this turn. */
export function callerWordsExtraction(
  context: TurnContext,
  effects: ToolEffects,
  extraction: ExtractionContext,
): Record<string, CollectedScalar> {
  if (effects.proposed) return {};
  const last = context.history.at(-1);
  const collected = context.call.data_collected;
  return {
    ...extractAnswer(context.agent, last?.agent_text ?? '', context.callerText, collected, extraction),
    ...callerCorrections(context.agent, { callerText: context.callerText, collected }, last?.seq, extraction),
  };
}
