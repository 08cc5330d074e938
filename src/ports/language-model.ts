/** A provider-neutral chat model; the LLM adapters implement it. */
export type ChatMessage = (
  | { role: 'user'; content: string }
  /** `toolCalls`: the calls the model made after (or instead of) its text; each gets a tool message. */
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string }
) & {
  /**
   * The request's stable prefix ends after this message: the next request of the call repeats
   * everything up to here byte for byte. Providers that cache only at explicit marks (Anthropic,
   * Bedrock) put one here; the others cache any repeated prefix on their own.
   */
  cacheMark?: boolean;
};

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  /** The provider's id for the call, which its result must name; adapters always set it. */
  id?: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface ModelRequest {
  /**
   * Instructions that stay the same for every request of a call (and across calls, as far as they
   * can): the first part of the cacheable prefix, marked for providers that need a mark.
   */
  system: string;
  /** The conversation, oldest first; the last message is the caller's latest words. */
  messages: ChatMessage[];
  /**
   * What holds for this request only (the time, what the call has collected so far): sent with the
   * caller's latest words, after everything that repeats, so it never breaks the cached prefix.
   */
  context?: string;
  tools: ToolSpec[];
  temperature?: number;
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

export interface ModelUsage {
  /** Every input token, those read from the provider's prompt cache included. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens the provider read from its prompt cache (billed at a lower price); part of inputTokens. */
  cachedInputTokens?: number;
  /** Price of this request in micro-USD when the adapter knows the model's price; 0 or absent otherwise. */
  costMicroUsd?: number;
}

export type ModelEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; call: ToolCall }
  | { type: 'finish'; usage: ModelUsage };

export interface LanguageModel {
  readonly provider: string;
  readonly model: string;
  /** Streams text deltas and tool calls; rejects (or throws while iterating) on provider errors. */
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
}

/** An agent's llm settings, as far as choosing its models goes. */
export interface ModelChoice {
  provider?: string;
  model?: string;
  fallback?: { provider?: string; model?: string };
}

export interface LanguageModelFactory {
  /** The model for an agent's settings, or undefined when no provider is configured (scripted mode). */
  forAgent(settings: ModelChoice | undefined): LanguageModel | undefined;
  /** The model asked when forAgent's fails (its own settings, else the server's), if any. */
  fallbackFor?(settings: ModelChoice | undefined): LanguageModel | undefined;
}
