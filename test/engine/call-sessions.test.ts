// The sessions an instance keeps for the calls it serves, and the named operations on a call, on a
// real call store (dynalite): kept while the call's version stands, rebuilt when it moves, bounded by
// count and idle time; writes start from the kept copy and survive another writer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '../../src/domain/call.js';
import { CallOperations } from '../../src/engine/call-operations.js';
import { CallSession, HISTORY_TURNS } from '../../src/engine/call-session.js';
import { CallSessions } from '../../src/engine/call-sessions.js';
import type { CallStore } from '../../src/ports/call-store.js';
import { sampleAgent } from '../contracts/agent-store.contract.js';
import { sampleCall, sampleTurn } from '../contracts/call-store.contract.js';
import { startDynamoStores } from '../recordings/harness.js';

let dynamo: Awaited<ReturnType<typeof startDynamoStores>>;
beforeAll(async () => {
  dynamo = await startDynamoStores();
});
afterAll(() => dynamo.close());

const agent = sampleAgent('sessions-agent');
let n = 0;
async function storedCall(overrides: Partial<Call> = {}): Promise<Call> {
  n += 1;
  const call = sampleCall(`CA${n.toString(16).padStart(32, 'a')}`, {
    agent_id: agent.agent_id,
    ...overrides,
  });
  await dynamo.calls.create(call);
  await dynamo.calls.putTurn(sampleTurn(call.call_sid, 0));
  return (await dynamo.calls.update(call.call_sid, { turn_count: 1 }, call.version))!;
}

/** The real store, noting the name of every request. */
function counting(calls: CallStore): { calls: CallStore; requests: string[] } {
  const requests: string[] = [];
  const wrapped = Object.create(calls) as CallStore;
  for (const name of ['get', 'update', 'listTurns'] as const) {
    const original = calls[name].bind(calls) as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      requests.push(name);
      return original(...args);
    };
  }
  return { calls: wrapped, requests };
}

function sessionsOver(options: ConstructorParameters<typeof CallSessions>[1] = {}) {
  const { calls, requests } = counting(dynamo.calls);
  return { sessions: new CallSessions({ calls, getAgent: async () => agent }, options), requests };
}

describe('CallSessions', () => {
  it('keeps a session while the call keeps its version, with the item as read now', async () => {
    const call = await storedCall();
    const { sessions, requests } = sessionsOver();
    const first = await sessions.open(call.call_sid);
    expect(first.turns.map((t) => t.seq)).toEqual([0]);
    expect(requests.splice(0)).toEqual(['get', 'listTurns']);
    // A status callback changes the item without a new version: kept, with the fresh status.
    await dynamo.calls.applyStatus(call.call_sid, {
      status: 'in-progress',
      sequence: 3_000,
      at: call.started_at,
    });
    const again = await sessions.open(call.call_sid);
    expect(again).toBe(first);
    expect(again.call.status).toBe('in-progress');
    expect(requests.splice(0)).toEqual(['get']);
  });

  it('rebuilds a session when another writer moved the call on', async () => {
    const call = await storedCall();
    const { sessions, requests } = sessionsOver();
    const first = await sessions.open(call.call_sid);
    await dynamo.calls.putTurn(sampleTurn(call.call_sid, 1));
    await dynamo.calls.update(call.call_sid, { turn_count: 2 }, first.call.version);
    requests.splice(0);
    const rebuilt = await sessions.open(call.call_sid);
    expect(rebuilt).not.toBe(first);
    expect(rebuilt.turns.map((t) => t.seq)).toEqual([0, 1]);
    expect(rebuilt.nextSeq).toBe(2);
    expect(requests).toEqual(['get', 'listTurns']);
  });

  it('keeps at most maxSessions, dropping the least recently used, and none past idleMs', async () => {
    let now = 0;
    const { sessions } = sessionsOver({ maxSessions: 2, idleMs: 60_000, now: () => now });
    const [a, b, c] = [await storedCall(), await storedCall(), await storedCall()];
    const kept = await sessions.open(a.call_sid);
    await sessions.open(b.call_sid);
    expect(await sessions.open(a.call_sid)).toBe(kept); // a is now the most recent
    await sessions.open(c.call_sid); // b goes
    expect(sessions.size).toBe(2);
    expect(await sessions.open(a.call_sid)).toBe(kept);
    now += 60_001;
    expect(await sessions.open(a.call_sid)).not.toBe(kept);
  });

  it('a session for a new call reads no turns', async () => {
    const { sessions, requests } = sessionsOver();
    const fresh = sampleCall(`CA${'b'.repeat(32)}`, { agent_id: agent.agent_id });
    await dynamo.calls.create(fresh);
    const session = await sessions.adopt(fresh, { agent, created: true });
    expect(session.turns).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('writes from the kept copy without a read, and follows the result', async () => {
    const call = await storedCall();
    const { sessions, requests } = sessionsOver();
    const session = await sessions.open(call.call_sid);
    requests.splice(0);
    const updated = await sessions.update(session, () => ({ metadata: { step: 'one' } }));
    expect(requests.splice(0)).toEqual(['update']);
    expect(session.call).toEqual(updated);
    // By sid, the kept session is used too.
    await sessions.update(call.call_sid, () => ({ metadata: { step: 'two' } }));
    expect(requests.splice(0)).toEqual(['update']);
    expect(session.call.metadata).toEqual({ step: 'two' });
  });

  it('on a version conflict reloads the session (its turns too) and applies the change to what is stored', async () => {
    const call = await storedCall();
    const { sessions, requests } = sessionsOver();
    const session = await sessions.open(call.call_sid);
    // Another instance stores turn 1 and counts it.
    await dynamo.calls.putTurn(sampleTurn(call.call_sid, 1));
    await dynamo.calls.update(call.call_sid, { turn_count: 2 }, session.call.version);
    requests.splice(0);
    const seen: number[] = [];
    const updated = await sessions.update(session, (current) => {
      seen.push(current.turn_count);
      return { metadata: { turns_known: String(session.turns.length) } };
    });
    expect(requests).toEqual(['update', 'get', 'listTurns', 'update']);
    expect(seen).toEqual([1, 2]);
    expect(updated).toMatchObject({ turn_count: 2, metadata: { turns_known: '2' } });
    expect(session.call).toEqual(updated);
  });

  it('reads a call with its agent without its turns, and undefined for an unknown call', async () => {
    const call = await storedCall();
    const { sessions, requests } = sessionsOver();
    expect(await sessions.read(call.call_sid)).toMatchObject({ call: { call_sid: call.call_sid }, agent });
    expect(requests).toEqual(['get']);
    expect(await sessions.read(`CA${'f'.repeat(32)}`)).toBeUndefined();
  });
});

describe('CallSession', () => {
  it('keeps turns in seq order, replaces a turn stored again, and the newest HISTORY_TURNS only', () => {
    const call = sampleCall('CA1', { turn_count: 1 });
    const session = new CallSession(call, agent, [sampleTurn('CA1', 0)]);
    session.add(sampleTurn('CA1', 3));
    session.add(sampleTurn('CA1', 2));
    session.add({ ...sampleTurn('CA1', 2), agent_text: 'again' });
    expect(session.turns.map((t) => t.seq)).toEqual([0, 2, 3]);
    expect(session.turn(2)?.agent_text).toBe('again');
    expect(session.turn(1)).toBeUndefined();
    expect(session.before(3).map((t) => t.seq)).toEqual([0, 2]);
    expect(session.nextSeq).toBe(4);
    for (let seq = 4; seq < 4 + HISTORY_TURNS; seq += 1) session.add(sampleTurn('CA1', seq));
    expect(session.turns).toHaveLength(HISTORY_TURNS);
    expect(session.turns[0]?.seq).toBe(4);
  });
});

describe('CallOperations', () => {
  const operationsOver = () => {
    const { sessions } = sessionsOver();
    return { sessions, operations: new CallOperations(sessions, dynamo.calls) };
  };

  it('marks voicemail, a transfer, and counts lost sessions, one write each', async () => {
    const { operations } = operationsOver();
    const voicemail = await storedCall();
    await operations.markVoicemail(voicemail.call_sid, 'machine_end_beep');
    expect(await dynamo.calls.get(voicemail.call_sid)).toMatchObject({
      answered_by: 'machine_end_beep',
      outcome: 'voicemail',
      ended_by: 'system_complete',
    });
    const transferred = await storedCall();
    await operations.transferDialled(transferred, {
      id: 'desk',
      target: '+14155550111',
      description: 'Desk',
    });
    expect(await dynamo.calls.get(transferred.call_sid)).toMatchObject({
      transferred_to: '+14155550111',
      ended_by: 'transfer',
    });
    const lost = await storedCall();
    expect(await operations.sessionLost(lost)).toBe(1);
    expect(await operations.sessionLost(lost.call_sid)).toBe(2);
  });

  it('ends a call once, and after a terminal status says who ended it', async () => {
    const { operations } = operationsOver();
    const ended = await storedCall();
    await operations.endCall(ended.call_sid, 'system_silence');
    await operations.endCall(ended.call_sid, 'error');
    expect((await dynamo.calls.get(ended.call_sid))?.ended_by).toBe('system_silence');
    const hungUp = await storedCall();
    await operations.callEnded(hungUp.call_sid, 'completed');
    expect((await dynamo.calls.get(hungUp.call_sid))?.ended_by).toBe('user');
    const unanswered = await storedCall({ turn_count: 0 });
    await operations.callEnded(unanswered.call_sid, 'no-answer');
    expect(await dynamo.calls.get(unanswered.call_sid)).toMatchObject({
      ended_by: 'system_complete',
      outcome: 'no_answer',
    });
    expect(await operations.callEnded(unanswered.call_sid, 'in-progress')).toBeUndefined();
  });

  it('commits what the caller heard to the stored turn and the session', async () => {
    const { sessions, operations } = operationsOver();
    const call = await storedCall();
    const session = await sessions.open(call.call_sid);
    await operations.commitHeard(session, 0, 'Hello, this is');
    expect(await dynamo.calls.getTurn(call.call_sid, 0)).toMatchObject({
      agent_text: 'Hello, this is',
      interrupted: true,
    });
    expect(session.turn(0)).toMatchObject({ agent_text: 'Hello, this is', interrupted: true });
  });
});
