// A server restarted between two turns of a call: the call goes on where it was, because every
// turn and the call's state live in the store (DATA_DIR on disk), never only in memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TurnTimeline } from '../../src/domain/call.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';

const SUPPORT_NUMBER = '+14155550100';
const CALLER = '+14155550123';

describe('a restart mid-call', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'voice-agent-restart-'));
  let server: LiveServer | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function detail(live: LiveServer, sid: string) {
    const response = await live.app.inject({ method: 'GET', url: `/calls/${sid}`, headers: live.auth });
    expect(response.statusCode).toBe(200);
    return response.json() as {
      status: string;
      ended_by?: string;
      turn_count: number;
      data_collected: Record<string, { value: unknown; turn: number }>;
      transcript: {
        seq: number;
        caller?: string;
        agent: string;
        timeline?: TurnTimeline;
        server_added_ms?: number;
      }[];
    };
  }

  it('loses no turn, continues the numbering and keeps the data collected', async () => {
    const first = await startLiveServer({}, { dataDir });
    server = first;
    const assigned = await first.app.inject({
      method: 'PUT',
      url: `/phone-numbers/${encodeURIComponent(SUPPORT_NUMBER)}`,
      headers: first.auth,
      payload: { agent_id: 'customer-support-001' },
    });
    expect(assigned.statusCode).toBe(200);

    // The call belongs to the simulator of the first server; it keeps posting to the same port.
    const call = await first.simulator.startCall({ direction: 'inbound', from: CALLER, to: SUPPORT_NUMBER });
    await call.say('Hi, my laptop will not start');
    await call.say('My name is Manas');
    const before = await detail(first, call.callSid);
    expect(before.transcript.map((t) => t.seq)).toEqual([0, 1, 2]);
    expect(before.data_collected.name).toEqual({ value: 'Manas', turn: 2 });

    await first.close();
    server = undefined;
    const second = await startLiveServer({}, { dataDir, port: first.port });
    server = second;
    expect(second.container).not.toBe(first.container);

    await call.say('Do you need my email?');
    await call.say('thanks, bye');
    expect(call.ended).toBe(true);
    expect(call.applicationErrors).toEqual([]);
    await second.container.finalizer.drain();

    const after = await detail(second, call.callSid);
    expect(after.transcript.map((t) => t.seq)).toEqual([0, 1, 2, 3, 4]);
    // The same turns; the answer of turn 2 went out after its store, and the first server kept that
    // moment with one write as it shut down (no later turn of its own would carry it).
    const withoutTimeline = ({ timeline, server_added_ms, ...turn }: (typeof before.transcript)[number]) => {
      void [timeline, server_added_ms];
      return turn;
    };
    expect(after.transcript.slice(0, 3).map(withoutTimeline)).toEqual(before.transcript.map(withoutTimeline));
    expect(before.transcript[2]?.timeline?.first_text_out).toBeUndefined();
    expect(after.transcript[2]?.timeline?.first_text_out).toBeGreaterThanOrEqual(
      after.transcript[2]!.timeline!.stored!,
    );
    expect(after.transcript.map((t) => t.caller)).toEqual([
      undefined,
      'Hi, my laptop will not start',
      'My name is Manas',
      'Do you need my email?',
      'thanks, bye',
    ]);
    expect(after.data_collected.name).toEqual({ value: 'Manas', turn: 2 });
    expect(after).toMatchObject({ status: 'completed', ended_by: 'user', turn_count: 5 });
    // What the caller heard across both servers is exactly what was stored.
    const heard = call.transcript.filter((t) => t.speaker === 'agent').map((t) => t.text);
    expect(heard).toEqual(after.transcript.map((t) => t.agent));
  });
});
