// A throwaway server for test runs: the real app (webhooks, engine, policies) on 127.0.0.1:0 over a
// fresh in-memory store seeded with the example agents, optionally with copies of given agents.
// Nothing it does reaches the real call list, no end-of-call webhook leaves it, and two runs cannot
// see each other's calls, so deterministic scenarios give the same result every time.
import type { Config } from '../config.js';
import type { Agent } from '../domain/agent.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import type { TestTarget } from './observed-call.js';
import { ToolStubRegistry } from './tool-stubs.js';

export interface SandboxOptions {
  /** Agents to install as they are (e.g. the agent under test as the real store has it now). */
  agents?: readonly Agent[];
}

export async function startSandbox(config: Config, options: SandboxOptions = {}): Promise<TestTarget> {
  const local: Config = {
    ...config,
    DATA_DIR: ':memory:',
    HOST: '127.0.0.1',
    PORT: 0,
    LOG_LEVEL: config.LOG_LEVEL === 'silent' ? 'silent' : 'error',
    WEBHOOK_URL: undefined,
    // A scripted caller's silence needs no real-time wait; the shortest idle keeps relay runs quick.
    RELAY_IDLE_MS: 1_000,
  };
  // Agents' tools answer from the scenarios' stubs: a test never reaches a real endpoint.
  const toolStubs = new ToolStubRegistry();
  const server = await startServer(local, {
    logger: createLogger(local, 'cli'),
    print: () => {},
    handleSignals: false,
    recordDiscovery: false,
    toolRunner: toolStubs.runner(),
  });
  toolStubs.bindCalls((callSid) => server.container.callStore.get(callSid));
  try {
    const { agentStore, agents } = server.container;
    for (const agent of options.agents ?? []) {
      // Per-agent webhooks would leave the sandbox; the copy keeps everything else.
      const { webhook_url: _webhook, ...copy } = structuredClone(agent);
      const stored = await agentStore.get(agent.agent_id);
      if (stored) await agentStore.replace({ ...copy, version: stored.version + 1 }, stored.version);
      else await agentStore.create({ ...copy, version: 1 });
    }
    agents.clearCache();
  } catch (error) {
    await server.stop();
    throw error;
  }
  const { secrets } = server.container;
  return {
    serverUrl: server.url,
    publicUrl: local.publicUrl,
    accountSid: secrets.twilioAccountSid,
    authToken: secrets.twilioAuthToken,
    adminApiKey: secrets.adminApiKey,
    toolStubs,
    close: () => server.stop(),
  };
}
