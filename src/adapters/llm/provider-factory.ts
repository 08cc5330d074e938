import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel as AiModel } from 'ai';
import type { Config } from '../../config.js';
import type { LanguageModel, LanguageModelFactory } from '../../ports/language-model.js';
import { AiSdkLanguageModel } from './ai-sdk-language-model.js';
import { createKeepAliveFetch } from './keep-alive-fetch.js';

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
>;

type ProviderName = 'openai' | 'anthropic' | 'openai-compatible' | 'bedrock';
const PROVIDERS: readonly ProviderName[] = ['openai', 'anthropic', 'openai-compatible', 'bedrock'];

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
  /** 'openai-compatible:llama3.1', or the scripted-mode line, for start-up and GET /health. */
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

/** Chooses and builds AI SDK models from settings; keys come only from `config`. */
export function createLanguageModelFactory(config: LlmConfig): ManagedLanguageModelFactory {
  const pool = createKeepAliveFetch();
  const models = new Map<string, LanguageModel>();
  const aiModels = new Map<string, AiModel>();
  const secrets = [config.OPENAI_API_KEY, config.ANTHROPIC_API_KEY, config.OPENAI_COMPATIBLE_API_KEY].filter(
    (s): s is string => Boolean(s),
  );
  const globalProvider = config.LLM_PROVIDER === 'none' ? undefined : config.LLM_PROVIDER;

  function build(provider: ProviderName, model: string): AiModel {
    const fetch = pool.fetch;
    switch (provider) {
      case 'openai':
        // .chat(): plain openai(model) would call the Responses API, which compatible servers lack.
        return createOpenAI({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, fetch }).chat(
          model,
        );
      case 'anthropic':
        return createAnthropic({ apiKey: config.ANTHROPIC_API_KEY, fetch })(model);
      case 'openai-compatible':
        return createOpenAICompatible({
          name: 'openai-compatible',
          baseURL: config.OPENAI_COMPATIBLE_BASE_URL ?? '',
          apiKey: config.OPENAI_COMPATIBLE_API_KEY,
          includeUsage: true,
          fetch,
        })(model);
      case 'bedrock':
        return createAmazonBedrock({
          region: config.AWS_REGION,
          credentialProvider: awsDefaultCredentials,
          fetch,
        })(model);
    }
  }

  function resolve(settings: { provider?: string; model?: string } | undefined) {
    if (settings?.provider === 'scripted') return undefined;
    const requested = settings?.provider as ProviderName | undefined;
    const provider = requested && PROVIDERS.includes(requested) ? requested : globalProvider;
    if (!provider || !hasCredentials(config, provider)) return undefined;
    const model =
      settings?.model ??
      (provider === globalProvider ? config.LLM_MODEL : undefined) ??
      DEFAULT_MODELS[provider];
    return model ? { provider, model } : undefined;
  }

  function aiModelFor(settings: { provider?: string; model?: string } | undefined) {
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

  return {
    forAgent(settings) {
      const chosen = aiModelFor(settings);
      if (!chosen) return undefined;
      const key = `${chosen.provider}:${chosen.model}`;
      let model = models.get(key);
      if (!model) {
        model = new AiSdkLanguageModel(chosen);
        models.set(key, model);
      }
      return model;
    },
    aiModelFor,
    describe() {
      const chosen = resolve(undefined);
      return chosen ? `${chosen.provider}:${chosen.model}` : SCRIPTED_MODE_DESCRIPTION;
    },
    close: () => pool.close(),
  };
}
