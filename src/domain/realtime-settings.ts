// An agent's speech-to-speech model (llm.realtime) for transport "realtime": the model hears the caller
// and answers with its own voice over a Twilio Media Stream. When the model cannot be reached, the call
// goes on over the fallback transport (ConversationRelay or Gather) from what was stored.
import { z } from 'zod';

export const REALTIME_PROVIDERS = ['openai'] as const;
export const FALLBACK_TRANSPORTS = ['gather', 'relay'] as const;
export type FallbackTransport = (typeof FALLBACK_TRANSPORTS)[number];

// The Realtime API's built-in voices (audio.output.voice; openai-node RealtimeAudioConfigOutput); a
// custom voice is named by its id, voice_….
export const OPENAI_REALTIME_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;
/** OpenAI recommends marin and cedar for quality; used when the agent names no voice. */
export const DEFAULT_REALTIME_VOICE = 'marin';

const modelId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'a model id such as gpt-realtime');

export const realtimeModelSchema = z
  .object({
    provider: z.enum(REALTIME_PROVIDERS),
    model: modelId,
    voice: z
      .string()
      .max(100)
      .refine(
        (voice) =>
          (OPENAI_REALTIME_VOICES as readonly string[]).includes(voice) || /^voice_[A-Za-z0-9]+$/.test(voice),
        `one of ${OPENAI_REALTIME_VOICES.join(', ')}, or a custom voice id (voice_…)`,
      )
      .optional(),
    /** The model that writes down the caller's words (default gpt-4o-mini-transcribe). */
    transcription_model: modelId.optional(),
    /** Where the call goes on when the model is unavailable; default the server's DEFAULT_TRANSPORT. */
    fallback_transport: z.enum(FALLBACK_TRANSPORTS).optional(),
  })
  .strict();
export type RealtimeModelSettings = z.infer<typeof realtimeModelSchema>;

/** A realtime agent needs its realtime model. */
export function checkRealtimeModel(
  agent: { transport?: string; llm?: { realtime?: RealtimeModelSettings } },
  ctx: z.RefinementCtx,
): void {
  if (agent.transport === 'realtime' && !agent.llm?.realtime) {
    ctx.addIssue({
      code: 'custom',
      path: ['llm', 'realtime'],
      message:
        'required when transport is realtime: the speech-to-speech model, e.g. {provider: openai, model: gpt-realtime}',
    });
  }
}

/** The transport a realtime agent's call goes on with when its model is unavailable. */
export function fallbackTransportOf(
  agent: { llm?: { realtime?: RealtimeModelSettings } },
  serverDefault: FallbackTransport,
): FallbackTransport {
  return agent.llm?.realtime?.fallback_transport ?? serverDefault;
}

/** The model a call is bridged to when the agent names none (a call asked for realtime by its URL). */
export const DEFAULT_REALTIME_MODEL: RealtimeModelSettings = { provider: 'openai', model: 'gpt-realtime' };

/** The agent's realtime model, or the default one. */
export function realtimeModelOf(agent: {
  llm?: { realtime?: RealtimeModelSettings };
}): RealtimeModelSettings {
  return agent.llm?.realtime ?? DEFAULT_REALTIME_MODEL;
}
