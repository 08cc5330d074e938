// Time to the filler line (issue 15, item 4): relay calls against a whole server (the relay harness:
// embedded DynamoDB, real sockets), each asking about an order whose tool answers only after the
// filler time; from the caller's final prompt to the first `text` message, which is the tool's
// filler line. What it adds over TOOL_FILLER_MS is the model's time to its tool call plus the
// server's own delay in saying the line.
import type { Agent } from '../src/domain/agent.js';
import { LlmPolicy } from '../src/engine/llm-policy.js';
import type { ToolCatalog } from '../src/engine/tools/tool-catalog.js';
import { ScriptedLanguageModel } from '../test/fakes/scripted-language-model.js';
import { startRelayHarness } from '../test/relay/relay-harness.js';
import { sortedCopy } from './stats.js';

export const TOOL_FILLER_MS = 1_000;

/** Times to the filler line (ms, sorted) of `calls` concurrent calls, one slow tool call each. */
export async function timesToFiller(
  calls: number,
  tools: ToolCatalog,
  tool: NonNullable<Agent['tools']>[number],
): Promise<Float64Array> {
  const model = new ScriptedLanguageModel((request) =>
    request.messages.at(-1)?.role === 'tool'
      ? { text: 'Order 4412 is shipped.' }
      : { toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: { order_id: '4412' } }] },
  );
  const h = await startRelayHarness({
    streaming: new LlmPolicy(model, { tools, turnBudgetMs: 8_000 }),
    relay: { timing: { toolFillerMs: TOOL_FILLER_MS } },
  });
  try {
    await h.createAgent('stream-bench-orders', { tools: [tool] });
    const results = await Promise.all(
      Array.from({ length: calls }, () =>
        h.call({ agentId: 'stream-bench-orders', lines: ['Where is order 4412?'] }),
      ),
    );
    const times = results.flatMap((result) => {
      const reply = result.replies[0];
      return reply?.firstTokenMs !== undefined ? [reply.firstTokenMs - reply.requestedMs] : [];
    });
    return sortedCopy(times);
  } finally {
    await h.close();
  }
}
