// Shared behaviour of every CallStore; an implementation's test calls describeCallStoreContract.
import { describe, expect, it } from 'vitest';
import type { Call, Turn } from '../../src/domain/call.js';
import type { CallQuery, CallStore } from '../../src/ports/call-store.js';

export function sampleCall(callSid: string, overrides: Partial<Call> = {}): Call {
  const started_at = overrides.started_at ?? '2025-03-10T10:00:00.000Z';
  const recipient_phone = overrides.recipient_phone ?? '+14155550100';
  return {
    call_sid: callSid,
    agent_id: 'agent-1',
    direction: 'outbound',
    transport: 'gather',
    recipient_phone,
    agent_phone: '+14155550199',
    agent_recipient_key: `${recipient_phone}#${started_at}`,
    status: 'queued',
    status_sequence: -1,
    started_at,
    data_collected: {},
    turn_count: 0,
    version: 1,
    ...overrides,
  };
}

export function sampleTurn(callSid: string, seq: number, overrides: Partial<Turn> = {}): Turn {
  return {
    call_sid: callSid,
    seq,
    kind: seq === 0 ? 'greeting' : 'speech',
    ...(seq === 0 ? {} : { caller_text: `caller says ${seq}`, confidence: 0.9 }),
    agent_text: `agent replies ${seq}`,
    received_at: '2025-03-10T10:00:01.000Z',
    replied_at: '2025-03-10T10:00:02.000Z',
    latency_ms: 850,
    ...overrides,
  };
}

/** ISO timestamp `monthsAgo` months before now (same day clamped to 28, so it exists in every month). */
function monthsAgo(monthsBack: number, minute: number): string {
  const now = new Date();
  const date = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, Math.min(now.getUTCDate(), 28), 0, minute),
  );
  return date.toISOString();
}

/** `makeStore` returns an empty store for each test. */
export function describeCallStoreContract(name: string, makeStore: () => Promise<CallStore>): void {
  describe(`CallStore contract: ${name}`, () => {
    it('creates once and reads back', async () => {
      const store = await makeStore();
      const call = sampleCall('CA1', { metadata: { order: '42' } });
      expect(await store.create(call)).toBe(true);
      expect(await store.create({ ...call, agent_id: 'other' })).toBe(false);
      expect(await store.get('CA1')).toEqual(call);
      expect(await store.get('CA-missing')).toBeUndefined();
    });

    it('updates under the expected version and bumps it', async () => {
      const store = await makeStore();
      await store.create(sampleCall('CA1'));
      const collected = {
        data_collected: { name: { value: 'Asha', turn: 1 } },
        turn_count: 2,
        summary: undefined,
      };
      const updated = await store.update('CA1', collected, 1);
      expect(updated).toMatchObject({
        version: 2,
        turn_count: 2,
        data_collected: { name: { value: 'Asha', turn: 1 } },
      });
      expect(updated).not.toHaveProperty('summary');
      expect(await store.update('CA1', { turn_count: 99 }, 1)).toBeUndefined();
      expect(await store.get('CA1')).toEqual(updated);
      expect(await store.update('CA-missing', { turn_count: 1 }, 1)).toBeUndefined();
    });

    it('applies status callbacks only forward and never leaves a terminal status', async () => {
      const store = await makeStore();
      await store.create(sampleCall('CA1'));
      const at = (s: number) => `2025-03-10T10:00:${String(s).padStart(2, '0')}.000Z`;
      expect(await store.applyStatus('CA1', { status: 'initiated', sequence: 0, at: at(0) })).toBe(true);
      expect(await store.applyStatus('CA1', { status: 'ringing', sequence: 1, at: at(1) })).toBe(true);
      expect(await store.applyStatus('CA1', { status: 'ringing', sequence: 1, at: at(1) })).toBe(false); // duplicate
      expect(await store.applyStatus('CA1', { status: 'in-progress', sequence: 2, at: at(2) })).toBe(true);
      expect(await store.applyStatus('CA1', { status: 'queued', sequence: 1, at: at(3) })).toBe(false); // backwards
      expect(
        await store.applyStatus('CA1', {
          status: 'in-progress',
          sequence: 3,
          at: at(4),
          answered_by: 'human',
        }),
      ).toBe(true);
      expect(
        await store.applyStatus('CA1', {
          status: 'completed',
          sequence: 4,
          at: at(30),
          duration_seconds: 28,
        }),
      ).toBe(true);
      // A late callback with a higher sequence still cannot leave a terminal status.
      expect(await store.applyStatus('CA1', { status: 'ringing', sequence: 5, at: at(31) })).toBe(false);
      expect(await store.applyStatus('CA-missing', { status: 'ringing', sequence: 1, at: at(1) })).toBe(
        false,
      );

      const call = await store.get('CA1');
      expect(call).toMatchObject({
        status: 'completed',
        status_sequence: 4,
        answered_at: at(2), // the first in-progress, not overwritten
        answered_by: 'human',
        ended_at: at(30),
        duration_seconds: 28,
        version: 1, // status callbacks do not race conversation updates
      });
    });

    it('refuses a completed call going back to ringing when callbacks arrive shuffled', async () => {
      const store = await makeStore();
      await store.create(sampleCall('CA2'));
      expect(
        await store.applyStatus('CA2', { status: 'completed', sequence: 3, at: 't3', duration_seconds: 5 }),
      ).toBe(true);
      expect(await store.applyStatus('CA2', { status: 'ringing', sequence: 1, at: 't1' })).toBe(false);
      expect(await store.get('CA2')).toMatchObject({ status: 'completed', ended_at: 't3' });
    });

    it('stores each turn once', async () => {
      const store = await makeStore();
      const turn = sampleTurn('CA1', 0);
      expect(await store.putTurn(turn)).toBe(true);
      expect(await store.putTurn({ ...turn, agent_text: 'again' })).toBe(false);
      expect(await store.getTurn('CA1', 0)).toEqual(turn);
      expect(await store.getTurn('CA1', 1)).toBeUndefined();
    });

    it('puts late moments on the turns they belong to, carried by a later put or kept on their own', async () => {
      const store = await makeStore();
      const timeline = { received: 0 as const, model_request: 2, model_done: 300, stored: 304 };
      await store.putTurn(sampleTurn('CA1', 0));
      await store.putTurn(sampleTurn('CA1', 1, { timeline }));
      // Turn 2's put carries turn 1's answer and a report of Twilio's.
      const late = [{ seq: 1, first_text_out: 309, twilio: [{ name: 'agentSpeaking off', at: 2_900 }] }];
      await store.putTurn(sampleTurn('CA1', 2, { timeline }), late);
      // The last turn's answer, and a later report for turn 1, with one write on turn 2.
      await store.keepLateMoments('CA1', 2, [
        { seq: 2, first_text_out: 311 },
        { seq: 1, twilio: [{ name: 'tokensPlayed', at: 1_200 }] },
      ]);
      await store.keepLateMoments('CA1', 7, [{ seq: 7, first_text_out: 5 }]);
      const turns = await store.listTurns('CA1');
      expect(turns.map((t) => t.timeline)).toEqual([
        undefined,
        {
          ...timeline,
          first_text_out: 309,
          twilio: [
            { name: 'tokensPlayed', at: 1_200 },
            { name: 'agentSpeaking off', at: 2_900 },
          ],
        },
        { ...timeline, first_text_out: 311 },
      ]);
      expect((await store.listTurns('CA1', { last: 2 })).map((t) => t.timeline)).toEqual(
        turns.slice(1).map((t) => t.timeline),
      );
      // One turn read alone has the moments its own item holds, not those a later turn carries.
      expect(await store.getTurn('CA1', 1)).toEqual(sampleTurn('CA1', 1, { timeline }));
      expect(await store.getTurn('CA1', 2)).toEqual(turns[2]);
      expect(await store.getTurn('CA1', 7)).toBeUndefined();
    });

    // A long test: 1,000 writes take 2-20 s depending on the machine's load.
    it('stores and lists 1,000 turns of one call in order', { timeout: 90_000 }, async () => {
      const store = await makeStore();
      const text = 'x'.repeat(300);
      const turns = Array.from({ length: 1_000 }, (_, seq) =>
        sampleTurn('CA-long', seq, { agent_text: text }),
      );
      // Shuffled in groups, so the order comes from the store, not the writes.
      const order = [...turns].reverse();
      for (let i = 0; i < order.length; i += 50) {
        const results = await Promise.all(order.slice(i, i + 50).map((t) => store.putTurn(t)));
        expect(results.every(Boolean)).toBe(true);
      }
      const listed = await store.listTurns('CA-long');
      expect(listed).toHaveLength(1_000);
      expect(listed.map((t) => t.seq)).toEqual(turns.map((t) => t.seq));
      expect(listed[999]).toEqual(turns[999]);
      expect(await store.listTurns('CA-none')).toEqual([]);
    });

    it('lists by recipient, agent, status, and all calls newest first across months', async () => {
      const store = await makeStore();
      const calls = [
        sampleCall('C1', {
          started_at: monthsAgo(1, 1),
          agent_id: 'A',
          recipient_phone: '+15550000001',
          status: 'completed',
        }),
        sampleCall('C2', {
          started_at: monthsAgo(1, 2),
          agent_id: 'B',
          recipient_phone: '+15550000002',
          status: 'failed',
        }),
        sampleCall('C3', {
          started_at: monthsAgo(1, 3),
          agent_id: 'A',
          recipient_phone: '+15550000002',
          status: 'completed',
        }),
        sampleCall('C4', {
          started_at: monthsAgo(0, 1),
          agent_id: 'B',
          recipient_phone: '+15550000001',
          status: 'completed',
        }),
        sampleCall('C5', {
          started_at: monthsAgo(0, 2),
          agent_id: 'A',
          recipient_phone: '+15550000001',
          status: 'in-progress',
        }),
      ];
      for (const call of calls) await store.create(call);
      const ids = (page: { items: Call[] }) => page.items.map((c) => c.call_sid);

      expect(ids(await store.list({ recipient_phone: '+15550000001' }))).toEqual(['C5', 'C4', 'C1']);
      expect(ids(await store.list({ recipient_phone: '+15550000001', agent_id: 'A' }))).toEqual(['C5', 'C1']);
      expect(ids(await store.list({ recipient_phone: '+15550000001', status: 'completed' }))).toEqual([
        'C4',
        'C1',
      ]);
      expect(ids(await store.list({ agent_id: 'A' }))).toEqual(['C5', 'C3', 'C1']);
      expect(ids(await store.list({ agent_id: 'A', status: 'completed' }))).toEqual(['C3', 'C1']);
      expect(ids(await store.list({ status: 'completed' }))).toEqual(['C4', 'C3', 'C1']);
      expect(ids(await store.list({}))).toEqual(['C5', 'C4', 'C3', 'C2', 'C1']);

      // Page by page, across the month boundary.
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list({ limit: 2, cursor });
        seen.push(...ids(page));
        cursor = page.cursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(['C5', 'C4', 'C3', 'C2', 'C1']);

      // A filtered query pages too, and its cursor is refused by another query.
      const first = await store.list({ agent_id: 'A', limit: 1 });
      expect(ids(first)).toEqual(['C5']);
      const second = await store.list({ agent_id: 'A', limit: 1, cursor: first.cursor });
      expect(ids(second)).toEqual(['C3']);
      await expect(store.list({ agent_id: 'B', cursor: first.cursor })).rejects.toMatchObject({
        code: 'validation',
      });
    });

    it('lists only the calls started within a range, through every index, years back', async () => {
      const store = await makeStore();
      // Three years back: older than the unfiltered list's month walk reaches.
      const calls = [
        sampleCall('R1', { started_at: monthsAgo(36, 1), agent_id: 'A', status: 'completed' }),
        sampleCall('R2', { started_at: monthsAgo(36, 2), agent_id: 'B', status: 'failed' }),
        sampleCall('R3', { started_at: monthsAgo(35, 1), agent_id: 'A', status: 'completed' }),
        sampleCall('R4', { started_at: monthsAgo(34, 1), agent_id: 'A', status: 'completed' }),
        sampleCall('R5', { started_at: monthsAgo(0, 1), agent_id: 'A', status: 'completed' }),
      ];
      for (const call of calls) await store.create(call);
      const ids = (page: { items: Call[] }) => page.items.map((c) => c.call_sid);
      const range = { started_from: calls[0]!.started_at, started_to: calls[2]!.started_at };

      expect(ids(await store.list({}))).toEqual(['R5']);
      expect(ids(await store.list(range))).toEqual(['R3', 'R2', 'R1']);
      expect(ids(await store.list({ ...range, agent_id: 'A' }))).toEqual(['R3', 'R1']);
      expect(ids(await store.list({ ...range, status: 'failed' }))).toEqual(['R2']);
      expect(ids(await store.list({ ...range, recipient_phone: '+14155550100' }))).toEqual([
        'R3',
        'R2',
        'R1',
      ]);
      // A range wider than one page's month walk carries on through the cursor.
      const all = async (query: CallQuery) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list({ ...query, cursor });
          seen.push(...ids(page));
          cursor = page.cursor;
        } while (cursor);
        return seen;
      };
      expect(await all({ started_from: calls[3]!.started_at })).toEqual(['R5', 'R4']);
      expect(ids(await store.list({ started_to: calls[1]!.started_at, agent_id: 'B' }))).toEqual(['R2']);
      expect(
        ids(await store.list({ started_from: range.started_to, started_to: range.started_from })),
      ).toEqual([]);

      // Page by page inside the range; the cursor is refused without it.
      const first = await store.list({ ...range, limit: 2 });
      expect(ids(first)).toEqual(['R3', 'R2']);
      expect(ids(await store.list({ ...range, limit: 2, cursor: first.cursor }))).toEqual(['R1']);
      await expect(store.list({ limit: 2, cursor: first.cursor })).rejects.toMatchObject({
        code: 'validation',
      });
    });

    it('gives the finished past calls of one person with one agent, newest first', async () => {
      const store = await makeStore();
      const person = '+15550000001';
      const value = (v: string | number | boolean) => ({ value: v, turn: 1 });
      await store.create(
        sampleCall('P1', {
          recipient_phone: person,
          started_at: '2025-01-01T10:00:00.000Z',
          status: 'completed',
          summary: 'Confirmed.',
          outcome: 'resolved',
          data_collected: { confirmed: value(true), guests: value(2) },
          memory: { policy: 'verified', identity: 'outbound', used: true },
        }),
      );
      await store.create(
        sampleCall('P2', {
          recipient_phone: person,
          started_at: '2025-02-01T10:00:00.000Z',
          status: 'no-answer',
        }),
      );
      await store.create(
        sampleCall('P3', {
          recipient_phone: person,
          started_at: '2025-03-01T10:00:00.000Z',
          status: 'in-progress',
        }),
      );
      await store.create(
        sampleCall('P4', {
          recipient_phone: `${person}2`,
          started_at: '2025-03-02T10:00:00.000Z',
          status: 'completed',
        }),
      );
      await store.create(
        sampleCall('P5', { recipient_phone: person, agent_id: 'other', status: 'completed' }),
      );

      const past = await store.pastCalls('agent-1', person, 10);
      expect(past.map((p) => p.call_sid)).toEqual(['P2', 'P1']);
      expect(past[1]).toEqual({
        call_sid: 'P1',
        started_at: '2025-01-01T10:00:00.000Z',
        direction: 'outbound',
        identity: 'outbound',
        summary: 'Confirmed.',
        outcome: 'resolved',
        data_collected: { confirmed: true, guests: 2 },
      });
      // A call stored before identities were recorded has none.
      expect((await store.pastCalls('agent-1', person, 1))[0]).not.toHaveProperty('identity');
      expect((await store.pastCalls('agent-1', person, 1)).map((p) => p.call_sid)).toEqual(['P2']);
      expect(await store.pastCalls('agent-1', '+15559999999', 5)).toEqual([]);
    });
  });
}
