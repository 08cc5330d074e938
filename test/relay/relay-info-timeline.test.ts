// ConversationRelay's `info` events (sent with the `events` attribute) are moments on the timeline
// of the turn whose reply is playing: names and sides only, never the words tokensPlayed carries.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectRelay } from '../../src/simulator/relay-client.js';
import { startRelayHarness, type RelayHarness } from './relay-harness.js';
import { StreamingTestPolicy } from './streaming-policy.js';

// Word by word, so the reply is still being written when Twilio's reports come in.
const policy = new StreamingTestPolicy(
  () => ({ text: 'one two three four five six seven eight nine ten eleven twelve thirteen.' }),
  30,
);

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelayHarness({ streaming: policy });
  await h.createAgent('stream-info');
});
afterAll(() => h.close());

it("keeps Twilio's speaker and playback reports on the running turn's timeline", async () => {
  const { callSid, connect } = await h.startCall('stream-info');
  const client = await connectRelay(connect);
  // A first turn: the session is set up (Twilio reports nothing before it is).
  await client.prompt('Hello?');
  const reply = client.prompt('What are your opening hours?');
  client.send({ type: 'info', name: 'agentSpeaking', value: 'on' });
  client.send({ type: 'info', name: 'tokensPlayed', value: 'one two ' });
  client.send({ type: 'info', name: 'clientSpeaking', value: 'loud' });
  client.send({ type: 'info', name: 'somethingNew', value: 'on' });
  await reply;
  const turns = await h.container.callStore.listTurns(callSid);
  const timeline = turns[2]?.timeline;
  expect(timeline?.twilio?.map((m) => m.name)).toEqual(['agentSpeaking on', 'tokensPlayed']);
  for (const moment of timeline?.twilio ?? []) expect(moment.at).toBeLessThanOrEqual(timeline!.stored!);
  // The relay turn's own moments, in the order they happen: text goes out while the model writes.
  const { model_request, first_token, first_text_out, model_done, stored } = timeline!;
  const moments = [0, model_request, first_token, first_text_out, model_done, stored];
  expect(moments.every((at) => at !== undefined)).toBe(true);
  expect([...moments].sort((a, b) => a! - b!)).toEqual(moments);
  expect(first_text_out).toBeLessThan(model_done!);
  expect(JSON.stringify(turns[2]?.timeline)).not.toContain('one two');
  await client.close();
});

it("keeps Twilio's reports that come after the turn was stored on that turn, the last turn's too", async () => {
  const { callSid, connect } = await h.startCall('stream-info');
  const client = await connectRelay(connect);
  await client.prompt('Hello?');
  // The reply is complete (last: true comes once the turn is stored) and plays on: Twilio reports
  // the words played and the agent falling silent only now.
  await client.prompt('What are your opening hours?');
  client.send({ type: 'info', name: 'tokensPlayed', value: 'one two three four five six seven' });
  client.send({ type: 'info', name: 'agentSpeaking', value: 'off' });
  // The next turn's put carries them; the reports after it stay with it until the socket closes.
  await client.prompt('And on Sundays?');
  client.send({ type: 'info', name: 'agentSpeaking', value: 'off' });
  await client.close();

  const read = async () => (await h.container.callStore.listTurns(callSid)).map((turn) => turn.timeline);
  await expect.poll(async () => (await read())[3]?.twilio?.length).toBe(1);
  const [, , second, third] = await read();
  expect(second?.twilio?.map((m) => m.name)).toEqual(['tokensPlayed', 'agentSpeaking off']);
  for (const moment of second?.twilio ?? []) expect(moment.at).toBeGreaterThanOrEqual(second!.stored!);
  expect(third?.twilio?.map((m) => m.name)).toEqual(['agentSpeaking off']);
  expect(JSON.stringify(second)).not.toContain('one two');
});

it('keeps at most 16 of Twilio reports on a turn, however many come after its store', async () => {
  const { callSid, connect } = await h.startCall('stream-info');
  const client = await connectRelay(connect);
  await client.prompt('Hello?');
  for (let i = 0; i < 40; i += 1) client.send({ type: 'info', name: 'tokensPlayed', value: 'one ' });
  await client.prompt('What are your opening hours?');
  await client.close();
  const turns = await h.container.callStore.listTurns(callSid);
  expect(turns[1]?.timeline?.twilio).toHaveLength(16);
});
