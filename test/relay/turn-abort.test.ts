// A barge-in can arrive while the engine is still reading the call, before the policy starts: the
// policy must still see an aborted signal (and so cancel its model request) instead of running on.
import { describe, expect, it } from 'vitest';
import { runWithBudget } from '../../src/engine/turn-budget.js';

describe('runWithBudget with a signal aborted before the turn starts', () => {
  it('hands the policy an aborted signal and returns at once', async () => {
    const outer = new AbortController();
    outer.abort(new Error('interrupted'));
    let policySignal: AbortSignal | undefined;
    const reply = await runWithBudget(
      (signal) => {
        policySignal = signal;
        return { textStream: (async function* () {})(), reply: new Promise(() => undefined) };
      },
      { budgetMs: 5_000, signal: outer.signal },
    );
    expect(reply).toEqual({ text: '', extracted: {} });
    expect(policySignal?.aborted).toBe(true);
  });
});
