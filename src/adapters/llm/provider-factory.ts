import type { LanguageModel as AiModel } from 'ai';
import type { Config } from '../../config.js';
import type { LanguageModel, LanguageModelFactory } from '../../ports/language-model.js';
import { AiSdkLanguageModel, type ProviderModel } from './ai-sdk-language-model.js';
import { cacheMarkKind } from './cache-marks.js';
import { createKeepAliveFetch } from './keep-alive-fetch.js';
import { OpenAiChatModel } from './openai-chat-model.js';
import {
  loadProviderModules,
  PROVIDERS,
  type ProviderModules,
  type ProviderName,
} from './provider-modules.js';

// @ai-sdk/openai's default, kept for the same requests without it.
const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export type LlmConfig = Pick<
  Config,
  | 'LLM_PROVIDER'
  | 'LLM_MODEL'
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'ANTHROPIC_API_KEY'
  | 'OPENAI_COMPATIBLE_BASE_URL'
  | 'OPENAI_COMPATIBLE_API_KEY'
  | 'AWS_REGION'
> &
  Partial<
    Pick<
      Config,
      'LLM_FALLBACK_PROVIDER' | 'LLM_FALLBACK_MODEL' | 'LLM_FALLBACK_BASE_URL' | 'LLM_FALLBACK_API_KEY'
    >
  >;

/** An agent's llm settings, as far as choosing models goes. */
type ModelSettings = Parameters<LanguageModelFactory['forAgent']>[0];
/** Where the fallback connects when LLM_FALLBACK_BASE_URL / LLM_FALLBACK_API_KEY are set. */
interface Connection {
  baseURL?: string;
  apiKey?: string;
}

// Used when an agent picks a provider other than the configured one without naming a model.
const DEFAULT_MODELS: Partial<Record<ProviderName, string>> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-3-5-haiku-latest',
};

export const SCRIPTED_MODE_DESCRIPTION = 'scripted mode: no LLM configured (set LLM_PROVIDER)';

/** An AI SDK model chosen from settings, for adapters that call the SDK directly (the summarizer). */
export interface ChosenAiModel {
  provider: string;
  model: string;
  languageModel: AiModel;
  /** Values that must never appear in an error message (API keys). */
  secrets: readonly string[];
}

export interface ManagedLanguageModelFactory extends LanguageModelFactory {
  /** The AI SDK model behind forAgent's choice, or undefined in scripted mode. */
  aiModelFor(settings: { provider?: string; model?: string } | undefined): ChosenAiModel | undefined;
  /** 'openai-compatible:llama3.1' (with its fallback), or the scripted-mode line, for start-up and /health. */
  describe(): string;
  /** Closes pooled connections to the providers. */
  close(): Promise<void>;
}

function hasCredentials(config: LlmConfig, provider: ProviderName): boolean {
  switch (provider) {
    case 'openai':
      return Boolean(config.OPENAI_API_KEY);
    case 'anthropic':
      return Boolean(config.ANTHROPIC_API_KEY);
    case 'openai-compatible':
      return Boolean(config.OPENAI_COMPATIBLE_BASE_URL);
    case 'bedrock':
      return Boolean(config.AWS_REGION);
  }
}

/**
 * The providers this configuration can use: those with credentials, and the configured primary and
 * fallback (LLM_FALLBACK_BASE_URL / LLM_FALLBACK_API_KEY reach the fallback without them). Only their
 * packages are loaded; any other provider an agent names is treated as one without credentials.
 */
export function usableProviders(config: LlmConfig): ProviderName[] {
  return PROVIDERS.filter(
    (provider) =>
      hasCredentials(config, provider) ||
      provider === config.LLM_PROVIDER ||
      provider === config.LLM_FALLBACK_PROVIDER,
  );
}

async function awsDefaultCredentials() {
  // Loaded on first use: the AWS default chain (env, profile, SSO, container, instance metadata).
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  const credentials = await defaultProvider()();
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
  };
}

/**
 * Chooses and builds models from settings; keys come only from `config`. Loads the packages of the
 * usable providers first, so that choosing and building stay synchronous.
 */
export async function createLanguageModelFactory(config: LlmConfig): Promise<ManagedLanguageModelFactory> {
  const modules = await loadProviderModules(usableProviders(config));
  const pool = createKeepAliveFetch();
  const models = new Map<string, LanguageModel>();
  const aiModels = new Map<string, AiModel>();
  const secrets = [
    config.OPENAI_API_KEY,
    config.ANTHROPIC_API_KEY,
    config.OPENAI_COMPATIBLE_API_KEY,
    config.LLM_FALLBACK_API_KEY,
  ].filter((s): s is string => Boolean(s));
  const globalProvider = config.LLM_PROVIDER === 'none' ? undefined : config.LLM_PROVIDER;

  const loaded = (provider: ProviderName) => modules[provider] !== undefined;
  function sdk<P extends ProviderName>(provider: P): NonNullable<ProviderModules[P]> {
    const create = modules[provider];
    // Unreachable: resolve and resolveFallback choose only loaded providers.
    if (!create) throw new Error(`the ${provider} provider's package is not loaded`);
    return create;
  }

  function build(provider: ProviderName, model: string, own: Connection = {}): ProviderModel {
    const fetch = pool.fetch;
    switch (provider) {
      case 'openai':
        // .chat(): plain openai(model) would call the Responses API, which compatible servers lack.
        return sdk('openai')({
          apiKey: own.apiKey ?? config.OPENAI_API_KEY,
          baseURL: own.baseURL ?? config.OPENAI_BASE_URL,
          fetch,
        }).chat(model);
      case 'anthropic':
        return sdk('anthropic')({
          apiKey: own.apiKey ?? config.ANTHROPIC_API_KEY,
          baseURL: own.baseURL,
          fetch,
        })(model);
      case 'openai-compatible':
        return sdk('openai-compatible')({
          name: 'openai-compatible',
          baseURL: own.baseURL ?? config.OPENAI_COMPATIBLE_BASE_URL ?? '',
          apiKey: own.apiKey ?? config.OPENAI_COMPATIBLE_API_KEY,
          includeUsage: true,
          fetch,
        })(model);
      case 'bedrock':
        return sdk('bedrock')({
          region: config.AWS_REGION,
          credentialProvider: awsDefaultCredentials,
          fetch,
        })(model);
    }
  }

  function resolve(settings: ModelSettings) {
    if (settings?.provider === 'scripted') return undefined;
    const requested = settings?.provider as ProviderName | undefined;
    const provider = requested && PROVIDERS.includes(requested) ? requested : globalProvider;
    if (!provider || !hasCredentials(config, provider) || !loaded(provider)) return undefined;
    const model =
      settings?.model ??
      (provider === globalProvider ? config.LLM_MODEL : undefined) ??
      DEFAULT_MODELS[provider];
    return model ? { provider, model } : undefined;
  }

  function aiModelFor(settings: ModelSettings) {
    const chosen = resolve(settings);
    if (!chosen) return undefined;
    const key = `${chosen.provider}:${chosen.model}`;
    let languageModel = aiModels.get(key);
    if (!languageModel) {
      languageModel = build(chosen.provider, chosen.model);
      aiModels.set(key, languageModel);
    }
    return { ...chosen, languageModel, secrets };
  }

  // The agent's own fallback, else LLM_FALLBACK_*; 'scripted' turns the server's fallback off.
  function resolveFallback(settings: ModelSettings) {
    const own = settings?.fallback;
    if (!resolve(settings) || own?.provider === 'scripted') return undefined;
    const configured = config.LLM_FALLBACK_PROVIDER === 'none' ? undefined : config.LLM_FALLBACK_PROVIDER;
    const requested = own?.provider as ProviderName | undefined;
    const provider = requested && PROVIDERS.includes(requested) ? requested : configured;
    if (!provider) return undefined;
    const model =
      own?.model ??
      (provider === configured ? config.LLM_FALLBACK_MODEL : undefined) ??
      DEFAULT_MODELS[provider];
    const connection: Connection =
      provider === configured
        ? { baseURL: config.LLM_FALLBACK_BASE_URL, apiKey: config.LLM_FALLBACK_API_KEY }
        : {};
    const reachable = hasCredentials(config, provider) || Boolean(connection.apiKey ?? connection.baseURL);
    if (!model || !reachable || !loaded(provider)) return undefined;
    // Another server with the same model id gets its own name (and so its own circuit breaker).
    const host = connection.baseURL ? new URL(connection.baseURL).host : undefined;
    return { provider: host ? `${provider}@${host}` : provider, kind: provider, model, connection };
  }

  // Chat-completions providers stream through our own client: a turn's reply costs a third of the
  // CPU it costs through streamText (docs/decisions/0009-openai-chat-stream-client.md). Anthropic and
  // Bedrock stay on the AI SDK.
  function languageModel(
    kind: ProviderName,
    name: string,
    model: string,
    own: Connection = {},
  ): LanguageModel {
    const dispatcher = pool.dispatcher;
    switch (kind) {
      case 'openai':
        return new OpenAiChatModel({
          provider: name,
          model,
          flavor: 'openai',
          baseURL: own.baseURL ?? config.OPENAI_BASE_URL ?? OPENAI_BASE_URL,
          apiKey: own.apiKey ?? config.OPENAI_API_KEY,
          dispatcher,
          secrets,
        });
      case 'openai-compatible':
        return new OpenAiChatModel({
          provider: name,
          model,
          flavor: 'openai-compatible',
          baseURL: own.baseURL ?? config.OPENAI_COMPATIBLE_BASE_URL ?? '',
          apiKey: own.apiKey ?? config.OPENAI_COMPATIBLE_API_KEY,
          dispatcher,
          secrets,
        });
      default:
        return new AiSdkLanguageModel({
          provider: name,
          model,
          languageModel: build(kind, model, own),
          secrets,
          cacheMarks: cacheMarkKind(kind, model),
        });
    }
  }

  function cached(provider: string, model: string, make: () => LanguageModel, ownKey = false): LanguageModel {
    const key = `${provider}:${model}${ownKey ? ' (own key)' : ''}`;
    let chosen = models.get(key);
    if (!chosen) {
      chosen = make();
      models.set(key, chosen);
    }
    return chosen;
  }

  return {
    forAgent(settings) {
      const chosen = resolve(settings);
      return (
        chosen &&
        cached(chosen.provider, chosen.model, () =>
          languageModel(chosen.provider, chosen.provider, chosen.model),
        )
      );
    },
    fallbackFor(settings) {
      const chosen = resolveFallback(settings);
      const primary = resolve(settings);
      if (!chosen || (chosen.provider === primary?.provider && chosen.model === primary.model))
        return undefined;
      const { kind, model, connection } = chosen;
      return cached(
        chosen.provider,
        model,
        () => languageModel(kind, chosen.provider, model, connection),
        Boolean(connection.apiKey),
      );
    },
    aiModelFor,
    describe() {
      const chosen = resolve(undefined);
      if (!chosen) return SCRIPTED_MODE_DESCRIPTION;
      const fallback = resolveFallback(undefined);
      return `${chosen.provider}:${chosen.model}${fallback ? `, fallback ${fallback.provider}:${fallback.model}` : ''}`;
    },
    close: () => pool.close(),
  };
}
