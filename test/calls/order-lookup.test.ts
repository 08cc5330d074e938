// The worked example: the order-support agent (examples/order-support-001.json) looks an order up
// in a simulated phone call. The fake OpenAI-compatible server plays a model that calls
// lookup_order; the example orders service (examples/orders-service/server.ts) answers it, checking
// the token and our signature; the call's turns keep the tool call.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ordersService } from '../../examples/orders-service/server.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { ordersModelScript } from '../fakes/orders-model-script.js';
import { orderSupportAgentAt } from '../fakes/order-support-agent.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

const TOKEN = 'orders-token-for-the-test';
const SIGNING_SECRET = 'webhook-secret-for-the-order-test';

let model: FakeOpenAiServer;
let server: LiveServer;
let orders: Server;
const served: string[] = [];

beforeAll(async () => {
  orders = ordersService({ token: TOKEN, signingSecret: SIGNING_SECRET, log: (line) => served.push(line) });
  await new Promise<void>((resolve) => orders.listen(0, '127.0.0.1', resolve));
  const port = (orders.address() as AddressInfo).port;
  model = await startFakeOpenAiServer({ script: ordersModelScript });
  server = await startLiveServer({
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
    LLM_MODEL: 'gpt-4o-mini',
    TOOL_SECRET_ORDERS_API_TOKEN: TOKEN,
    WEBHOOK_SECRET: SIGNING_SECRET,
  });
  // The example as `voice-agent agents import examples/` loads it, pointed at this test's service.
  const created = await server.app.inject({
    method: 'POST',
    url: '/agents',
    headers: server.auth,
    payload: orderSupportAgentAt(`http://127.0.0.1:${port}`),
  });
  expect(created.statusCode).toBe(201);
});
afterAll(async () => {
  await server.close();
  await model.close();
  orders.closeAllConnections();
  await new Promise((resolve) => orders.close(resolve));
});

it('looks the order up in the same turn and says what the orders service answered', async () => {
  const call = await server.simulator.startCall({
    direction: 'outbound',
    from: '+14155550100',
    to: '+14155550123',
    voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=order-support-001`,
  });
  await call.say('Hi, I want to know where my order is.', { confidence: 0.9 });
  await call.say("It's order 4412.", { confidence: 0.9 });
  await call.say('Great, thanks. Bye.', { confidence: 0.9 });
  expect(call.ended).toBe(true);

  const detail = (
    await server.app.inject({ method: 'GET', url: `/calls/${call.callSid}`, headers: server.auth })
  ).json();
  const turn = detail.transcript[2];
  expect(turn.agent).toBe('Let me check. Order 4412 is shipped. It should arrive on Thursday, June 12.');
  expect(turn.tool_calls).toEqual([
    {
      name: 'lookup_order',
      source: 'http',
      arguments: { order_id: '4412' },
      status: 'ok',
      http_status: 200,
      latency_ms: expect.any(Number),
      response_bytes: expect.any(Number),
    },
  ]);
  // The service saw our token and a valid signature (it answers 401 otherwise).
  expect(served).toEqual(['GET /orders/4412 -> 200']);
  expect(detail.totals).toMatchObject({ tool_calls: 1 });
  // The model read the order as the service gave it, and never the token. (Found by its tool
  // message, not by position: the end-of-call summary may have asked the model since.)
  const withResult = model.requests.find((r) => JSON.stringify(r.body).includes('"role":"tool"'));
  expect(JSON.stringify(withResult?.body)).toContain('\\"status\\":\\"shipped\\"');
  expect(JSON.stringify(model.requests.map((r) => r.body))).not.toContain(TOKEN);
});

it('an order the service does not know is a refusal the model puts in words', async () => {
  const call = await server.simulator.startCall({
    direction: 'outbound',
    from: '+14155550100',
    to: '+14155550124',
    voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=order-support-001`,
  });
  await call.say('Order 1234 please.', { confidence: 0.9 });
  const detail = (
    await server.app.inject({ method: 'GET', url: `/calls/${call.callSid}`, headers: server.auth })
  ).json();
  expect(detail.transcript[1].agent).toContain("I couldn't find that order");
  expect(detail.transcript[1].tool_calls[0]).toMatchObject({ status: 'rejected', http_status: 404 });
  await call.hangUp();
});
