// Whole calls over ConversationRelay against the real routes: the voice webhook, the relay socket,
// the action URL and the stored turns, driven by the Twilio simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamingTestPolicy } from './streaming-policy.js';
import type { RelayCallResult } from '../../src/simulator/relay-call.js';
import { connectRelay } from '../../src/simulator/relay-client.js';
import { startRelayHarness, type RelayHarness } from './relay-harness.js';

const policy = new StreamingTestPolicy((callerText) => {
  if (/transfer me to sales/i.test(callerText))
    return { text: 'Connecting you to sales now.', transferTo: 'sales' };
  if (/transfer me to the boss/i.test(callerText))
    return { text: 'Let me see what I can do.', transferTo: 'boss' };
  if (/^\d$/.test(callerText)) return { text: `You pressed ${callerText}.` };
  return {
    text: `You said ${callerText}. Here is a long answer with many words, so that the caller can cut in before it is over. Anything else?`,
  };
});

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelayHarness({ streaming: policy });
  await h.createAgent('stream-agent', {
    transfer_targets: [{ id: 'sales', target: '+14155550199', description: 'The sales team' }],
  });
});
afterAll(() => h.close());

describe('a relay call', () => {
  it('runs a scripted call from the voice webhook to the end, and the action URL hangs up', async () => {
    const result = await h.call({
      agentId: 'customer-support-001',
      lines: ['My laptop will not turn on', 'My name is Jane Smith', 'jane at example dot com', 'yes'],
    });
    expect(result.transcript[0]).toMatchObject({ speaker: 'agent', event: 'greeting' });
    expect(result.ended).toBe(true);
    expect(JSON.parse(result.endMessage?.handoffData ?? '{}')).toEqual({
      reason: 'end',
      ended_by: 'system_complete',
    });
    expect(result.endReason).toBe('hangup-verb');
    const turns = await h.container.callStore.listTurns(result.callSid);
    expect(turns.map((t) => t.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(turns[4]?.ends_call).toBe('system_complete');
    // What the caller heard is what was stored, turn by turn.
    const heard = result.transcript.filter((e) => e.speaker === 'agent' && !e.event).map((e) => e.text);
    expect(heard).toEqual(turns.slice(1).map((t) => t.agent_text));
    const call = await h.container.callStore.get(result.callSid);
    expect(call).toMatchObject({ transport: 'relay', ended_by: 'system_complete', turn_count: 5 });
    expect(call?.data_collected.email?.value).toBe('jane@example.com');
    expect(h.sessions.size).toBe(0);
  });

  it('streams the reply as it is produced: each model delta in its own text message, then last:true', async () => {
    const before = policy.calls.length;
    const result = await h.call({ agentId: 'stream-agent', lines: ['hello'] });
    const reply = result.replies[0]!;
    const spoken =
      'You said hello. Here is a long answer with many words, so that the caller can cut in before it is over. Anything else?';
    expect(reply.text).toBe(spoken);
    // The policy hands over one word (with its space) at a time: each leaves as it is, unbuffered.
    expect(reply.tokens).toEqual(spoken.match(/\S+\s*/gu));
    const texts = receivedTexts(result);
    expect(texts.at(-1)).toEqual({ token: '', last: true, at: expect.any(Number) });
    expect(texts.slice(0, -1).every((t) => !t.last && t.token.length > 0)).toBe(true);
    const words = policy.calls[before]!.wordTimes;
    // The first word leaves with the model's first word, long before the model's last word (about
    // 400 ms later). The bound leaves room for a busy CI machine; the benchmark measures the real figure.
    expect(texts[0]!.at - words[0]!).toBeLessThan(150);
    expect(texts[0]!.at).toBeLessThan(words.at(-1)!);
    expect(reply.lastTokenMs! - reply.firstTokenMs!).toBeGreaterThan(100);
  });

  it('a barge-in after 2 tokens aborts the model and stores only what the caller heard', async () => {
    const before = policy.calls.length;
    const result = await h.call({
      agentId: 'stream-agent',
      lines: ['hello', 'and then?'],
      interruptAfterTokens: { 0: 2 },
    });
    const cut = result.transcript.find((e) => e.interrupted)!;
    // Two words had gone out when the caller cut in: Twilio reports those as heard.
    expect(cut.text).toBe('You said ');
    const aborted = policy.calls[before]!;
    expect(aborted.signal.aborted).toBe(true);
    expect(aborted.finished).toBe(false);
    const turns = await h.container.callStore.listTurns(result.callSid);
    expect(turns.map((t) => t.seq)).toEqual([0, 1, 2]);
    expect(turns[1]).toMatchObject({ caller_text: 'hello', agent_text: cut.text, interrupted: true });
    // The next prompt carries on as usual, with the next turn number.
    expect(turns[2]).toMatchObject({ caller_text: 'and then?' });
    expect(turns[2]?.interrupted).toBeUndefined();
    expect(policy.calls[before + 1]?.signal.aborted).toBe(false);
  });

  it('an interrupt after the reply went out (Twilio still speaking) lands on that turn', async () => {
    const started = await h.startCall('stream-agent');
    const client = await connectRelay(started.connect);
    const reply = await client.prompt('hi there');
    client.send({
      type: 'interrupt',
      utteranceUntilInterrupt: 'You said hi there.',
      durationUntilInterruptMs: 900,
    });
    await expect
      .poll(async () => (await h.container.callStore.getTurn(started.callSid, 1))?.interrupted)
      .toBe(true);
    const turn = await h.container.callStore.getTurn(started.callSid, 1);
    expect(reply.text.length).toBeGreaterThan('You said hi there.'.length);
    expect(turn?.agent_text).toBe('You said hi there.');
    await client.close();
  });

  it('DTMF keys become dtmf turns', async () => {
    const result = await h.call({ agentId: 'stream-agent', lines: [], dtmf: { 0: '5' } });
    expect(result.replies[0]?.text).toBe('You pressed 5.');
    const turns = await h.container.callStore.listTurns(result.callSid);
    expect(turns[1]).toMatchObject({ seq: 1, kind: 'dtmf', caller_text: '5', agent_text: 'You pressed 5.' });
  });

  it('a lost socket goes through the action URL to a new session without the greeting; nothing is lost', async () => {
    const result = await h.call({
      agentId: 'stream-agent',
      lines: ['one', 'two', 'three'],
      dropAfterLine: 0,
    });
    expect(result.sessions).toBe(2);
    expect(result.transcript.filter((e) => e.event === 'greeting')).toHaveLength(1);
    const action = result.call.exchanges.find((x) => x.kind === 'relay-action')!;
    expect(action.request.params).toMatchObject({ SessionStatus: 'failed', ErrorCode: '64105' });
    expect(action.response.status).toBe(200);
    expect(action.response.body).toContain('<ConversationRelay');
    expect(action.response.body).not.toContain('welcomeGreeting');
    const turns = await h.container.callStore.listTurns(result.callSid);
    expect(turns.map((t) => [t.seq, t.caller_text])).toEqual([
      [0, undefined],
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(result.replies.map((r) => r.text.split('.')[0])).toEqual([
      'You said one',
      'You said two',
      'You said three',
    ]);
    expect((await h.container.callStore.get(result.callSid))?.relay_reconnects).toBe(1);
  });

  it('transfers to a listed target: the session ends with handoffData and the action URL dials it', async () => {
    const result = await h.call({ agentId: 'stream-agent', lines: ['please transfer me to sales'] });
    expect(result.replies[0]?.text).toBe('Connecting you to sales now.');
    expect(JSON.parse(result.endMessage?.handoffData ?? '{}')).toEqual({
      reason: 'transfer',
      target_id: 'sales',
    });
    expect(result.endReason).toBe('dialed');
    expect(result.transfer?.targets).toEqual([{ kind: 'number', value: '+14155550199' }]);
    expect(await h.container.callStore.get(result.callSid)).toMatchObject({
      ended_by: 'transfer',
      transferred_to: '+14155550199',
    });
  });

  it('never dials a target the agent does not list', async () => {
    const result = await h.call({ agentId: 'stream-agent', lines: ['transfer me to the boss'] });
    expect(result.replies[0]?.text).toBe('Let me see what I can do.');
    expect(result.ended).toBe(false);
    expect(result.transfer).toBeUndefined();
    expect(result.call.exchanges.some((x) => x.response.body.includes('<Dial'))).toBe(false);
    const call = await h.container.callStore.get(result.callSid);
    expect(call?.transferred_to).toBeUndefined();
  });
});

function receivedTexts(result: RelayCallResult): { token: string; last: boolean; at: number }[] {
  return result.messages
    .filter((m) => m.direction === 'received' && (m.message as { type?: string }).type === 'text')
    .map((m) => {
      const { token, last } = m.message as { token: string; last: boolean };
      return { token, last, at: Date.parse(m.at) };
    });
}
