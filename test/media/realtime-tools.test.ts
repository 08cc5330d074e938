// Tools on a realtime call: the model calls record_field (its value validated and stored, a bad one
// refused back to the model) and the agent's HTTP tool (a business API on 127.0.0.1); every result
// goes back to the model as a function_call_output, and the calls are kept on the stored turn.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lineAudio, lineText } from '../support/audio-fixtures.js';
import { sendJson, startToolEndpoint, type ToolEndpoint } from '../fakes/tool-endpoint.js';
import {
  agentLine,
  createAgent,
  openRealtimeCall,
  PAUSE_MS,
  realtimeAgent,
  startMediaHarness,
  waitForCall,
  type MediaHarness,
} from './media-harness.js';

const ORDER = { order_id: '4412', status: 'shipped', delivery: '2026-06-12' };

let harness: MediaHarness;
let endpoint: ToolEndpoint;
beforeAll(async () => {
  endpoint = await startToolEndpoint((request, res) =>
    request.url === '/orders/4412'
      ? sendJson(res, 200, ORDER)
      : sendJson(res, 404, { error: 'no such order' }),
  );
  harness = await startMediaHarness(() => ({
    greeting: agentLine('agent-greeting'),
    turns: [
      {
        heard: lineText('caller-email'),
        // Misheard: not an email address.
        toolCalls: [{ name: 'record_field', arguments: { field: 'email', value: 'manas at example' } }],
        reply: { text: 'Sorry, could you spell the email?', audio: lineAudio('agent-goodbye') },
      },
      {
        heard: 'My name is Manas and my order is 4412.',
        toolCalls: [
          { name: 'record_field', arguments: { field: 'name', value: 'Manas' } },
          { name: 'lookup_order', arguments: { order_id: '4412' } },
        ],
        reply: { text: 'Thanks, Manas. Order 4412 has shipped.', audio: lineAudio('agent-goodbye') },
      },
    ],
  }));
  await createAgent(
    harness.server,
    realtimeAgent('realtime-tools', {
      tools: [
        {
          type: 'http',
          name: 'lookup_order',
          description: 'Find an order by its number.',
          parameters: {
            type: 'object',
            properties: { order_id: { type: 'string', pattern: '^[0-9]{3,10}$' } },
            required: ['order_id'],
            additionalProperties: false,
          },
          request: { method: 'GET', url: `${endpoint.url}/orders/{order_id}` },
          timeout_ms: 3000,
          allow_private_network: true,
        },
      ],
    }),
  );
});
afterAll(async () => {
  await harness.close();
  await endpoint.close();
});

interface FunctionOutput {
  type: string;
  item: { type: string; call_id: string; output: string };
}

it('record_field is validated and stored, the HTTP tool answers the model, the calls are on the turn', async () => {
  const { server, fake } = harness;
  const { call, client } = await openRealtimeCall(server, 'realtime-tools');
  await client.nextReply({ quietMs: 100 });
  await client.say(lineAudio('caller-email'), { trailingSilenceMs: PAUSE_MS });
  await waitForCall(server, call.callSid, (c) => c.transcript.length >= 2);
  await client.say(lineAudio('caller-name'), { trailingSilenceMs: PAUSE_MS });
  // A turn is stored, then counted into the call (collected data, totals): wait for both writes.
  const stored = await waitForCall(
    server,
    call.callSid,
    (c) => c.transcript.length >= 3 && c.turn_count >= 3,
  );

  // Each function call was answered with its own output, under its call_id.
  const calls = fake.sent('response.function_call_arguments.done') as { call_id: string; name: string }[];
  expect(calls.map((c) => c.name)).toEqual(['record_field', 'record_field', 'lookup_order']);
  const outputs = (fake.received('conversation.item.create') as unknown as FunctionOutput[])
    .map((event) => event.item)
    .filter((item) => item.type === 'function_call_output');
  expect(outputs.map((output) => output.call_id)).toEqual(calls.map((c) => c.call_id));
  // The bad email was refused back to the model and not stored; the name was.
  expect(outputs[0]!.output).toMatch(/^Not recorded: that is not a valid email\./);
  expect(outputs[1]!.output).toBe('Recorded.');
  expect(stored.data_collected).toEqual({ name: { value: 'Manas', turn: 2 } });
  // The business API was called once, and its answer went to the model.
  expect(endpoint.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
    'GET /orders/4412',
  ]);
  expect(JSON.parse(outputs[2]!.output)).toMatchObject(ORDER);
  // After the outputs, one response.create per exchange asks the model to go on.
  const creates = fake.received().filter((event) => event.type === 'response.create');
  expect(creates.length).toBe(3); // the greeting and one after each exchange's tools

  expect(stored.transcript[1]).toMatchObject({ seq: 1, caller: lineText('caller-email') });
  expect(stored.transcript[2]).toMatchObject({
    seq: 2,
    caller: 'My name is Manas and my order is 4412.',
    agent: 'Thanks, Manas. Order 4412 has shipped.',
    tool_calls: [
      {
        name: 'lookup_order',
        source: 'http',
        arguments: { order_id: '4412' },
        status: 'ok',
        http_status: 200,
      },
    ],
  });
  expect(stored.totals).toMatchObject({ tool_calls: 1 });
  await client.hangUp();
});
