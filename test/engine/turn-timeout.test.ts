// A turn that runs out its whole time budget still records what it spent: the turn is stored as
// 'timeout' with the reason, the model's latency and the tokens of the attempts that finished.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallEngine } from '../../src/engine/call-engine.js';
import { LlmPolicy } from '../../src/engine/llm-policy.js';
import { sampleAgent } from '../contracts/agent-store.contract.js';
import { sampleCall } from '../contracts/call-store.contract.js';
import { ScriptedLanguageModel, type ModelStep } from '../fakes/scripted-language-model.js';
import { startDynamoStores } from '../recordings/harness.js';

const BUDGET_MS = 2_000;

let dynamo: Awaited<ReturnType<typeof startDynamoStores>>;
beforeAll(async () => {
  dynamo = await startDynamoStores();
});
afterAll(() => dynamo.close());

let n = 0;
async function turnAgainst(steps: ModelStep[]) {
  n += 1;
  const callSid = `CA${n.toString(16).padStart(32, 'f')}`;
  const agent = sampleAgent(`timeout-agent-${n}`);
  await dynamo.calls.create(
    sampleCall(callSid, {
      agent_id: agent.agent_id,
      status: 'in-progress',
      started_at: new Date().toISOString(),
      turn_count: 1,
    }),
  );
  const model = new ScriptedLanguageModel(steps);
  const { sessions, conversation } = createCallEngine({
    calls: dynamo.calls,
    getAgent: async () => agent,
    policyFor: () => new LlmPolicy(model, { turnBudgetMs: BUDGET_MS, firstTokenTimeoutMs: 60_000 }),
    turnTimeoutMs: BUDGET_MS,
    defaultTimezone: 'UTC',
  });
  const session = await sessions.open(callSid);
  const outcome = await conversation.takeTurn(session, 1, { kind: 'speech', text: 'Can I move my slot?' });
  return { outcome, stored: await dynamo.calls.getTurn(callSid, 1), call: await dynamo.calls.get(callSid) };
}

describe('a turn past its budget', () => {
  it('stores the reason, the model latency and the tokens of a finished first attempt', async () => {
    // The first attempt answers nothing (retried), the second never answers.
    const { outcome, stored, call } = await turnAgainst([
      { text: '', usage: { inputTokens: 120, outputTokens: 3, costMicroUsd: 20 } },
      { hang: true },
    ]);
    expect(outcome.turn.kind).toBe('timeout');
    expect(stored).toMatchObject({
      kind: 'timeout',
      model_error: `turn budget of ${BUDGET_MS} ms exceeded`,
      input_tokens: 120,
      output_tokens: 3,
      cost_micro_usd: 20,
    });
    expect(stored!.model_latency_ms).toBeGreaterThan(0);
    expect(call!.totals).toMatchObject({ input_tokens: 120, output_tokens: 3 });
    expect(call!.totals!.model_latency_ms).toBe(stored!.model_latency_ms);
  });

  it('stores no tokens when none arrived', async () => {
    const { stored } = await turnAgainst([{ hang: true }]);
    expect(stored).toMatchObject({ kind: 'timeout', model_error: `turn budget of ${BUDGET_MS} ms exceeded` });
    expect(stored!.model_latency_ms).toBeGreaterThan(0);
    expect(stored).not.toHaveProperty('input_tokens');
  });
});
