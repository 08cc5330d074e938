// Barge-in on a realtime call: the caller speaks while the agent's audio is still unplayed. Our server
// sends Twilio `clear`, truncates the model's item at the audio the caller heard (the last `mark`
// Twilio echoed), and stores the agent's turn as what was heard, marked interrupted.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { heardShare } from '../../src/transports/media/played-audio.js';
import { lineAudio, lineText } from '../support/audio-fixtures.js';
import type { DialogueScript } from '../fakes/fake-realtime-server.js';
import {
  agentLine,
  createAgent,
  openRealtimeCall,
  PAUSE_MS,
  realtimeAgent,
  startMediaHarness,
  waitForCall,
  type MediaHarness,
} from './media-harness.js';

const DELTA_MS = 200; // the fake's deltas: 1,600 bytes of μ-law
const REPLY =
  'Sorry to hear that. Is the charger plugged in, and is its light on? Then hold the power button.';

/** The dialogue of the next connection (one per call). */
let nextScript: DialogueScript = {};
let harness: MediaHarness;
beforeAll(async () => {
  harness = await startMediaHarness(() => nextScript);
  await createAgent(harness.server, realtimeAgent('realtime-barge'));
});
afterAll(async () => {
  await harness.close();
});

/** What the model was told to forget, and how much of its item it had sent. */
function truncation(): { itemId: string; audioEndMs: number } {
  const [truncate, ...more] = harness.fake.received('conversation.item.truncate');
  expect(more).toEqual([]);
  expect(truncate).toMatchObject({ content_index: 0 });
  return { itemId: String(truncate!.item_id), audioEndMs: Number(truncate!.audio_end_ms) };
}

it('the caller talks over the greeting: clear, truncate at the last mark played, greeting stored as heard', async () => {
  nextScript = {
    greeting: agentLine('agent-greeting'),
    turns: [{ heard: lineText('caller-laptop'), reply: { text: REPLY, audio: lineAudio('agent-goodbye') } }],
  };
  const { server, fake } = harness;
  const { call, client } = await openRealtimeCall(server, 'realtime-barge', { playbackRate: 1 });
  const greetingMs = lineAudio('agent-greeting').length / 8;
  // The whole greeting has arrived; the caller has heard two deltas of it.
  await client.waitForAgentAudio(greetingMs);
  await client.waitFor(() => client.marksPlayed.length >= 2, 5_000, 'two marks played');
  const before = fake.received('conversation.item.truncate').length;
  expect(before).toBe(0);
  await client.say(lineAudio('caller-laptop'), { trailingSilenceMs: PAUSE_MS });
  await client.waitFor(() => client.clears === 1, 5_000, 'clear');
  await fake.waitUntil(() => fake.received('conversation.item.truncate').length === 1);

  const greetingItem = fake.sent('response.output_audio.delta')[0]!.item_id;
  const { itemId, audioEndMs } = truncation();
  expect(itemId).toBe(greetingItem);
  // At a mark's position: whole deltas the caller heard, not everything sent.
  expect(audioEndMs % DELTA_MS).toBe(0);
  expect(audioEndMs).toBeGreaterThanOrEqual(2 * DELTA_MS);
  expect(audioEndMs).toBeLessThan(greetingMs);
  // The model accepted it (no error event for the truncate).
  await fake.waitUntil(() => fake.sent('conversation.item.truncated').length === 1);

  const heard = heardShare(lineText('agent-greeting'), audioEndMs, greetingMs);
  expect(heard.length).toBeGreaterThan(0);
  const stored = await waitForCall(server, call.callSid, (c) => c.transcript[0]?.interrupted === true);
  expect(stored.transcript[0]).toMatchObject({ seq: 0, agent: heard, interrupted: true });
  await client.hangUp();
});

it.each([
  ['speech_started, then the response cancelled', false],
  ['the response cancelled, then speech_started', true],
])(
  'the caller talks over a reply still streaming (%s): stored as heard, interrupted',
  async (_order, cancelFirst) => {
    nextScript = {
      greeting: { text: 'Hello.', audio: lineAudio('agent-goodbye').subarray(0, 1_600) },
      turns: [
        {
          heard: lineText('caller-laptop'),
          reply: {
            text: REPLY,
            audio: Buffer.concat([lineAudio('agent-greeting'), lineAudio('agent-greeting')]),
          },
        },
        { heard: lineText('caller-name'), reply: agentLine('agent-goodbye') },
      ],
      // Deltas arrive at real-time pace, so the reply is still streaming when the caller speaks.
      deltaIntervalMs: DELTA_MS,
      cancelBeforeSpeechStarted: cancelFirst,
    };
    const { server, fake } = harness;
    const { call, client } = await openRealtimeCall(server, 'realtime-barge', { playbackRate: 1 });
    await client.nextReply({ quietMs: 300 });
    await client.waitFor(
      () => client.playback.playedBytes === client.playback.receivedBytes,
      5_000,
      'greeting played',
    );
    const truncatesBefore = fake.received('conversation.item.truncate').length;
    await client.say(lineAudio('caller-laptop'), { trailingSilenceMs: PAUSE_MS });
    // The reply starts; the caller hears three deltas of it and speaks again.
    const marksAtReply = client.marksPlayed.length;
    await client.waitFor(
      () => client.marksPlayed.length >= marksAtReply + 3,
      10_000,
      'three marks of the reply',
    );
    await client.say(lineAudio('caller-name'), { trailingSilenceMs: PAUSE_MS });
    await client.waitFor(() => client.clears >= 1, 5_000, 'clear');
    await fake.waitUntil(() => fake.received('conversation.item.truncate').length === truncatesBefore + 1);
    const truncate = fake.received('conversation.item.truncate').at(-1)!;
    // This call's items in order: the greeting, then the reply cut short.
    const replyItem = [
      ...new Set(
        fake.connections
          .at(-1)!
          .dialogue.sent.filter((event) => event.type === 'response.output_audio.delta')
          .map((delta) => delta.item_id),
      ),
    ][1];
    expect(truncate.item_id).toBe(replyItem);
    const audioEndMs = Number(truncate.audio_end_ms);
    expect(audioEndMs % DELTA_MS).toBe(0);
    expect(audioEndMs).toBeGreaterThanOrEqual(3 * DELTA_MS);
    // The model was also cut off by its own turn detection: the reply never finished streaming.
    const cancelled = fake.connections
      .at(-1)!
      .dialogue.sent.filter((event) => event.type === 'response.done')
      .filter((done) => (done.response as { status: string }).status === 'cancelled');
    expect(cancelled.length).toBe(1);

    const replyMs = (lineAudio('agent-greeting').length * 2) / 8;
    const stored = await waitForCall(server, call.callSid, (c) => c.transcript.length >= 3);
    const turn = stored.transcript[1]!;
    expect(turn).toMatchObject({ seq: 1, caller: lineText('caller-laptop'), interrupted: true });
    // What was heard: a share of the words the model had said by the time its audio was cut.
    const said = fake.connections
      .at(-1)!
      .dialogue.sent.find(
        (event) => event.type === 'response.output_audio_transcript.done' && event.item_id === replyItem,
      )!.transcript as string;
    const sentMs =
      fake.connections
        .at(-1)!
        .dialogue.sent.filter(
          (event) => event.type === 'response.output_audio.delta' && event.item_id === replyItem,
        ).length * DELTA_MS;
    expect(turn.agent).toBe(heardShare(said, audioEndMs, sentMs));
    expect(turn.agent.length).toBeGreaterThan(0);
    expect(REPLY.startsWith(turn.agent)).toBe(true);
    expect(turn.agent.length).toBeLessThan(REPLY.length);
    expect(audioEndMs).toBeLessThan(replyMs);
    expect(stored.transcript[2]).toMatchObject({
      seq: 2,
      caller: lineText('caller-name'),
      interrupted: false,
    });
    await client.hangUp();
  },
);
