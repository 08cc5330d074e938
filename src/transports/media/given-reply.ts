// A realtime model's reply as a ReplyPolicy: the model heard the caller and already spoke, so the
// turn's reply is given. Through it the turn runner stores the exchange like any other turn (the
// same numbering, conditional put, count, goodbye, silence and time rules); the values come from the
// model's record_field calls, else from the caller's words as on the other transports.
import type { CollectedScalar, ToolCallRecord } from '../../domain/call.js';
import { callerWordsExtraction, extractionContextOf } from '../../engine/tools/caller-extraction.js';
import type { ToolEffects } from '../../engine/tools/tool.js';
import type { ReplyPolicy, TurnContext, TurnReply, TurnStream } from '../../ports/reply-policy.js';

export interface GivenReply {
  /** The transcript of the model's audio. */
  text: string;
  /** What the model's record_field, end_call and transfer calls decided. */
  effects: ToolEffects;
  toolCalls: ToolCallRecord[];
  model: string;
  usage: {
    inputTokens: number;
    outputTokens: number;
    cachedInputTokens: number;
    costMicroUsd: number;
    audioInMs: number;
    audioOutMs: number;
  };
  /** From the caller's speech ending to the model's first audio. */
  modelLatencyMs?: number;
  region?: string;
}

export function givenReplyPolicy(given: GivenReply): ReplyPolicy {
  return {
    name: given.model,
    respond(context: TurnContext): TurnStream {
      const extracted: Record<string, CollectedScalar> = {
        ...callerWordsExtraction(context, given.effects, extractionContextOf(context, given.region)),
        ...given.effects.extracted,
      };
      const reply: TurnReply = {
        text: given.text,
        extracted,
        model: given.model,
        ...given.usage,
        ...(given.modelLatencyMs !== undefined ? { modelLatencyMs: given.modelLatencyMs } : {}),
        ...(given.effects.end ? { end: given.effects.end } : {}),
        ...(given.effects.transferTo ? { transferTo: given.effects.transferTo } : {}),
        ...(given.toolCalls.length > 0 ? { toolCalls: given.toolCalls } : {}),
      };
      return { textStream: once(given.text), reply: Promise.resolve(reply) };
    },
  };
}

async function* once(text: string): AsyncIterable<string> {
  if (text) yield text;
}
