// Agents and what reads them: the agent service (its cache, and the checks an agent's tools and
// webhook URL pass at save time), phone numbers routed to agents, and the analytics over calls.
import { checkOutboundUrl } from '../adapters/net/url-guard.js';
import type { Config } from '../config.js';
import type { Agent } from '../domain/agent.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { CallStore } from '../ports/call-store.js';
import type { PhoneNumberStore } from '../ports/phone-number-store.js';
import type { SchemaValidator } from '../ports/schema-validator.js';
import { AgentService } from '../services/agent-service.js';
import { AnalyticsService } from '../services/analytics/analytics-service.js';
import { PhoneNumberService } from '../services/phone-number-service.js';
import { toolConfigProblems } from '../services/tool-config-check.js';

export function buildAgents(
  config: Config,
  deps: {
    agentStore: AgentStore;
    phoneNumberStore: PhoneNumberStore;
    calls: CallStore;
    validator: SchemaValidator;
    /** Told of each agent read from the store (the MCP SDK starts loading for one that uses it). */
    onAgentLoaded?: (agent: Agent) => void;
  },
) {
  const agents = new AgentService(deps.agentStore, {
    checkTools: (fields) =>
      toolConfigProblems(fields, {
        validator: deps.validator,
        production: config.NODE_ENV === 'production',
        privateNetworkAllowed: config.TOOLS_ALLOW_PRIVATE_NETWORK,
      }),
    cacheTtlMs: config.AGENT_CACHE_TTL_SECONDS * 1_000,
    ...(deps.onAgentLoaded ? { onLoaded: deps.onAgentLoaded } : {}),
    checkWebhookUrl: async (url) => {
      await checkOutboundUrl(url, {
        allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
        field: 'webhook_url',
        allowUnresolved: true,
      });
    },
  });
  const analytics = new AnalyticsService({
    calls: deps.calls,
    fieldsOf: (agentId) =>
      agents.get(agentId).then(
        (agent) => agent.data_to_fill.map((field) => field.name),
        () => undefined,
      ),
  });
  return {
    agents,
    phoneNumbers: new PhoneNumberService(deps.phoneNumberStore, agents, {
      cacheTtlMs: config.AGENT_CACHE_TTL_SECONDS * 1_000,
    }),
    analytics,
  };
}
