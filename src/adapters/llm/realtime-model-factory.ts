// Chooses an agent's realtime model: OpenAI's Realtime API when its key is configured.
import type { RealtimeModel, RealtimeModelChoice, RealtimeModelFactory } from '../../ports/realtime-model.js';
import { OpenAiRealtimeModel } from './openai-realtime-model.js';

export interface RealtimeModelSettings {
  /** OPENAI_REALTIME_API_KEY, else OPENAI_API_KEY. */
  openaiApiKey?: string;
  /** OPENAI_REALTIME_URL (default OpenAI's wss endpoint). */
  openaiUrl?: string;
  openTimeoutMs?: number;
}

export function realtimeModelFactory(settings: RealtimeModelSettings): RealtimeModelFactory {
  return {
    forAgent(choice: RealtimeModelChoice): RealtimeModel | undefined {
      if (choice.provider !== 'openai' || !settings.openaiApiKey) return undefined;
      return new OpenAiRealtimeModel({
        apiKey: settings.openaiApiKey,
        model: choice.model,
        ...(settings.openaiUrl ? { url: settings.openaiUrl } : {}),
        ...(settings.openTimeoutMs !== undefined ? { openTimeoutMs: settings.openTimeoutMs } : {}),
      });
    },
  };
}
