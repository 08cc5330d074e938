// A realtime model that keeps refusing sessions opens its circuit: the next callers are answered over
// the agent's fallback transport at once, with no stream and no wait on the model's open timeout; once
// the cool-down is over, one call probes the model again and a success closes the circuit.
import { afterEach, expect, it } from 'vitest';
import { parseTwiml } from '../../src/simulator/twiml-parser.js';
import { lineText } from '../support/audio-fixtures.js';
import {
  agentLine,
  CALLER,
  createAgent,
  openRealtimeCall,
  OUR_NUMBER,
  readCall,
  realtimeAgent,
  startMediaHarness,
  waitForCall,
  type MediaHarness,
} from './media-harness.js';

const DIALOGUE = { greeting: agentLine('agent-greeting'), turns: [] };
const CIRCUIT = 'model="openai-realtime:gpt-realtime"';

let harness: MediaHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(coolDownMs: number): Promise<MediaHarness> {
  harness = await startMediaHarness(() => DIALOGUE, {
    LLM_BREAKER_FAILURES: '2',
    LLM_BREAKER_COOLDOWN_MS: String(coolDownMs),
  });
  await createAgent(harness.server, realtimeAgent('realtime-relay', relayFallback));
  return harness;
}

const relayFallback = {
  llm: { realtime: { provider: 'openai', model: 'gpt-realtime', fallback_transport: 'relay' } },
};

/** Two calls whose sessions the model refuses (503): each goes on over ConversationRelay. */
async function tripCircuit({ server, fake }: MediaHarness): Promise<void> {
  fake.setRefuse({ status: 503 });
  for (let i = 0; i < 2; i += 1) {
    const { call, client } = await openRealtimeCall(server, 'realtime-relay');
    await client.closed;
    expect(await readCall(server, call.callSid)).toMatchObject({ transport: 'relay' });
    await call.endStream();
    await call.hangUp();
  }
  expect(fake.refused).toBe(2);
}

async function metrics({ server }: MediaHarness): Promise<string> {
  return (await fetch(`${server.url}/metrics`, { headers: server.auth })).text();
}

it('after two refused sessions the circuit opens: the next call is answered over ConversationRelay with no stream', async () => {
  const h = await start(3_600_000);
  await tripCircuit(h);
  expect(await metrics(h)).toContain(`voice_agent_model_circuit_open{${CIRCUIT}} 1`);

  // The model would accept now, but its circuit is open: the answer is ConversationRelay at once.
  h.fake.setRefuse(undefined);
  const connections = h.fake.connections.length;
  const call = await h.server.simulator.callAgent({
    agentId: 'realtime-relay',
    caller: CALLER,
    ourNumber: OUR_NUMBER,
    transport: 'realtime',
  });
  expect(call.applicationErrors).toEqual([]);
  const answer = call.exchanges.find((exchange) => exchange.kind === 'voice')!;
  const verbs = parseTwiml(answer.response.body);
  expect(answer.response.body).not.toContain('<Stream');
  expect(answer.response.body).toContain('<ConversationRelay');
  expect(verbs.length).toBeGreaterThan(0);
  expect(call.state).toBe('in-relay');
  expect(call.stream).toBeUndefined();
  const stored = await readCall(h.server, call.callSid);
  expect(stored.transport).toBe('relay');
  expect(h.fake.connections.length).toBe(connections);
  expect(h.fake.refused).toBe(2);
  await call.hangUp();
});

it('once the cool-down is over one call probes the model; its session opens and the circuit closes', async () => {
  const h = await start(100);
  await tripCircuit(h);
  h.fake.setRefuse(undefined);
  await new Promise((resolve) => setTimeout(resolve, 300));

  const { call, client } = await openRealtimeCall(h.server, 'realtime-relay');
  const greeting = await client.nextReply({ quietMs: 100 });
  expect(greeting.length).toBeGreaterThan(0);
  const stored = await waitForCall(h.server, call.callSid, (c) => c.transcript.length >= 1);
  expect(stored.transport).toBe('realtime');
  expect(stored.transcript[0]!.agent).toBe(lineText('agent-greeting'));
  expect(await metrics(h)).toContain(`voice_agent_model_circuit_open{${CIRCUIT}} 0`);
  await client.hangUp();
  await call.hangUp();
});
