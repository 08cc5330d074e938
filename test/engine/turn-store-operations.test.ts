// What a turn costs the store, counted on the real call store (dynalite) through a counting decorator
// of the CallStore port: in the steady state a relay turn reads nothing and writes twice (the turn,
// conditional; the call, versioned), a Gather turn on a warm instance the same plus one read of the
// call (its version check). What comes after a turn is stored (its TwiML answer going out, Twilio's
// reports) rides on the next turn's put. Another instance's writes are found and never lose a turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call, ToolCallRecord, Turn } from '../../src/domain/call.js';
import type { LateMoments } from '../../src/domain/late-moments.js';
import { createCallEngine } from '../../src/engine/call-engine.js';
import type { CallQuery, CallStore, StatusUpdate } from '../../src/ports/call-store.js';
import { connectRelay } from '../../src/simulator/relay-client.js';
import { PUBLIC_URL, startRelayHarness, type RelayHarness } from '../relay/relay-harness.js';
import { StreamingTestPolicy } from '../relay/streaming-policy.js';

/** Passes every request on to the real store and notes its name, and whether a write applied. */
class CountingCallStore implements CallStore {
  readonly log: string[] = [];
  constructor(private readonly inner: CallStore) {}

  reset(): string[] {
    return this.log.splice(0);
  }

  async create(call: Call) {
    this.log.push('create');
    return this.inner.create(call);
  }
  async get(callSid: string) {
    this.log.push('get');
    return this.inner.get(callSid);
  }
  async update(callSid: string, changes: Partial<Call>, expectedVersion: number) {
    const updated = await this.inner.update(callSid, changes, expectedVersion);
    this.log.push(updated ? 'update' : 'update (version conflict)');
    return updated;
  }
  async applyStatus(callSid: string, update: StatusUpdate) {
    this.log.push('applyStatus');
    return this.inner.applyStatus(callSid, update);
  }
  async putTurn(turn: Turn, late?: readonly LateMoments[]) {
    const stored = await this.inner.putTurn(turn, late);
    this.log.push(stored ? 'putTurn' : 'putTurn (taken)');
    return stored;
  }
  async keepLateMoments(callSid: string, carrierSeq: number, late: readonly LateMoments[]) {
    this.log.push('keepLateMoments');
    return this.inner.keepLateMoments(callSid, carrierSeq, late);
  }
  async getTurn(callSid: string, seq: number) {
    this.log.push('getTurn');
    return this.inner.getTurn(callSid, seq);
  }
  async listTurns(callSid: string, options?: { last?: number }) {
    this.log.push('listTurns');
    return this.inner.listTurns(callSid, options);
  }
  async markTurnInterrupted(callSid: string, seq: number, heardText: string) {
    this.log.push('markTurnInterrupted');
    return this.inner.markTurnInterrupted(callSid, seq, heardText);
  }
  async setTurnToolCalls(callSid: string, seq: number, toolCalls: ToolCallRecord[]) {
    this.log.push('setTurnToolCalls');
    return this.inner.setTurnToolCalls(callSid, seq, toolCalls);
  }
  async list(query: CallQuery) {
    this.log.push('list');
    return this.inner.list(query);
  }
  async pastCalls(agentId: string, recipientPhone: string, limit: number) {
    this.log.push('pastCalls');
    return this.inner.pastCalls(agentId, recipientPhone, limit);
  }
}

// A model that never ends the call, streaming its words; asked for everything, it talks on and on.
const LONG_ANSWER = Array.from({ length: 200 }, (_, n) => `word${n}`).join(' ');
const policy = new StreamingTestPolicy(
  (callerText) => ({ text: /everything/i.test(callerText) ? LONG_ANSWER : 'I see. Tell me more about it.' }),
  10,
);

let h: RelayHarness;
let counted: CountingCallStore;
beforeAll(async () => {
  h = await startRelayHarness({
    streaming: policy,
    wrapCalls: (calls) => (counted = new CountingCallStore(calls)),
  });
  await h.createAgent('stream-ops-relay', { transport: 'relay' });
  await h.createAgent('stream-ops-gather', { transport: 'gather' });
});
afterAll(() => h.close());

describe('store requests per turn', () => {
  it('relay: no reads and two writes per turn once the socket is set up', async () => {
    const { connect, callSid } = await h.startCall('stream-ops-relay');
    const client = await connectRelay(connect);
    await client.prompt('My laptop will not start');
    for (const line of ['It shows a black screen', 'Yes, I tried that']) {
      counted.reset();
      // last:true goes out after the turn and its count are stored.
      await client.prompt(line);
      expect(counted.reset()).toEqual(['putTurn', 'update']);
    }
    await client.close();
    const call = await h.container.callStore.get(callSid);
    expect(call?.turn_count).toBe(4);
    expect((await h.container.callStore.listTurns(callSid)).map((t) => t.caller_text)).toEqual([
      undefined,
      'My laptop will not start',
      'It shows a black screen',
      'Yes, I tried that',
    ]);
  });

  it('relay: a barge-in mid-reply stores what was heard with the turn, still two writes', async () => {
    const { connect, callSid } = await h.startCall('stream-ops-relay');
    const client = await connectRelay(connect);
    await client.prompt('My laptop will not start');
    counted.reset();
    const cut = await client.promptAndInterrupt('Tell me everything', { afterTokens: 2 });
    expect(cut.interrupted).toBe(true);
    await expect.poll(async () => (await h.container.callStore.get(callSid))?.turn_count).toBe(3);
    expect(counted.reset()).toEqual(['putTurn', 'update']);
    expect(await h.container.callStore.getTurn(callSid, 2)).toMatchObject({
      agent_text: cut.heardText,
      interrupted: true,
    });
    await client.close();
  });

  it('relay: Twilio reports after a turn is stored ride on the next put, still two writes', async () => {
    const { connect, callSid } = await h.startCall('stream-ops-relay');
    const client = await connectRelay(connect);
    await client.prompt('My laptop will not start');
    client.send({ type: 'info', name: 'agentSpeaking', value: 'off' });
    counted.reset();
    await client.prompt('It shows a black screen');
    expect(counted.reset()).toEqual(['putTurn', 'update']);
    const turns = await h.container.callStore.listTurns(callSid);
    expect(turns[1]?.timeline?.twilio?.map((m) => m.name)).toEqual(['agentSpeaking off']);
    await client.close();
  });

  it('Gather: one read (the call, for its version) and two writes per turn on a warm instance', async () => {
    const call = await h.placeCall('stream-ops-gather');
    await call.say('My laptop will not start.');
    for (const line of ['It shows a black screen.', 'Yes, I tried that.']) {
      counted.reset();
      await call.say(line);
      expect(counted.reset()).toEqual(['get', 'putTurn', 'update']);
    }
    expect((await h.container.callStore.get(call.callSid))?.turn_count).toBe(4);
    // Each turn's TwiML answer went out after its store; the next turn's put carried the moment.
    const turns = await h.container.callStore.listTurns(call.callSid);
    for (const turn of turns.slice(1, 3)) {
      expect(turn.timeline?.first_text_out).toBeGreaterThanOrEqual(turn.timeline!.stored!);
    }
  });

  it('relay: a write by another instance costs a reload and a retry, and the turn is counted', async () => {
    const { connect, callSid } = await h.startCall('stream-ops-relay');
    const client = await connectRelay(connect);
    await client.prompt('My laptop will not start');
    // Another instance changes the call under this session (the version moves on).
    const stored = await h.container.callStore.get(callSid);
    await h.container.callStore.update(callSid, { metadata: { note: 'elsewhere' } }, stored!.version);
    counted.reset();
    await client.prompt('It shows a black screen');
    expect(counted.reset()).toEqual(['putTurn', 'update (version conflict)', 'get', 'listTurns', 'update']);
    await client.close();
    const call = await h.container.callStore.get(callSid);
    expect(call).toMatchObject({ turn_count: 3, metadata: { note: 'elsewhere' } });
  });

  it('Gather: after a turn taken on another instance, the next one here rebuilds the session first', async () => {
    const call = await h.placeCall('stream-ops-gather');
    await call.say('My laptop will not start.');
    // Turn 2 on another instance: its own engine over the same store.
    const elsewhere = createCallEngine({
      calls: h.container.callStore,
      getAgent: (agentId) => h.container.agents.get(agentId),
      policyFor: () => policy,
      turnTimeoutMs: 8_000,
      defaultTimezone: 'UTC',
    });
    const session = await elsewhere.sessions.open(call.callSid);
    await elsewhere.conversation.takeTurn(session, 2, { kind: 'speech', text: 'It shows a black screen.' });
    // Twilio posts turn 3 here, as it posted turn 1: the call's version moved, so the call's turns
    // are read again before the turn is taken.
    const turnOne = call.exchanges.find((exchange) => exchange.kind === 'action')!;
    counted.reset();
    const answer = await h.simulator.post(`${PUBLIC_URL}/twilio/gather?seq=3`, {
      ...turnOne.request.params,
      SpeechResult: 'Yes, I tried that.',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('seq=4');
    expect(counted.reset()).toEqual(['get', 'listTurns', 'putTurn', 'update']);
    const turns = await h.container.callStore.listTurns(call.callSid);
    expect(turns.map((t) => [t.seq, t.caller_text])).toEqual([
      [0, undefined],
      [1, 'My laptop will not start.'],
      [2, 'It shows a black screen.'],
      [3, 'Yes, I tried that.'],
    ]);
    // Turn 1's answer went out from here, and turn 3's put carried it.
    expect(turns[1]?.timeline?.first_text_out).toBeGreaterThanOrEqual(turns[1]!.timeline!.stored!);
    expect((await h.container.callStore.get(call.callSid))?.turn_count).toBe(4);
  });
});
