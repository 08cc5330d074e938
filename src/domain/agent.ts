import { z } from 'zod';
import { agentToolsShape, checkAgentTools } from './agent-tools.js';
import { checkRealtimeModel, realtimeModelSchema } from './realtime-settings.js';
import { SUPPORTED_LANGUAGES, voiceFitsLanguage } from './voices.js';

export const FIELD_TYPES = ['text', 'name', 'email', 'phone', 'date', 'number', 'boolean', 'enum'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const AGENT_STATUSES = ['active', 'inactive', 'archived'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const LLM_PROVIDERS = ['openai', 'anthropic', 'openai-compatible', 'bedrock', 'scripted'] as const;
export type LlmProviderName = (typeof LLM_PROVIDERS)[number];

// realtime: a speech-to-speech model over a Twilio Media Stream (llm.realtime), see realtime-settings.ts.
export const TRANSPORTS = ['gather', 'relay', 'realtime'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/**
 * When the agent may recall earlier calls with the same number. `verified`: only a number we
 * dialled or one Twilio verified with full STIR/SHAKEN attestation; `any`: any valid number (a
 * trusted private line); `off`: never. A withheld or placeholder number is never recalled.
 */
export const MEMORY_POLICIES = ['verified', 'any', 'off'] as const;
export type MemoryPolicy = (typeof MEMORY_POLICIES)[number];

// Twilio's <Say> accepts up to 4,096 characters; a greeting is spoken before the first Gather,
// so 1,000 characters (about a minute of speech) keeps it well inside that and inside 64 kB TwiML.
export const MAX_GREETING_CHARS = 1_000;
export const MAX_PROMPT_CHARS = 20_000;

const agentIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, "-" and "_" only');

export const dataFieldSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and "_", starting with a letter'),
    type: z.enum(FIELD_TYPES),
    required: z.boolean().default(true),
    description: z.string().max(500).default(''),
    options: z.array(z.string().min(1).max(100)).min(1).max(50).optional(),
  })
  .strict()
  .refine((field) => field.type !== 'enum' || (field.options?.length ?? 0) > 0, {
    message: 'an enum field needs options',
    path: ['options'],
  });
export type DataField = z.infer<typeof dataFieldSchema>;

export const fewShotSchema = z
  .object({ user: z.string().min(1).max(2_000), assistant: z.string().min(1).max(2_000) })
  .strict();

// DynamoDB stores numbers down to 1e-130 in magnitude and refuses smaller ones ("Number underflow"),
// which would turn a valid-looking body into a 500; such a setting means 0 anyway.
const setting = (min: number, max: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .refine((value) => value === 0 || Math.abs(value) >= 1e-6, 'use 0 or a value of at least 0.000001');

export const llmSettingsSchema = z
  .object({
    provider: z.enum(LLM_PROVIDERS).optional(),
    model: z.string().min(1).max(200).optional(),
    temperature: setting(0, 2).optional(),
    // Asked when the model fails or its circuit is open; provider 'scripted' turns the server's off.
    fallback: z
      .object({ provider: z.enum(LLM_PROVIDERS), model: z.string().min(1).max(200).optional() })
      .strict()
      .optional(),
    // The speech-to-speech model of a realtime agent (transport "realtime").
    realtime: realtimeModelSchema.optional(),
  })
  .strict();

const e164OrSip = z
  .string()
  .max(256)
  .regex(/^(\+[1-9]\d{6,14}|sip:[^\s<>"]+)$/, 'an E.164 number or a sip: URI');

export const transferTargetSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/),
    target: e164OrSip,
    description: z.string().min(1).max(300),
  })
  .strict();
export type TransferTarget = z.infer<typeof transferTargetSchema>;

// ConversationRelay's speech providers (Twilio's <ConversationRelay> ttsProvider and transcriptionProvider).
export const RELAY_TTS_PROVIDERS = ['Google', 'Amazon', 'ElevenLabs'] as const;
export const RELAY_TRANSCRIPTION_PROVIDERS = ['Google', 'Deepgram'] as const;

// A relay voice as the provider names it: "Joanna-Neural", "en-US-Journey-O", an ElevenLabs voice id
// (optionally with "-speed_stability_similarity" settings).
const relayVoiceName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a provider voice name such as Joanna-Neural or en-US-Journey-O');

export const relayLanguageSchema = z
  .object({
    code: z
      .string()
      .max(35)
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as hi-IN'),
    voice: relayVoiceName.optional(),
    tts_provider: z.enum(RELAY_TTS_PROVIDERS).optional(),
    transcription_provider: z.enum(RELAY_TRANSCRIPTION_PROVIDERS).optional(),
  })
  .strict();
export type RelayLanguageSetting = z.infer<typeof relayLanguageSchema>;

// Overrides what the relay TwiML derives from `voice`, and the further languages the caller may switch to.
export const relaySettingsSchema = z
  .object({
    tts_provider: z.enum(RELAY_TTS_PROVIDERS).optional(),
    voice: relayVoiceName.optional(),
    transcription_provider: z.enum(RELAY_TRANSCRIPTION_PROVIDERS).optional(),
    languages: z.array(relayLanguageSchema).max(10).optional(),
    /**
     * Twilio sends `info` events (who is speaking, text played): the silence clock follows the agent's
     * real speech instead of an estimate, and each turn's timeline keeps when they came.
     */
    events: z.boolean().optional(),
  })
  .strict();
export type RelaySettings = z.infer<typeof relaySettingsSchema>;

const spokenText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max, `at most ${max} characters so Twilio can speak it`)
    .refine((s) => s.trim().length > 0, 'must not be blank');

// Fields a client may write. Server-owned fields (created_at, updated_at, version) are refused here.
export const agentWritableShape = {
  name: z.string().min(1).max(200),
  prompt: z.string().min(1).max(MAX_PROMPT_CHARS),
  few_shot: z.array(fewShotSchema).max(20).default([]),
  voice: z.string().min(1).max(100),
  language: z.string().refine((l) => SUPPORTED_LANGUAGES.includes(l), {
    message: `one of ${SUPPORTED_LANGUAGES.join(', ')}`,
  }),
  greeting: spokenText(MAX_GREETING_CHARS),
  data_to_fill: z.array(dataFieldSchema).max(30).default([]),
  status: z.enum(AGENT_STATUSES).default('active'),
  llm: llmSettingsSchema.optional(),
  confidence_threshold: setting(0, 1).default(0.7),
  max_call_seconds: z.number().int().min(30).max(14_400).default(900),
  // How many silent turns in a row are re-prompted before the agent says goodbye.
  silence_reprompts: z.number().int().min(0).max(5).default(2),
  silence_prompt: spokenText(300).optional(),
  end_call_phrases: z.array(z.string().min(1).max(100)).max(30).default([]),
  closing_line: spokenText(500).optional(),
  voicemail_message: spokenText(MAX_GREETING_CHARS).optional(),
  transport: z.enum(TRANSPORTS).optional(),
  transfer_targets: z.array(transferTargetSchema).max(10).default([]),
  relay: relaySettingsSchema.optional(),
  webhook_url: z.string().url().max(2_000).optional(),
  timezone: z.string().min(1).max(64).optional(),
  memory: z.enum(MEMORY_POLICIES).default('verified'),
  ...agentToolsShape,
};

/** The rules between an agent's fields: its voice speaks its language, its tools' names and templates. */
function checkAgent(agent: AgentRefinable, ctx: z.RefinementCtx): void {
  checkVoice(agent, ctx);
  checkAgentTools(agent, ctx);
}
type AgentRefinable = { voice?: string; language?: string; relay?: RelaySettings } & Parameters<
  typeof checkAgentTools
>[0] &
  Parameters<typeof checkRealtimeModel>[0];

function checkVoice(
  agent: { voice?: string; language?: string; relay?: RelaySettings } & Parameters<
    typeof checkRealtimeModel
  >[0],
  ctx: z.RefinementCtx,
): void {
  if (agent.voice && agent.language && !voiceFitsLanguage(agent.voice, agent.language)) {
    ctx.addIssue({
      code: 'custom',
      path: ['voice'],
      message: `voice ${agent.voice} does not speak ${agent.language}`,
    });
  }
  checkRelayLanguages(agent, ctx);
  checkRealtimeModel(agent, ctx);
}

function checkRelayLanguages(
  agent: { language?: string; relay?: RelaySettings },
  ctx: z.RefinementCtx,
): void {
  const seen = new Set(agent.language ? [agent.language] : []);
  agent.relay?.languages?.forEach((language, index) => {
    if (seen.has(language.code)) {
      ctx.addIssue({
        code: 'custom',
        path: ['relay', 'languages', index, 'code'],
        message: `${language.code} is already the agent's language or listed before`,
      });
    }
    seen.add(language.code);
  });
}

export const agentCreateSchema = z
  .object({ agent_id: agentIdSchema.optional(), ...agentWritableShape })
  .strict()
  .superRefine(checkAgent);
export type AgentCreate = z.input<typeof agentCreateSchema>;

// PATCH: every writable field optional; defaults are not applied so absent fields stay untouched.
export const agentPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(agentWritableShape).map(([key, schema]) => [key, removeDefault(schema).optional()]),
    ) as {
      [K in keyof typeof agentWritableShape]: z.ZodOptional<
        z.ZodType<z.output<(typeof agentWritableShape)[K]>>
      >;
    },
  )
  .strict();
export type AgentPatch = z.infer<typeof agentPatchSchema>;

function removeDefault(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
}

export const agentSchema = z
  .object({
    agent_id: agentIdSchema,
    ...agentWritableShape,
    created_at: z.string(),
    updated_at: z.string(),
    version: z.number().int().min(1),
  })
  .strict()
  .superRefine(checkAgent);
export type Agent = z.infer<typeof agentSchema>;

export { checkAgent, checkVoice as checkAgentVoice };
