/** A provider-neutral chat model; the LLM adapters implement it. */
export type ChatMessage =
  | { role: 'user'; content: string }
  /** `toolCalls`: the calls the model made after (or instead of) its text; each gets a tool message. */
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string };

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
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  temperature?: number;
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
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
