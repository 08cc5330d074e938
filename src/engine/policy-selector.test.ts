import { describe, expect, it } from 'vitest';
import { ScriptedLanguageModel } from '../../test/fakes/scripted-language-model.js';
import { exampleAgent } from '../../test/fakes/turn-context.js';
import type { LanguageModel, LanguageModelFactory } from '../ports/language-model.js';
import type { ReplyPolicy } from '../ports/reply-policy.js';
import { LlmPolicy } from './llm-policy.js';
import { createPolicySelector } from './policy-selector.js';

const scripted: ReplyPolicy = {
  name: 'scripted',
  respond: () => ({
    textStream: (async function* () {})(),
    reply: Promise.resolve({ text: '', extracted: {} }),
  }),
};

function factoryOf(models: Record<string, LanguageModel>): LanguageModelFactory & { asked: unknown[] } {
  const asked: unknown[] = [];
  return {
    asked,
    forAgent(settings) {
      asked.push(settings);
      return settings?.provider === 'scripted' ? undefined : models[settings?.model ?? 'default'];
    },
  };
}

describe('createPolicySelector', () => {
  const agent = exampleAgent('customer-support-001.json');

  it('uses the scripted policy when no model is configured', () => {
    const select = createPolicySelector(factoryOf({}), scripted);
    expect(select(agent)).toBe(scripted);
  });

  it('uses an LLM policy when the factory has a model for the agent, one per provider:model', () => {
    const models = { default: new ScriptedLanguageModel([], 'a'), other: new ScriptedLanguageModel([], 'b') };
    const factory = factoryOf(models);
    const select = createPolicySelector(factory, scripted);
    const first = select(agent);
    expect(first).toBeInstanceOf(LlmPolicy);
    expect(first.name).toBe('scripted-test:a');
    expect(select(agent)).toBe(first);
    const overridden = select({ ...agent, llm: { model: 'other' } });
    expect(overridden.name).toBe('scripted-test:b');
    expect(factory.asked).toContainEqual({ model: 'other' });
    expect(select({ ...agent, llm: { provider: 'scripted' } })).toBe(scripted);
  });

  it('keeps one LLM policy per model and fallback pair', () => {
    const models = { default: new ScriptedLanguageModel([], 'a') };
    const backup = new ScriptedLanguageModel([], 'b');
    const factory = {
      ...factoryOf(models),
      fallbackFor: (settings?: { fallback?: { provider?: string } }) =>
        settings?.fallback?.provider === 'scripted' ? undefined : backup,
    };
    const select = createPolicySelector(factory, scripted);
    const withFallback = select(agent);
    const without = select({ ...agent, llm: { fallback: { provider: 'scripted' } } });
    expect(withFallback).not.toBe(without);
    expect(select(agent)).toBe(withFallback);
    expect(withFallback.name).toBe('scripted-test:a');
  });
});
