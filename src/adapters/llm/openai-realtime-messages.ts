// What we send the OpenAI Realtime API (GA interface, `session.type: "realtime"`): the session's
// configuration and the client events of a call. Field names: the API reference's client events
// (developers.openai.com/api/reference/resources/realtime/client-events) and openai-node's
// RealtimeSessionCreateRequest. The beta interface named the same things input_audio_format:
// "g711_ulaw", output_audio_format, voice and input_audio_transcription at the top of the session.
import { AppError } from '../../domain/errors.js';
import type { RealtimeSessionConfig } from '../../ports/realtime-model.js';

/** The transcription model when the agent names none: the API's cheaper GPT-4o transcriber. */
export const DEFAULT_TRANSCRIPTION_MODEL = 'gpt-4o-mini-transcribe';
// server_vad defaults (threshold 0.5, 300 ms of padding, 500 ms of silence) from the reference; a
// phone caller pauses mid-sentence more than a headset user, so the silence is a little longer.
const TURN_DETECTION = { threshold: 0.5, prefixPaddingMs: 300, silenceMs: 600 };

/** `session.update` for a phone call: μ-law both ways, server VAD, transcription on, tools. */
export function sessionUpdate(config: RealtimeSessionConfig): Record<string, unknown> {
  const turns = { ...TURN_DETECTION, ...config.turnDetection };
  return {
    type: 'session.update',
    session: {
      type: 'realtime',
      output_modalities: ['audio'],
      instructions: config.instructions,
      audio: {
        input: {
          // G.711 μ-law (8 kHz): Twilio's audio as it comes, no resampling either way.
          format: { type: 'audio/pcmu' },
          transcription: {
            model: config.transcriptionModel ?? DEFAULT_TRANSCRIPTION_MODEL,
            // ISO-639-1: the primary subtag of the agent's language (en-US -> en).
            ...(config.language ? { language: config.language.split('-')[0]!.toLowerCase() } : {}),
          },
          turn_detection: {
            type: 'server_vad',
            threshold: turns.threshold,
            prefix_padding_ms: turns.prefixPaddingMs,
            silence_duration_ms: turns.silenceMs,
            // The model answers at the end of the caller's turn and stops when the caller cuts in.
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcmu' }, voice: config.voice },
      },
      tools: config.tools.map((tool) => ({
        type: 'function',
        name: tool.name,
        description: tool.description,
        parameters: tool.parameters,
      })),
      tool_choice: 'auto',
    },
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * `input_audio_buffer.append`, written as a string: 50 a second per call. The base64 check keeps a
 * payload from closing the JSON string and adding fields of its own.
 */
export function appendAudioMessage(audio: string): string {
  if (!BASE64.test(audio)) throw new AppError('internal', 'refusing to send audio that is not base64');
  return `{"type":"input_audio_buffer.append","audio":"${audio}"}`;
}

export function userTextItem(text: string): Record<string, unknown> {
  return {
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  };
}

export function functionOutputItem(callId: string, output: string): Record<string, unknown> {
  return {
    type: 'conversation.item.create',
    item: { type: 'function_call_output', call_id: callId, output },
  };
}

export function responseCreate(instructions?: string): Record<string, unknown> {
  return instructions === undefined
    ? { type: 'response.create' }
    : { type: 'response.create', response: { instructions } };
}

/** Only the audio the caller heard stays in the model's context (content part 0: the item's audio). */
export function truncateItem(itemId: string, audioEndMs: number): Record<string, unknown> {
  return {
    type: 'conversation.item.truncate',
    item_id: itemId,
    content_index: 0,
    audio_end_ms: Math.max(0, Math.round(audioEndMs)),
  };
}

export const RESPONSE_CANCEL = { type: 'response.cancel' } as const;
