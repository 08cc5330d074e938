// A Gather turn is stored before its TwiML answer goes out (the caller hears only stored turns), so
// the moment that answer left is written later, with a write that happens anyway: the next turn's
// put, or, for the call's last turn, one write when it ends. Read back through the REST API, every
// turn carries it, the greeting and the last one too.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TurnTimeline } from '../../src/domain/call.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

let server: LiveServer;
beforeAll(async () => {
  server = await startLiveServer();
});
afterAll(() => server.close());

async function transcript(sid: string) {
  const response = await server.app.inject({ method: 'GET', url: `/calls/${sid}`, headers: server.auth });
  expect(response.statusCode).toBe(200);
  return (
    response.json() as { transcript: { seq: number; timeline?: TurnTimeline; server_added_ms?: number }[] }
  ).transcript;
}

it('keeps the moment each TwiML answer went out on its stored turn, the last turn included', async () => {
  const call = await server.simulator.startCall({
    direction: 'outbound',
    from: '+14155550100',
    to: '+14155550123',
    voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=customer-support-001`,
  });
  await call.say('Hi, my laptop will not start.', { confidence: 0.92 });
  await call.say('My name is Manas.', { confidence: 0.9 });
  await call.say('Thanks, bye.', { confidence: 0.95 });
  expect(call.ended).toBe(true);

  // The last turn's moment is written once the call ended here, off the turn path.
  await expect
    .poll(async () => (await transcript(call.callSid)).at(-1)?.timeline?.first_text_out)
    .toBeDefined();
  const turns = await transcript(call.callSid);
  expect(turns.map((turn) => turn.seq)).toEqual([0, 1, 2, 3]);
  // The greeting too: the answer webhook's TwiML went out after the greeting was stored.
  for (const { timeline, server_added_ms } of turns) {
    expect(timeline?.first_text_out).toBeGreaterThanOrEqual(timeline!.stored!);
    // The time the server added runs to the answer, not to the store.
    expect(server_added_ms).toBe(timeline!.first_text_out);
  }

  // The call's figures count them (the end of the call wrote the last one before its summary), and
  // the analytics show them.
  await server.container.finalizer.drain();
  const detail = (
    await server.app.inject({ method: 'GET', url: `/calls/${call.callSid}`, headers: server.auth })
  ).json();
  const added = turns.filter((turn) => turn.seq > 0).map((turn) => turn.server_added_ms!);
  expect(detail.server_added_p95_ms).toBe(Math.max(...added));
  const analytics = await server.app.inject({
    method: 'GET',
    url: '/analytics?agent_id=customer-support-001',
    headers: server.auth,
  });
  expect(analytics.json().agents[0]).toMatchObject({
    agent_id: 'customer-support-001',
    p95_server_added_ms: detail.server_added_p95_ms,
  });
});
