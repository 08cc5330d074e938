import type { Agent } from '../domain/agent.js';
import type { LanguageModelFactory } from '../ports/language-model.js';
import type { ReplyPolicy } from '../ports/reply-policy.js';
import { CircuitBreakers } from './circuit-breaker.js';
import { LlmPolicy, type LlmPolicyOptions } from './llm-policy.js';

export type PolicySelector = (agent: Agent) => ReplyPolicy;

/**
 * Chooses the brain for an agent: an LlmPolicy when the factory has a model for the agent's settings
 * (its own llm block, else the server's), otherwise the scripted policy. One LlmPolicy per
 * provider:model and fallback, held by this selector (never in module scope), all sharing one set of
 * circuit breakers.
 */
export function createPolicySelector(
  factory: LanguageModelFactory,
  scripted: ReplyPolicy,
  options: LlmPolicyOptions = {},
): PolicySelector {
  const policies = new Map<string, LlmPolicy>();
  const breakers = options.breakers ?? new CircuitBreakers();
  return (agent) => {
    const model = factory.forAgent(agent.llm);
    if (!model) return scripted;
    const fallback = factory.fallbackFor?.(agent.llm);
    const key = [model, fallback].map((m) => m && `${m.provider}:${m.model}`).join(' > ');
    let policy = policies.get(key);
    if (!policy) {
      policy = new LlmPolicy(model, { ...options, breakers, fallback });
      policies.set(key, policy);
    }
    return policy;
  };
}
