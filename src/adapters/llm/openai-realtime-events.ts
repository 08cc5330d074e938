// OpenAI Realtime API (GA, gpt-realtime) server events as our RealtimeEvents, and its errors as
// AppErrors. Event names and fields: the API reference's server events
// (developers.openai.com/api/reference/resources/realtime/server-events) and openai-node's
// src/resources/realtime/realtime.ts. The GA interface renamed the beta's audio events
// (response.audio.delta -> response.output_audio.delta, response.audio_transcript.* ->
// response.output_audio_transcript.*); this adapter speaks GA only.
import { AppError } from '../../domain/errors.js';
import type { RealtimeEvent, RealtimeResponseStatus, RealtimeUsage } from '../../ports/realtime-model.js';
import { redactSecrets } from './model-error.js';

export const REALTIME_LABEL = 'OpenAI realtime';
const MAX_MESSAGE_CHARS = 200;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const object = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/** An `error` object of the API (`{type, code, message}`) as an AppError without secrets. */
export function realtimeError(error: unknown, secrets: readonly string[]): AppError {
  const { type, code, message } = object(error);
  const kind = text(type).slice(0, 60) || 'error';
  const detail = redactSecrets(text(message).split('\n')[0] ?? '', secrets).slice(0, MAX_MESSAGE_CHARS);
  const label = `${REALTIME_LABEL}: ${kind}${text(code) ? ` (${text(code).slice(0, 60)})` : ''}${detail ? `: ${detail}` : ''}`;
  if (code === 'insufficient_quota') return new AppError('upstream', label, { retryable: false });
  if (code === 'rate_limit_exceeded' || type === 'rate_limit_exceeded' || type === 'tokens')
    return new AppError('rate_limited', label, { retryable: true });
  if (type === 'server_error') return new AppError('upstream', label, { retryable: true });
  if (code === 'session_expired') return new AppError('unavailable', label, { retryable: true });
  return new AppError('upstream', label, { retryable: false });
}

function usageOf(value: unknown): RealtimeUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const usage = object(value);
  const input = object(usage.input_token_details);
  const output = object(usage.output_token_details);
  return {
    inputTokens: count(usage.input_tokens),
    outputTokens: count(usage.output_tokens),
    inputTextTokens: count(input.text_tokens),
    inputAudioTokens: count(input.audio_tokens),
    cachedInputTokens: count(input.cached_tokens),
    outputTextTokens: count(output.text_tokens),
    outputAudioTokens: count(output.audio_tokens),
  };
}

const STATUSES: readonly string[] = ['completed', 'cancelled', 'failed', 'incomplete'];

function responseDone(message: Record<string, unknown>, secrets: readonly string[]): RealtimeEvent {
  const response = object(message.response);
  const details = object(response.status_details);
  const status = (
    STATUSES.includes(text(response.status)) ? response.status : 'failed'
  ) as RealtimeResponseStatus;
  const failure = object(details.error);
  const reason = text(details.reason) || text(failure.code) || text(failure.type);
  const usage = usageOf(response.usage);
  return {
    type: 'response-done',
    responseId: text(response.id),
    status,
    ...(reason ? { reason: reason.slice(0, 60) } : {}),
    ...(usage ? { usage } : {}),
    ...(status === 'failed'
      ? { error: realtimeError(details.error ?? { type: 'response_failed' }, secrets) }
      : {}),
  };
}

/**
 * One parsed server event as ours, or undefined for the events a call does not need (session.*,
 * conversation.item.added/done, response.created, output items, content parts, rate limits…).
 * Audio deltas come first: they are most of the traffic. Their base64 is handed on as it came.
 */
export function toRealtimeEvent(
  message: Record<string, unknown>,
  secrets: readonly string[],
): RealtimeEvent | undefined {
  switch (message.type) {
    case 'response.output_audio.delta':
      return {
        type: 'audio-delta',
        itemId: text(message.item_id),
        responseId: text(message.response_id),
        audio: text(message.delta),
      };
    case 'response.output_audio_transcript.delta':
      return {
        type: 'transcript-delta',
        itemId: text(message.item_id),
        responseId: text(message.response_id),
        text: text(message.delta),
      };
    case 'input_audio_buffer.speech_started':
      return {
        type: 'speech-started',
        itemId: text(message.item_id),
        audioStartMs: count(message.audio_start_ms),
      };
    case 'input_audio_buffer.speech_stopped':
      return {
        type: 'speech-stopped',
        itemId: text(message.item_id),
        audioEndMs: count(message.audio_end_ms),
      };
    case 'conversation.item.input_audio_transcription.completed':
      return { type: 'caller-transcript', itemId: text(message.item_id), text: text(message.transcript) };
    case 'conversation.item.input_audio_transcription.failed':
      return {
        type: 'error',
        error: realtimeError(message.error ?? { type: 'transcription_failed' }, secrets),
      };
    case 'response.output_audio_transcript.done':
      return {
        type: 'transcript-done',
        itemId: text(message.item_id),
        responseId: text(message.response_id),
        text: text(message.transcript),
      };
    case 'response.function_call_arguments.done':
      return {
        type: 'function-call',
        callId: text(message.call_id),
        name: text(message.name),
        arguments: text(message.arguments),
        itemId: text(message.item_id),
        responseId: text(message.response_id),
      };
    case 'response.done':
      return responseDone(message, secrets);
    case 'error':
      return { type: 'error', error: realtimeError(message.error, secrets) };
    default:
      return undefined;
  }
}
