// Without a realtime model endpoint (OPENAI_REALTIME_URL), `simulate --transport realtime` starts the
// fake Realtime API on loopback with a scripted dialogue over the caller's lines, and the server it
// starts for itself uses it: the whole call runs offline, with no OpenAI account.
import type { Config } from '../../config.js';
import {
  FAKE_REALTIME_KEY,
  startFakeRealtimeServer,
} from '../../simulator/fake-realtime/fake-realtime-server.js';
import { offlineDialogue, type OfflineAgent } from '../../simulator/fake-realtime/offline-dialogue.js';
import type { SimulationTarget } from './target.js';

export async function startOfflineRealtime(lines: readonly string[]) {
  let agent: OfflineAgent = {};
  const fake = await startFakeRealtimeServer({ script: () => offlineDialogue(lines, agent) });
  const settings: Partial<Config> = {
    OPENAI_REALTIME_URL: fake.url,
    OPENAI_REALTIME_API_KEY: FAKE_REALTIME_KEY,
  };
  return {
    settings,
    /** The agent called: its greeting and the details its form asks for shape the dialogue. */
    async useAgent(target: SimulationTarget, agentId: string): Promise<void> {
      const response = await fetch(`${target.serverUrl}/agents/${encodeURIComponent(agentId)}`, {
        headers: { authorization: `Bearer ${target.adminApiKey}` },
      });
      if (response.ok) agent = (await response.json()) as OfflineAgent;
    },
    close: () => fake.close(),
  };
}
