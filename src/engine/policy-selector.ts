import type { Agent } from '../domain/agent.js';
import type { LanguageModelFactory } from '../ports/language-model.js';
import type { ReplyPolicy } from '../ports/reply-policy.js';
import { LlmPolicy, type LlmPolicyOptions } from './llm-policy.js';

export type PolicySelector = (agent: Agent) => ReplyPolicy;

/**
 * Chooses the brain for an agent: an LlmPolicy when the factory has a model for the agent's settings
 * (its own llm block, else the server's), otherwise the scripted policy. One LlmPolicy per
 * provider:model, held by this selector (never in module scope).
 */
export function createPolicySelector(
  factory: LanguageModelFactory,
  scripted: ReplyPolicy,
  options: LlmPolicyOptions = {},
): PolicySelector {
  const policies = new Map<string, LlmPolicy>();
  return (agent) => {
    const model = factory.forAgent(agent.llm);
    if (!model) return scripted;
    const key = `${model.provider}:${model.model}`;
    let policy = policies.get(key);
    if (!policy) {
      policy = new LlmPolicy(model, options);
      policies.set(key, policy);
    }
    return policy;
  };
}
