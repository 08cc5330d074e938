// A slow model start on relay: once the reply has not begun after fillerMs, the caller hears one short
// filler line, sent preemptible and outside the reply, so the stored turn is the reply alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelayHarness, type RelayHarness } from './relay-harness.js';
import { StreamingTestPolicy } from './streaming-policy.js';

const REPLY = 'Sure, I can help with that.';
// 250 ms before each word: the first word comes long after the filler threshold, and the gaps
// between the later words are as long again (a second filler would show there).
const slowPolicy = new StreamingTestPolicy(() => ({ text: REPLY }), 250);

function sentTexts(messages: { direction: string; message: unknown }[]) {
  return messages
    .filter((m) => m.direction === 'received')
    .map((m) => m.message as { type: string; token?: string; preemptible?: boolean })
    .filter((m) => m.type === 'text');
}

describe('a slow reply on relay', () => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await startRelayHarness({ streaming: slowPolicy, relay: { timing: { fillerMs: 50 } } });
    await h.createAgent('stream-slow');
    await h.createAgent('stream-slow-hi', {
      language: 'hi-IN',
      voice: 'Polly.Kajal-Neural',
      greeting: 'नमस्ते, मैं आपकी क्या मदद कर सकती हूँ?',
    });
  });
  afterAll(() => h.close());

  it('is covered by one filler line that is not stored as the reply', async () => {
    const result = await h.call({ agentId: 'stream-slow', lines: ['my order is late'] });
    const texts = sentTexts(result.messages);
    const fillers = texts.filter((t) => t.preemptible === true);
    expect(fillers).toEqual([{ type: 'text', token: 'One moment... ', last: false, preemptible: true }]);
    expect(texts[0]).toEqual(fillers[0]);
    const turns = await h.container.callStore.listTurns(result.callSid);
    expect(turns[1]?.agent_text).toBe(REPLY);
    expect(result.replies[0]?.text).toBe(`One moment... ${REPLY}`);
  });

  it('leaves the filler out of what the caller heard when they barge in', async () => {
    const result = await h.call({
      agentId: 'stream-slow',
      lines: ['my order is late'],
      interruptAfterTokens: { 0: 2 },
    });
    const heard = result.transcript.find((e) => e.interrupted)?.text;
    expect(heard).toMatch(/^One moment\.\.\. Sure/);
    const turns = await h.container.callStore.listTurns(result.callSid);
    expect(turns[1]).toMatchObject({ interrupted: true });
    expect(turns[1]?.agent_text).toMatch(/^Sure/);
  });

  it("is said in the agent's language when a key press names none", async () => {
    const result = await h.call({ agentId: 'stream-slow-hi', lines: [], dtmf: { 0: '1' } });
    const fillers = sentTexts(result.messages).filter((t) => t.preemptible === true);
    expect(fillers.map((t) => t.token)).toEqual(['एक क्षण... ']);
  });
});
