// A silent relay caller: Twilio sends nothing, so the session's own clock gives the engine the same
// silent input the Gather path gets from Twilio's timeout (re-prompt, then goodbye), and the call's
// time limit ends it with the closing line even when nobody speaks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRelay } from '../../src/simulator/relay-client.js';
import { startRelayHarness, type RelayHarness } from './relay-harness.js';
import { StreamingTestPolicy } from './streaming-policy.js';

// Long enough that an idle clock firing during it would show as an extra silent turn.
const slowPolicy = new StreamingTestPolicy(
  () => ({
    text: 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen.',
  }),
  30,
);

describe('a silent relay caller', () => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await startRelayHarness({
      streaming: slowPolicy,
      // The greeting's spoken length (about 200 ms here) keeps the clock off while Twilio says it.
      relay: { timing: { idleMs: 100, speechMsPerChar: 10 } },
    });
    await h.createAgent('quiet-agent', { silence_reprompts: 1, silence_prompt: 'Hello? Are you there?' });
    await h.createAgent('stream-quiet', { silence_reprompts: 0 });
  });
  afterAll(() => h.close());

  it('is re-prompted, then the agent says goodbye and the call ends by system_silence', async () => {
    const result = await h.call({ agentId: 'quiet-agent', lines: [null, null] });
    const agentLines = result.transcript.filter((e) => e.speaker === 'agent').map((e) => e.text);
    expect(agentLines[1]).toBe('Hello? Are you there?');
    expect(result.ended).toBe(true);
    expect(JSON.parse(result.endMessage?.handoffData ?? '{}')).toEqual({
      reason: 'end',
      ended_by: 'system_silence',
    });
    const turns = await h.container.callStore.listTurns(result.callSid);
    expect(turns.map((t) => t.kind)).toEqual(['greeting', 'silence', 'silence']);
    expect(turns[2]?.ends_call).toBe('system_silence');
    expect(agentLines[2]).toBe(turns[2]?.agent_text);
    expect(await h.container.callStore.get(result.callSid)).toMatchObject({ ended_by: 'system_silence' });
  });

  it('is not counted silent while the agent is still answering, nor when it speaks', async () => {
    const result = await h.call({ agentId: 'stream-quiet', lines: ['hello', null] });
    const turns = await h.container.callStore.listTurns(result.callSid);
    expect(turns.map((t) => t.kind)).toEqual(['greeting', 'speech', 'silence']);
    expect(turns[2]?.ends_call).toBe('system_silence');
  });

  it('waits while Twilio reports the agent speaking, and counts silence from the end of it', async () => {
    const { callSid, connect } = await h.startCall('quiet-agent');
    const client = await connectRelay(connect);
    client.send({ type: 'info', name: 'agentSpeaking', value: 'on' });
    // The greeting's estimated length plus the idle time is about 300 ms; no prompt comes in twice that.
    await expect(client.nextReply(700)).rejects.toThrow(/no complete reply/);
    client.send({ type: 'info', name: 'agentSpeaking', value: 'off' });
    expect((await client.nextReply()).text).toBe('Hello? Are you there?');
    const turns = await h.container.callStore.listTurns(callSid);
    expect(turns.map((t) => t.kind)).toEqual(['greeting', 'silence']);
    await client.close();
  });
});

describe('a relay call past its time limit', () => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await startRelayHarness();
    await h.createAgent('short-agent', { max_call_seconds: 30, closing_line: 'Our time is up. Goodbye!' });
  });
  afterAll(() => h.close());

  it('ends with the closing line (system_timeout) though the caller says nothing', async () => {
    const { callSid, connect } = await h.startCall('short-agent');
    // The call began 31 s ago: its 30 s are over when the socket opens.
    await h.engine.sessions.update(callSid, () => ({
      started_at: new Date(Date.now() - 31_000).toISOString(),
    }));
    const client = await connectRelay(connect);
    const reply = await client.nextReply();
    expect(reply.text).toBe('Our time is up. Goodbye!');
    const end = await client.waitForEnd();
    expect(JSON.parse(end?.handoffData ?? '{}')).toEqual({ reason: 'end', ended_by: 'system_timeout' });
    const turns = await h.container.callStore.listTurns(callSid);
    expect(turns.at(-1)).toMatchObject({
      ends_call: 'system_timeout',
      agent_text: 'Our time is up. Goodbye!',
    });
    await client.close();
  });
});
