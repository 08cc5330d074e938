// Done-when of issue 16: a simulated call against the real server over real HTTP, with
// OTEL_EXPORTER_OTLP_ENDPOINT pointed at a local OTLP/HTTP receiver (protobuf, the exporter's
// default), exports one trace with one span per turn, whose model and tool requests are child spans
// and whose tool request carries that trace's `traceparent`; GET /metrics then shows the histograms.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callTraceIds } from '../../src/adapters/otel/trace-ids.js';
import { connectRelay } from '../../src/simulator/relay-client.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { ordersModelScript } from '../fakes/orders-model-script.js';
import { startOtlpReceiver, type OtlpReceiver } from '../fakes/otlp-receiver.js';
import { sendJson, startToolEndpoint, type ToolEndpoint } from '../fakes/tool-endpoint.js';
import { exampleAgent } from '../fakes/turn-context.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

const METRICS_TOKEN = 'metrics-token-for-the-traced-call';
const AGENT = 'order-support-001';

let otlp: OtlpReceiver;
let model: FakeOpenAiServer;
let orders: ToolEndpoint;
let server: LiveServer;

beforeAll(async () => {
  [otlp, model, orders] = await Promise.all([
    startOtlpReceiver(),
    startFakeOpenAiServer({ script: ordersModelScript }),
    startToolEndpoint((_request, res) =>
      sendJson(res, 200, { order_id: '4412', status: 'shipped', delivery: 'Thursday, June 12' }),
    ),
  ]);
  server = await startLiveServer({
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
    LLM_MODEL: 'gpt-4o-mini',
    TOOL_SECRET_ORDERS_API_TOKEN: 'orders-token',
    METRICS_TOKEN,
  });
  const { agent_id, created_at, updated_at, version, ...example } = exampleAgent(`${AGENT}.json`);
  void [created_at, updated_at, version];
  const tools = example.tools!.map((tool) => ({
    ...tool,
    request: { ...tool.request, url: tool.request.url.replace('http://127.0.0.1:4010', orders.url) },
  }));
  const created = await fetch(`${server.url}/agents`, {
    method: 'POST',
    headers: { ...server.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ ...example, agent_id, tools }),
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await server?.close();
  await Promise.all([otlp?.close(), model?.close(), orders?.close()]);
});

it('exports one trace per call with one span per turn, then GET /metrics shows the histograms', async () => {
  const call = await server.simulator.startCall({
    direction: 'outbound',
    from: '+14155550100',
    to: '+14155550123',
    voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=${AGENT}`,
  });
  await call.say('Hi, I want to know where my order is.', { confidence: 0.9 });
  await call.say("It's order 4412.", { confidence: 0.9 });
  await call.say('Great, thanks. Bye.', { confidence: 0.9 });
  expect(call.ended).toBe(true);
  await server.container.telemetry.flush();

  // Nothing but this call was traced, and all of it in the one trace its CallSid names.
  const { traceId, rootSpanId } = callTraceIds(call.callSid);
  expect(otlp.requests[0]?.['content-type']).toBe('application/x-protobuf');
  expect(new Set(otlp.spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
  const turns = otlp.spans.filter((s) => s.name === 'turn');
  expect(turns.map((s) => s.attributes['voice_agent.turn.seq']).sort()).toEqual([1, 2, 3]);
  expect(turns.every((s) => s.parentSpanId === rootSpanId)).toBe(true);
  expect(turns[0]?.attributes).toMatchObject({
    'voice_agent.agent_id': AGENT,
    'voice_agent.transport': 'gather',
    'voice_agent.turn.kind': 'speech',
  });

  const childrenOf = (seq: number) => {
    const turn = turns.find((s) => s.attributes['voice_agent.turn.seq'] === seq)!;
    return otlp.spans.filter((s) => s.parentSpanId === turn.spanId);
  };
  const second = childrenOf(2);
  expect(second.map((s) => s.name)).toEqual(
    expect.arrayContaining([
      'chat gpt-4o-mini',
      'execute_tool lookup_order',
      'tool http',
      'CallStore.putTurn',
    ]),
  );
  const chat = second.find((s) => s.name === 'chat gpt-4o-mini')!;
  expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
  expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  // The business's service got the tool request's own span as its parent.
  const request = second.find((s) => s.name === 'tool http')!;
  expect(request.attributes).toMatchObject({
    'gen_ai.tool.name': 'lookup_order',
    'http.request.method': 'GET',
    'http.response.status_code': 200,
  });
  expect(orders.requests.map((r) => r.headers.traceparent)).toEqual([`00-${traceId}-${request.spanId}-01`]);
  // What was said never leaves in a span. (Words, not bare digits: random span ids and timestamps may
  // hold "4412".)
  const exported = JSON.stringify(otlp.spans);
  expect(exported).not.toContain('order 4412');
  expect(exported).not.toContain('"4412"');
  expect(exported).not.toContain('shipped');

  // The stored turns keep their timelines: the greeting's to its store, the tool turn's in full.
  const stored = await server.container.callStore.listTurns(call.callSid);
  expect(stored[0]?.timeline).toMatchObject({ received: 0, stored: expect.any(Number) });
  expect(stored[2]?.timeline).toMatchObject({
    received: 0,
    model_request: expect.any(Number),
    first_token: expect.any(Number),
    model_done: expect.any(Number),
    stored: expect.any(Number),
    tools: [{ name: 'lookup_order', start: expect.any(Number), end: expect.any(Number), ok: true }],
  });

  const metrics = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(metrics.status).toBe(200);
  const body = await metrics.text();
  const labels = `agent="${AGENT}",transport="gather"`;
  expect(body).toContain(`voice_agent_turn_server_added_seconds_count{${labels}} 3`);
  expect(body).toContain(`voice_agent_model_first_token_seconds_count{${labels}} 3`);
  expect(body).toContain(`voice_agent_greeting_seconds_count{${labels}} 1`);
  expect(body).toContain(`voice_agent_tool_seconds_count{${labels},tool="lookup_order",ok="true"} 1`);
  expect(body).toContain(`voice_agent_turns_total{${labels}} 3`);
});

it("counts the open relay socket while the call talks, and traces the relay turn in its call's trace", async () => {
  const scrape = async () =>
    (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const call = await server.simulator.startCall({
    direction: 'outbound',
    from: '+14155550100',
    to: '+14155550124',
    voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=${AGENT}&transport=relay`,
  });
  const relay = call.relay!;
  const client = await connectRelay({
    wsUrl: relay.serverUrl,
    signedUrl: relay.url,
    authToken: server.container.secrets.twilioAuthToken,
    setup: relay.setup,
  });
  await client.prompt('Hi, where is my order?');
  expect(await scrape()).toContain('voice_agent_relay_sockets 1\n');
  await client.close();
  await expect.poll(scrape).toContain('voice_agent_relay_sockets 0\n');

  expect(await scrape()).toContain(
    `voice_agent_turn_server_added_seconds_count{agent="${AGENT}",transport="relay"} 1`,
  );
  await server.container.telemetry.flush();
  const { traceId, rootSpanId } = callTraceIds(call.callSid);
  const turns = otlp.spans.filter((s) => s.name === 'turn' && s.traceId === traceId);
  expect(turns).toHaveLength(1);
  expect(turns[0]).toMatchObject({
    parentSpanId: rootSpanId,
    attributes: { 'voice_agent.transport': 'relay', 'voice_agent.turn.seq': 1 },
  });
  expect(turns[0]?.events.map((e) => e.name)).toEqual(
    expect.arrayContaining(['model_request', 'first_token', 'first_text_out', 'model_done', 'stored']),
  );
});
