// No dead air on Gather: when the agent's tool has not answered within TOOL_FILLER_MS, the webhook
// answers with the model's own words before its tool call ("Let me check.") and a <Redirect> to the
// turn's result URL, which answers with the rest of the reply once the tool has; a fast tool gets
// the whole reply at once. The result URL also works on an instance that did not take the turn, and
// a redelivered webhook joins the running turn instead of calling the tool again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { signTwilioRequest } from '../../src/adapters/twilio/signature.js';
import { buildApp } from '../../src/http/app.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { ordersModelScript } from '../fakes/orders-model-script.js';
import { sendJson, startToolEndpoint, type ToolEndpoint } from '../fakes/tool-endpoint.js';
import { orderSupportAgentAt } from '../fakes/order-support-agent.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

// The slow orders take this long, well past the filler time; the fast ones answer at once.
const SLOW_MS = 1_500;
const SLOW_ORDERS = new Set(['4412', '4413']);

let model: FakeOpenAiServer;
let server: LiveServer;
let endpoint: ToolEndpoint;
let otherInstance: FastifyInstance;

beforeAll(async () => {
  endpoint = await startToolEndpoint(async (request, res) => {
    const orderId = /\/orders\/(\d+)/.exec(request.url)?.[1] ?? '';
    if (SLOW_ORDERS.has(orderId)) await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    sendJson(res, 200, { order_id: orderId, status: 'shipped', delivery: 'Thursday, June 12' });
  });
  model = await startFakeOpenAiServer({ script: ordersModelScript });
  server = await startLiveServer({
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
    LLM_MODEL: 'gpt-4o-mini',
    TOOL_SECRET_ORDERS_API_TOKEN: 'orders-token',
    TOOL_FILLER_MS: '300',
  });
  // A second instance on the same stores: what a load balancer may send Twilio's redirect to.
  otherInstance = await buildApp(server.container);
  const created = await server.app.inject({
    method: 'POST',
    url: '/agents',
    headers: server.auth,
    payload: orderSupportAgentAt(endpoint.url),
  });
  expect(created.statusCode).toBe(201);
});
afterAll(async () => {
  await otherInstance.close();
  await server.close();
  await model.close();
  await endpoint.close();
});

const startCall = (to: string) =>
  server.simulator.startCall({
    direction: 'outbound',
    from: '+14155550100',
    to,
    voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=order-support-001`,
  });

const requestsFor = (orderId: string) => endpoint.requests.filter((r) => r.url === `/orders/${orderId}`);

describe('a slow tool on Gather', () => {
  it('is covered by the model’s own words and a redirect, then the rest of the reply', async () => {
    const call = await startCall('+14155550131');
    await call.say("It's order 4412.", { confidence: 0.9 });
    const agentLines = call
      .heard()
      .slice(1)
      .map((entry) => entry.text);
    expect(agentLines).toEqual([
      'Let me check.',
      'Order 4412 is shipped. It should arrive on Thursday, June 12.',
    ]);
    const [filler, redirect] = call.exchanges.filter((e) => e.kind === 'action' || e.kind === 'redirect');
    expect(filler!.response.body).toMatch(/<Say[^>]*>Let me check\.<\/Say><Redirect method="POST">/);
    expect(redirect!.kind).toBe('redirect');
    expect(redirect!.request.publicUrl).toMatch(
      new RegExp(`^${PUBLIC_URL}/twilio/gather/result\\?round=1&said=13\\.[\\w-]{16}&seq=1$`),
    );
    // The stored turn is the whole reply, with the tool call.
    const turn = await server.container.callStore.getTurn(call.callSid, 1);
    expect(turn?.agent_text).toBe(
      'Let me check. Order 4412 is shipped. It should arrive on Thursday, June 12.',
    );
    expect(turn?.tool_calls).toMatchObject([{ name: 'lookup_order', status: 'ok' }]);
    expect(requestsFor('4412')).toHaveLength(1);

    // The same result URL on another instance reads the stored turn.
    const onOther = await otherInstance.inject({
      method: 'POST',
      url: redirect!.request.publicUrl.slice(PUBLIC_URL.length),
      headers: redirect!.request.headers,
      payload: redirect!.request.body,
    });
    expect(onOther.statusCode).toBe(200);
    expect(onOther.body).toContain('Order 4412 is shipped. It should arrive on Thursday, June 12.</Say>');
    expect(onOther.body).not.toContain('Let me check.');
    expect(onOther.body).toContain(`action="${PUBLIC_URL}/twilio/gather?seq=2"`);
    await call.hangUp();
    // The turn's TwiML went out on the result URL, after the tool answered and the turn was stored;
    // the caller hung up, and the call's end wrote that moment on the turn.
    const timeline = async () => (await server.container.callStore.listTurns(call.callSid))[1]?.timeline;
    await expect.poll(async () => (await timeline())?.first_text_out).toBeDefined();
    const { first_text_out, stored, tools } = (await timeline())!;
    expect(first_text_out).toBeGreaterThanOrEqual(stored!);
    expect(first_text_out).toBeGreaterThan(tools![0]!.end);
  });

  it('redelivered while it runs joins the running turn: the tool is called once', async () => {
    const call = await startCall('+14155550132');
    const first = call.exchanges.find((e) => e.kind === 'voice')!;
    const params = { ...first.request.params, SpeechResult: 'Order 4413, please.', Confidence: '0.9' };
    const url = `${PUBLIC_URL}/twilio/gather?seq=1`;
    const delivery = {
      method: 'POST' as const,
      url: '/twilio/gather?seq=1',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signTwilioRequest(server.container.secrets.twilioAuthToken, url, params),
      },
      payload: new URLSearchParams(params as Record<string, string>).toString(),
    };
    const [once, again] = await Promise.all([server.app.inject(delivery), server.app.inject(delivery)]);
    expect(once.body).toMatch(/Let me check\.<\/Say><Redirect/);
    // The redelivery waited for the running turn and answers with its reply.
    expect(again.body).toContain('Order 4413 is shipped.');
    expect(requestsFor('4413')).toHaveLength(1);
    await call.hangUp();
  });
});

it('a fast tool gets no filler: the whole reply comes in one answer', async () => {
  const call = await startCall('+14155550133');
  await call.say("It's order 1001.", { confidence: 0.9 });
  expect(call.exchanges.filter((e) => e.kind === 'redirect')).toEqual([]);
  expect(call.hear()).toBe('Let me check. Order 1001 is shipped. It should arrive on Thursday, June 12.');
  await call.hangUp();
});
