// Which AI SDK package backs each provider, imported only for the providers a process can use: every
// loaded module's source text stays in the heap, and each full collection marks it (Anthropic's
// alone is 1.1 MB of source; decision 0034).
import type { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import type { createAnthropic } from '@ai-sdk/anthropic';
import type { createOpenAI } from '@ai-sdk/openai';
import type { createOpenAICompatible } from '@ai-sdk/openai-compatible';

export type ProviderName = 'openai' | 'anthropic' | 'openai-compatible' | 'bedrock';
export const PROVIDERS: readonly ProviderName[] = ['openai', 'anthropic', 'openai-compatible', 'bedrock'];

/** Each provider's create function, present when its package was loaded. */
export interface ProviderModules {
  openai?: typeof createOpenAI;
  anthropic?: typeof createAnthropic;
  'openai-compatible'?: typeof createOpenAICompatible;
  bedrock?: typeof createAmazonBedrock;
}

const LOADERS: { [P in ProviderName]: () => Promise<NonNullable<ProviderModules[P]>> } = {
  openai: async () => (await import('@ai-sdk/openai')).createOpenAI,
  anthropic: async () => (await import('@ai-sdk/anthropic')).createAnthropic,
  'openai-compatible': async () => (await import('@ai-sdk/openai-compatible')).createOpenAICompatible,
  bedrock: async () => (await import('@ai-sdk/amazon-bedrock')).createAmazonBedrock,
};

/** Imports the packages of these providers (each once), and no other. */
export async function loadProviderModules(providers: Iterable<ProviderName>): Promise<ProviderModules> {
  const modules: ProviderModules = {};
  await Promise.all(
    [...new Set(providers)].map(async (provider) => {
      Object.assign(modules, { [provider]: await LOADERS[provider]() });
    }),
  );
  return modules;
}
