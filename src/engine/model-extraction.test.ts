import { describe, expect, it } from 'vitest';
import { ScriptedLanguageModel } from '../../test/fakes/scripted-language-model.js';
import type { DataField } from '../domain/agent.js';
import { extractWithModel } from './model-extraction.js';

const context = { language: 'en-US', now: new Date('2026-11-25T12:00:00Z'), timezone: 'UTC' };
const field = (type: DataField['type']): DataField => ({
  name: 'value',
  type,
  required: true,
  description: '',
});

describe('extractWithModel', () => {
  it('keeps a proposal that passes validation', async () => {
    const model = new ScriptedLanguageModel([
      { toolCalls: [{ name: 'record_value', arguments: { value: 'Priya Sharma' } }] },
    ]);
    expect(await extractWithModel(model, field('name'), 'uh it is priya sharma speaking', context)).toBe(
      'Priya Sharma',
    );
    expect(model.requests[0]?.tools[0]?.name).toBe('record_value');
  });

  it('refuses a proposal the rules reject and falls back to the rules on the text', async () => {
    const model = new ScriptedLanguageModel([
      { toolCalls: [{ name: 'record_value', arguments: { value: 'not-an-email' } }] },
    ]);
    expect(
      await extractWithModel(model, field('email'), 'it is john dot smith at gmail dot com', context),
    ).toBe('john.smith@gmail.com');
  });

  it('finds nothing when neither the model nor the rules do', async () => {
    const model = new ScriptedLanguageModel([{ text: 'No value here.' }]);
    expect(await extractWithModel(model, field('name'), "I'm not sure", context)).toBeNull();
  });
});
