// A realtime model's reply as a ReplyPolicy: the model heard the caller and already spoke, so the
// turn's reply is given. Through it the turn runner stores the exchange like any other turn (the
// same numbering, conditional put, count, goodbye, silence and time rules); the values come from the
// model's record_field calls, else from the caller's words as on the other transports.
import type { CollectedScalar, ToolCallRecord } from '../../domain/call.js';
import { callerWordsExtraction, extractionContextOf } from '../../engine/tools/caller-extraction.js';
import type { ToolEffects } from '../../engine/tools/tool.js';
import type { ReplyPolicy, TurnContext, TurnReply, TurnStream } from '../../ports/reply-policy.js';
import type { Exchange } from './exchange.js';

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

/**
 * The reply of a finished exchange. Its usage includes that of the loose responses (the greeting, the
 * engine's own lines) since the last turn, which no turn of their own counts.
 */
export function givenReplyOf(
  exchange: Exchange,
  loose: Exchange,
  options: { model: string; region?: string },
): GivenReply {
  const usage = { ...exchange.usage };
  for (const key of Object.keys(usage) as (keyof typeof usage)[]) usage[key] += loose.usage[key];
  return {
    text: exchange.text,
    effects: exchange.effects,
    toolCalls: exchange.toolCalls,
    model: `openai:${options.model}`,
    usage: {
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cachedInputTokens: usage.cachedInputTokens,
      costMicroUsd: usage.costMicroUsd,
      audioInMs: exchange.audioInMs,
      audioOutMs: exchange.audioOutMs + loose.audioOutMs,
    },
    ...(exchange.endedAt !== undefined && exchange.firstAudioAt !== undefined
      ? { modelLatencyMs: Math.max(0, exchange.firstAudioAt - exchange.endedAt) }
      : {}),
    ...(options.region ? { region: options.region } : {}),
  };
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
