// The late-moment book on a real call store (dynalite): moments of stored turns wait for the call's
// next put, which carries them; what no put takes is kept with one write when the call ends, when
// it was held too long, or at shutdown. The session's copy of each turn has them at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnTimeline } from '../../src/domain/call.js';
import { CallSession } from '../../src/engine/call-session.js';
import { LateMomentBook } from '../../src/engine/late-moments.js';
import type { CallStore } from '../../src/ports/call-store.js';
import { sampleAgent } from '../contracts/agent-store.contract.js';
import { sampleCall, sampleTurn } from '../contracts/call-store.contract.js';
import { startDynamoStores } from '../recordings/harness.js';

let dynamo: Awaited<ReturnType<typeof startDynamoStores>>;
beforeAll(async () => {
  dynamo = await startDynamoStores();
});
afterAll(() => dynamo.close());

const agent = sampleAgent('late-agent');
const timeline: TurnTimeline = { received: 0, model_request: 2, model_done: 300, stored: 304 };
let n = 0;

/** A stored call with turns 0 and 1, and its session. */
async function storedCall(): Promise<CallSession> {
  n += 1;
  const call = sampleCall(`CA${n.toString(16).padStart(32, 'b')}`, { agent_id: agent.agent_id });
  await dynamo.calls.create(call);
  const turns = [sampleTurn(call.call_sid, 0), sampleTurn(call.call_sid, 1, { timeline })];
  for (const turn of turns) await dynamo.calls.putTurn(turn);
  return new CallSession(call, agent, turns);
}

/** The real store, noting each keepLateMoments request. */
function bookOver(options: { holdMs?: number } = {}) {
  const writes: number[] = [];
  const calls: Pick<CallStore, 'keepLateMoments'> = {
    keepLateMoments: (callSid, carrierSeq, late) => {
      writes.push(carrierSeq);
      return dynamo.calls.keepLateMoments(callSid, carrierSeq, late);
    },
  };
  return { book: new LateMomentBook({ calls }, options), writes };
}

describe('LateMomentBook', () => {
  it("holds a stored turn's late moments for the next put, and puts them on the session's copy", async () => {
    const session = await storedCall();
    const { book, writes } = bookOver();
    book.answered(session, 1, 309);
    book.reported(session, 1, { name: 'agentSpeaking off', at: 2_900 });
    book.answered(session, 1, 999);
    expect(session.turn(1)?.timeline).toEqual({
      ...timeline,
      first_text_out: 309,
      twilio: [{ name: 'agentSpeaking off', at: 2_900 }],
    });
    const late = book.take(session.callSid);
    expect(late).toEqual([
      { seq: 1, first_text_out: 309, twilio: [{ name: 'agentSpeaking off', at: 2_900 }] },
    ]);
    expect(book.take(session.callSid)).toBeUndefined();
    // The put did not apply: they wait for the next one.
    book.giveBack(session, late);
    expect(book.take(session.callSid)).toEqual(late);
    await book.flush(session.callSid);
    expect(writes).toEqual([]);
  });

  it('keeps what no put took with one write, on the latest turn it holds moments of', async () => {
    const session = await storedCall();
    await dynamo.calls.putTurn(sampleTurn(session.callSid, 2, { timeline }));
    const { book, writes } = bookOver();
    book.reported(session, 1, { name: 'tokensPlayed', at: 1_200 });
    book.answered(session, 2, 311);
    void book.flush(session.callSid);
    // Nothing left to write: this one waits for the write under way (the finalizer reads after it).
    await book.flush(session.callSid);
    expect(writes).toEqual([2]);
    const turns = await dynamo.calls.listTurns(session.callSid);
    expect(turns[1]?.timeline?.twilio).toEqual([{ name: 'tokensPlayed', at: 1_200 }]);
    expect(turns[2]?.timeline?.first_text_out).toBe(311);
  });

  it('writes on its own what it held too long, and everything at shutdown', async () => {
    const soon = await storedCall();
    const held = bookOver({ holdMs: 10 });
    held.book.answered(soon, 1, 320);
    await expect.poll(() => held.writes).toEqual([1]);
    await held.book.flushAll();
    expect((await dynamo.calls.listTurns(soon.callSid))[1]?.timeline?.first_text_out).toBe(320);

    const [one, two] = [await storedCall(), await storedCall()];
    const { book, writes } = bookOver();
    book.answered(one, 1, 5);
    book.answered(two, 1, 6);
    await book.flushAll();
    expect(writes).toEqual([1, 1]);
    expect((await dynamo.calls.listTurns(two.callSid))[1]?.timeline?.first_text_out).toBe(6);
  });
});
