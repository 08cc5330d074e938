// A speech-to-speech model session (OpenAI's Realtime API, Gemini Live…): the caller's audio goes in,
// the model detects the turns itself and answers with audio and its transcript. Audio is G.711 μ-law,
// 8 kHz, mono, as base64, both ways: what a Twilio Media Stream carries, passed through unchanged.
import type { AppError } from '../domain/errors.js';
import type { ToolSpec } from './language-model.js';

export interface RealtimeSessionConfig {
  /** The agent's instructions (the prompt builder's system text, with any past-call gist). */
  instructions: string;
  /** The provider's voice name, e.g. marin. */
  voice: string;
  /** The functions the model may call (JSON Schema parameters). */
  tools: ToolSpec[];
  /** The model that transcribes the caller's words (the session's input transcription). */
  transcriptionModel?: string;
  /** The caller's language (en, or en-US: the primary subtag is used), a hint for the transcription. */
  language?: string;
  /** Server-side turn detection: silence that ends the caller's turn, and its loudness threshold. */
  turnDetection?: { silenceMs?: number; threshold?: number; prefixPaddingMs?: number };
}

/** Tokens of one response, as the provider bills them. */
export interface RealtimeUsage {
  inputTokens: number;
  outputTokens: number;
  inputTextTokens: number;
  inputAudioTokens: number;
  /** Input tokens read from the provider's cache; part of inputTokens. */
  cachedInputTokens: number;
  outputTextTokens: number;
  outputAudioTokens: number;
  /** What the response cost at the provider's list prices, micro-USD (0 for an unknown model). */
  costMicroUsd?: number;
}

export type RealtimeResponseStatus = 'completed' | 'cancelled' | 'failed' | 'incomplete';

export type RealtimeEvent =
  /** The caller started speaking (barge-in when the agent is talking). */
  | { type: 'speech-started'; itemId: string; audioStartMs: number }
  | { type: 'speech-stopped'; itemId: string; audioEndMs: number }
  /** The transcription of one caller utterance. */
  | { type: 'caller-transcript'; itemId: string; text: string }
  /** Agent audio: base64 μ-law, in order, for the item it belongs to. */
  | { type: 'audio-delta'; itemId: string; responseId: string; audio: string }
  | { type: 'transcript-delta'; itemId: string; responseId: string; text: string }
  /** The whole transcript of the agent's audio item (also sent when the response was cut off). */
  | { type: 'transcript-done'; itemId: string; responseId: string; text: string }
  /** The model calls a function; answer with sendFunctionResult(callId, …). */
  | {
      type: 'function-call';
      callId: string;
      name: string;
      arguments: string;
      itemId: string;
      responseId: string;
    }
  | {
      type: 'response-done';
      responseId: string;
      status: RealtimeResponseStatus;
      /** Why a response was cancelled, incomplete or failed (turn_detected, client_cancelled, …). */
      reason?: string;
      usage?: RealtimeUsage;
      /** A failed response's error (a rate limit, a server error): the call goes on without this answer. */
      error?: AppError;
    }
  /** A failure the session survives (a rejected event, a failed response); the call goes on. */
  | { type: 'error'; error: AppError }
  /** The session is over: closed by us (no error) or lost (error, with whether a new session may work). */
  | { type: 'closed'; error?: AppError };

export type RealtimeEventHandler = (event: RealtimeEvent) => void;

/** One call's live session. Every method only queues a message: results arrive as events. */
export interface RealtimeSession {
  readonly provider: string;
  readonly model: string;
  /** 20 ms (or any length) of the caller's μ-law audio, base64. */
  appendAudio(audio: string): void;
  /** Text from the caller that is not speech (keypad digits as words); the model answers it. */
  sendText(text: string): void;
  /** A function's result (JSON or plain text); the model goes on speaking after it unless told not to. */
  sendFunctionResult(callId: string, output: string, options?: { respond?: boolean }): void;
  /** Asks for a response now: the greeting, with instructions for this response only. */
  respond(options?: { instructions?: string }): void;
  /** The caller heard only audioEndMs of this agent item: the model forgets the rest. */
  truncate(itemId: string, audioEndMs: number): void;
  /** Stops the response being generated. */
  cancel(): void;
  /** Ends the session; a `closed` event without error follows. */
  close(): void;
}

export interface RealtimeModel {
  readonly provider: string;
  readonly model: string;
  /**
   * Opens a configured session; resolves once the provider has taken the configuration. Rejects with
   * an AppError (unauthorized key, rate limited, unavailable: `retryable` says whether to try again).
   */
  open(config: RealtimeSessionConfig, onEvent: RealtimeEventHandler): Promise<RealtimeSession>;
}

/** An agent's realtime model settings, as far as choosing the model goes. */
export interface RealtimeModelChoice {
  provider: string;
  model: string;
}

export interface RealtimeModelFactory {
  /** The model for an agent's settings, or undefined when its provider is not configured (no key). */
  forAgent(settings: RealtimeModelChoice): RealtimeModel | undefined;
}
