// No dead air on relay: when the agent's tool has not answered within toolFillerMs, the caller hears
// its filler line (a preemptible `text`) while it runs, then the answer; a fast tool gets none, nor
// does a tool the model announced in its own words. A caller who talks over the filler cuts the
// turn: the tool's answer is not spoken, but how the call went is still kept on the turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedPool } from '../../src/adapters/net/guarded-pool.js';
import type { Turn } from '../../src/domain/call.js';
import { LlmPolicy } from '../../src/engine/llm-policy.js';
import { ScriptedLanguageModel } from '../fakes/scripted-language-model.js';
import { localToolCatalog } from '../fakes/local-tool-catalog.js';
import { sendJson, startToolEndpoint, type ToolEndpoint } from '../fakes/tool-endpoint.js';
import { startRelayHarness, type RelayHarness } from './relay-harness.js';

const FILLER = 'Let me look that up.';
// The slow order answers this long after the filler time (200 ms below); the others at once.
const SLOW_MS = 1_200;

/** The model: looks the order in the caller's words up (announcing it first when asked to), then says what came back. */
const model = new ScriptedLanguageModel((request) => {
  const last = request.messages.at(-1);
  if (last?.role === 'tool') {
    const order = JSON.parse(last.content) as { order_id: string; status: string };
    return { text: `Order ${order.order_id} is ${order.status}.` };
  }
  const said = JSON.stringify(last?.content ?? '');
  // The caller's newest words come last in the message.
  const orderId = said.match(/\d{4}/g)?.at(-1) ?? '0000';
  return {
    ...(said.includes('announce') ? { text: 'Let me check.' } : {}),
    toolCalls: [{ id: `call_${orderId}`, name: 'lookup_order', arguments: { order_id: orderId } }],
  };
});

function texts(messages: { direction: string; message: unknown }[]) {
  return messages
    .filter((m) => m.direction === 'received')
    .map((m) => m.message as { type: string; token?: string; preemptible?: boolean })
    .filter((m) => m.type === 'text' && m.token);
}

describe('a tool on relay', () => {
  let h: RelayHarness;
  let endpoint: ToolEndpoint;
  let pool: GuardedPool;

  beforeAll(async () => {
    endpoint = await startToolEndpoint(async (request, res) => {
      const orderId = /\/orders\/(\d+)/.exec(request.url)?.[1] ?? '';
      if (orderId === '4412' || orderId === '4413') await new Promise((r) => setTimeout(r, SLOW_MS));
      sendJson(res, 200, { order_id: orderId, status: 'shipped' });
    });
    pool = new GuardedPool();
    const tools = localToolCatalog(pool);
    h = await startRelayHarness({
      streaming: new LlmPolicy(model, { tools, turnBudgetMs: 8_000 }),
      relay: { timing: { toolFillerMs: 200 } },
    });
    await h.createAgent('stream-orders', {
      tools: [
        {
          type: 'http',
          name: 'lookup_order',
          description: 'Find an order by its number',
          parameters: {
            type: 'object',
            properties: { order_id: { type: 'string' } },
            required: ['order_id'],
          },
          request: { method: 'GET', url: `${endpoint.url}/orders/{order_id}` },
          allow_private_network: true,
          timeout_ms: 4_000,
          filler: FILLER,
        },
      ],
    });
  });
  afterAll(async () => {
    await h.close();
    await pool.close();
    await endpoint.close();
  });

  it('slow: the filler goes out while it runs, then the answer', async () => {
    const result = await h.call({ agentId: 'stream-orders', lines: ['Where is order 4412?'] });
    const sent = texts(result.messages);
    expect(sent[0]).toEqual({ type: 'text', token: `${FILLER} `, last: false, preemptible: true });
    expect(
      sent
        .slice(1)
        .map((t) => t.token)
        .join(''),
    ).toBe('Order 4412 is shipped.');
    const turns = await h.container.callStore.listTurns(result.callSid);
    expect(turns[1]?.agent_text).toBe('Order 4412 is shipped.');
    expect(turns[1]?.tool_calls).toMatchObject([{ name: 'lookup_order', status: 'ok' }]);
  });

  it('fast: no filler, just the answer', async () => {
    const result = await h.call({ agentId: 'stream-orders', lines: ['Where is order 1001?'] });
    const sent = texts(result.messages);
    expect(sent.filter((t) => t.preemptible)).toEqual([]);
    expect(sent.map((t) => t.token).join('')).toBe('Order 1001 is shipped.');
  });

  it('announced by the model: its own words cover the wait, no filler on top', async () => {
    const result = await h.call({ agentId: 'stream-orders', lines: ['Please announce order 4412.'] });
    const sent = texts(result.messages);
    expect(sent.filter((t) => t.preemptible)).toEqual([]);
    expect(sent.map((t) => t.token).join('')).toBe('Let me check. Order 4412 is shipped.');
  });

  it('interrupted during the filler: the answer is not spoken but the tool call is kept', async () => {
    // The caller talks over the filler, then asks about another slow order: the socket stays open
    // until well after the first tool answered.
    const result = await h.call({
      agentId: 'stream-orders',
      lines: ['Where is order 4413?', 'Then where is order 4412?'],
      interruptAfterTokens: { 0: 1 },
    });
    const sent = texts(result.messages).map((t) => t.token);
    expect(sent[0]).toBe(`${FILLER} `);
    expect(sent.join('')).not.toContain('4413 is shipped');
    expect(sent.join('')).toContain('Order 4412 is shipped.');
    // Nobody asked the model to put the late answer in words.
    const answered = model.requests.filter((r) => r.messages.at(-1)?.role === 'tool');
    expect(answered.map((r) => r.messages.at(-1)?.content)).not.toContainEqual(
      expect.stringContaining('4413'),
    );
    const turn = await storedWithToolCalls(h, result.callSid, 1);
    expect(turn).toMatchObject({ interrupted: true, agent_text: '' });
    expect(turn.tool_calls).toMatchObject([
      { name: 'lookup_order', arguments: { order_id: '4413' }, status: 'ok', http_status: 200 },
    ]);
    expect(endpoint.requests.filter((r) => r.url === '/orders/4413')).toHaveLength(1);
    // The call counts it with the others.
    const call = await h.container.callStore.get(result.callSid);
    expect(call?.totals?.tool_calls).toBe(2);
  });
});

/** The turn once its late tool calls are kept (the tool answers after the turn was stored). */
async function storedWithToolCalls(h: RelayHarness, callSid: string, seq: number): Promise<Turn> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const turn = await h.container.callStore.getTurn(callSid, seq);
    if (turn?.tool_calls?.length) return turn;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`turn ${seq} never got its tool calls`);
}
