// The brain behind every transport: the agent's language model (or the scripted policy when none is
// configured), one circuit breaker per model for the process, the agents' tools offered to it, and
// the realtime speech-to-speech models the Media Streams transport talks to.
import { createLanguageModelFactory } from '../adapters/llm/provider-factory.js';
import { realtimeModelFactory } from '../adapters/llm/realtime-model-factory.js';
import { realtimeModelSettings, type Config } from '../config.js';
import { CircuitBreakers } from '../engine/circuit-breaker.js';
import { guardRealtimeModels } from '../engine/realtime-circuits.js';
import { createPolicySelector } from '../engine/policy-selector.js';
import { ScriptedPolicy } from '../engine/scripted-policy.js';
import type { ToolCatalog } from '../engine/tools/tool-catalog.js';
import type { Logger } from '../logger.js';
import type { PrometheusMetrics } from '../adapters/prometheus/prometheus-metrics.js';
import type { OnClose } from './cleanups.js';

export async function buildModels(
  config: Config,
  deps: { logger: Logger; metrics: PrometheusMetrics; tools: ToolCatalog },
  onClose: OnClose,
) {
  const llm = await createLanguageModelFactory(config);
  onClose(() => llm.close());
  // Turns and end-of-call summaries see the same breaker state.
  const breakers = new CircuitBreakers({
    failureThreshold: config.LLM_BREAKER_FAILURES,
    coolDownMs: config.LLM_BREAKER_COOLDOWN_MS,
    onStateChange: ({ name, from, to, consecutiveFailures }) => {
      deps.metrics.circuitChanged({ name, to });
      deps.logger.warn(
        { model: name, from, to, consecutive_failures: consecutiveFailures },
        `model circuit ${to}`,
      );
    },
  });
  const policyFor = createPolicySelector(llm, new ScriptedPolicy(), {
    firstTokenTimeoutMs: config.LLM_TIMEOUT_MS,
    turnBudgetMs: config.TURN_TIMEOUT_MS,
    temperature: config.LLM_TEMPERATURE,
    region: config.DEFAULT_PHONE_REGION,
    breakers,
    tools: deps.tools,
  });
  // Speech-to-speech models (an agent's llm.realtime), available when their provider has a key and
  // their circuit is not open.
  const realtimeModels = guardRealtimeModels(realtimeModelFactory(realtimeModelSettings(config)), breakers);
  return { llm, breakers, policyFor, realtimeModels };
}
