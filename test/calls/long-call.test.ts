// A call of 1,000 caller turns over HTTP. Turns are items of their own, so the call item stays
// far below DynamoDB's 400 KB item limit however long the call runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../support/live-server.js';

const CALLER_TURNS = 1_000;
const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1_024;
const AGENT_NUMBER = '+14155550177';

let server: LiveServer;

beforeAll(async () => {
  server = await startLiveServer();
  // One required email that the caller never gives: the scripted policy keeps asking for it.
  const agent = await server.app.inject({
    method: 'POST',
    url: '/agents',
    headers: server.auth,
    payload: {
      agent_id: 'stubborn-email',
      name: 'Email collector',
      prompt: 'Collect the email address.',
      voice: 'Polly.Joanna-Neural',
      language: 'en-US',
      greeting: 'Hello! What is your email address?',
      data_to_fill: [{ name: 'email', type: 'email', required: true }],
      max_call_seconds: 14_400,
    },
  });
  expect(agent.statusCode, agent.body).toBe(201);
  const number = await server.app.inject({
    method: 'PUT',
    url: `/phone-numbers/${encodeURIComponent(AGENT_NUMBER)}`,
    headers: server.auth,
    payload: { agent_id: 'stubborn-email' },
  });
  expect(number.statusCode).toBe(200);
});
afterAll(() => server.close());

describe('a 1,000-turn call', () => {
  it('stores every turn and keeps the call item small', { timeout: 180_000 }, async () => {
    const call = await server.simulator.startCall({
      direction: 'inbound',
      from: '+14155550123',
      to: AGENT_NUMBER,
    });
    const started = performance.now();
    for (let turn = 1; turn <= CALLER_TURNS; turn += 1) {
      await call.say(`banana number ${turn}`, { confidence: 0.9 });
      if (call.ended) throw new Error(`the call ended at caller turn ${turn}: ${call.endReason}`);
    }
    const elapsedMs = performance.now() - started;
    expect(call.applicationErrors).toEqual([]);

    const response = await server.app.inject({
      method: 'GET',
      url: `/calls/${call.callSid}`,
      headers: server.auth,
    });
    expect(response.statusCode).toBe(200);
    const detail = response.json() as { turn_count: number; transcript: { seq: number; caller?: string }[] };
    expect(detail.transcript).toHaveLength(CALLER_TURNS + 1);
    expect(detail.transcript.map((t) => t.seq)).toEqual(
      Array.from({ length: CALLER_TURNS + 1 }, (_, i) => i),
    );
    expect(detail.transcript.at(-1)?.caller).toBe(`banana number ${CALLER_TURNS}`);
    expect(detail.turn_count).toBe(CALLER_TURNS + 1);

    const item = await server.container.callStore.get(call.callSid);
    const itemBytes = Buffer.byteLength(JSON.stringify(item), 'utf8');
    expect(itemBytes).toBeLessThan(DYNAMODB_ITEM_LIMIT_BYTES / 20);
    console.info(
      `1,000-turn call: ${Math.round(elapsedMs)} ms (${(elapsedMs / CALLER_TURNS).toFixed(1)} ms a turn), ` +
        `call item ${itemBytes} bytes, GET /calls/:sid ${response.body.length} bytes`,
    );
  });
});
