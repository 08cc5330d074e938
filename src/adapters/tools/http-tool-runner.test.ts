// The HTTP tool runner against real local endpoints: templates, signature, secrets, and every way
// an endpoint can fail a caller's turn (hangs, 5xx, 10 MB, a redirect to a private address, broken
// JSON), each an answer with its reason, never a thrown error.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startToolEndpoint, type ToolEndpoint } from '../../../test/fakes/tool-endpoint.js';
import { httpToolSchema, type HttpToolConfig } from '../../domain/agent-tools.js';
import type { ToolRequest } from '../../ports/tool-runner.js';
import { GuardedPool } from '../net/guarded-pool.js';
import { EnvSecrets } from '../secrets/env-secrets.js';
import { HttpToolRunner } from './http-tool-runner.js';
import { verifyToolRequest } from './tool-signature.js';

const SIGNING = 'signing-secret-for-tools';
const TOKEN = 'orders-token-7f3a9c';

function tool(url: string, extra: Partial<Record<string, unknown>> = {}): HttpToolConfig {
  return httpToolSchema.parse({
    type: 'http',
    name: 'lookup_order',
    description: 'Find an order by its number',
    parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
    request: {
      method: 'GET',
      url: `${url}/orders/{order_id}`,
      query: { call: '{{call.sid}}', agent: '{{agent.id}}' },
      headers: { Authorization: 'Bearer {{secret.ORDERS_API_TOKEN}}' },
    },
    allow_private_network: true,
    ...extra,
  });
}

function request(config: HttpToolConfig, args: Record<string, unknown>, timeoutMs = 2_000): ToolRequest {
  return {
    target: { kind: 'http', tool: config },
    arguments: args,
    context: { callSid: 'CA0123', agentId: 'support-1' },
    agentKey: 'support-1@1',
    timeoutMs,
    signal: new AbortController().signal,
  };
}

describe('HttpToolRunner', () => {
  let endpoint: ToolEndpoint;
  let pool: GuardedPool;
  let runner: HttpToolRunner;
  const hanging: (() => void)[] = [];

  beforeAll(async () => {
    endpoint = await startToolEndpoint(async (req, res) => {
      const path = req.url.split('?')[0]!;
      if (path === '/orders/4412') return sendJson(res, 200, { order_id: '4412', status: 'shipped' });
      if (path === '/orders/echo') return sendJson(res, 200, { saw: req.headers.authorization });
      if (path === '/orders/missing') return sendJson(res, 404, { error: 'no such order' });
      if (path === '/orders/broken') return sendJson(res, 503, { error: 'down' });
      if (path === '/orders/hang') return void hanging.push(() => res.destroy());
      if (path === '/orders/huge') {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        for (let i = 0; i < 160 && !res.destroyed; i += 1) res.write(chunk); // 10 MB
        return void res.end();
      }
      if (path === '/orders/bad-json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"order_id": "4412", status: shipped');
      }
      if (path === '/orders/to-metadata') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return void res.end();
      }
      if (path === '/orders/moved') {
        res.writeHead(301, { location: '/orders/4412' });
        return void res.end();
      }
      if (path === '/orders/text') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.end('Order 4412 shipped on Monday.');
      }
      return sendJson(res, 404, {});
    });
    pool = new GuardedPool();
    runner = new HttpToolRunner({
      pool,
      secrets: new EnvSecrets({ ORDERS_API_TOKEN: TOKEN }),
      signingSecret: SIGNING,
      privateNetworkAllowed: true,
      requireHttps: false,
    });
  });
  afterEach(() => hanging.splice(0).forEach((end) => end()));
  afterAll(async () => {
    await pool.close();
    await endpoint.close();
  });

  it('fills the templates, sends the named secret and signs the request for the business to verify', async () => {
    const answer = await runner.run(request(tool(endpoint.url), { order_id: '4412' }));
    expect(answer).toMatchObject({ status: 'ok', httpStatus: 200 });
    expect(JSON.parse(answer.content!)).toEqual({ order_id: '4412', status: 'shipped' });
    const seen = endpoint.requests.at(-1)!;
    expect(seen.url).toBe('/orders/4412?call=CA0123&agent=support-1');
    expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const url = new URL(seen.url, endpoint.url);
    const header = seen.headers['x-voice-agent-signature'] as string;
    expect(verifyToolRequest(SIGNING, header, { method: 'GET', url })).toBe(true);
    // Bound to the order asked for: the same signature does not fit another path.
    expect(
      verifyToolRequest(SIGNING, header, { method: 'GET', url: new URL('/orders/1', endpoint.url) }),
    ).toBe(false);
  });

  it('encodes arguments in the path, so one cannot reach another route', async () => {
    await runner.run(request(tool(endpoint.url), { order_id: '../admin?x=1' }));
    expect(endpoint.requests.at(-1)!.url.startsWith('/orders/..%2Fadmin%3Fx%3D1?')).toBe(true);
  });

  it('masks a secret the answer echoes before the model reads it', async () => {
    const answer = await runner.run(request(tool(endpoint.url), { order_id: 'echo' }));
    expect(answer.content).toBe(JSON.stringify({ saw: 'Bearer [secret]' }));
  });

  it('gives a 4xx to the model as a refusal, and text answers as text', async () => {
    expect(await runner.run(request(tool(endpoint.url), { order_id: 'missing' }))).toMatchObject({
      status: 'rejected',
      httpStatus: 404,
      content: '{"error":"no such order"}',
    });
    expect(await runner.run(request(tool(endpoint.url), { order_id: 'text' }))).toMatchObject({
      status: 'ok',
      content: 'Order 4412 shipped on Monday.',
    });
  });

  it('follows a redirect within the same origin', async () => {
    const answer = await runner.run(request(tool(endpoint.url), { order_id: 'moved' }));
    expect(answer).toMatchObject({ status: 'ok', httpStatus: 200 });
  });

  it.each([
    ['hang', 'no answer within 300 ms'],
    ['broken', 'the endpoint answered HTTP 503'],
    ['huge', 'answer larger than 65536 bytes'],
    ['bad-json', 'the answer is not valid JSON'],
    ['to-metadata', 'redirected to another host (not followed)'],
  ])('an endpoint that answers %s fails the call with the reason "%s"', async (orderId, reason) => {
    const before = endpoint.requests.length;
    const answer = await runner.run(request(tool(endpoint.url), { order_id: orderId }, 300));
    expect(answer.status).toBe('failed');
    expect(answer.error).toBe(reason);
    // The redirect's target is never asked.
    expect(endpoint.requests.length).toBe(before + 1);
  });

  it('refuses loopback and private addresses unless the tool allows them', async () => {
    const guarded = tool(endpoint.url, { allow_private_network: false });
    const before = endpoint.requests.length;
    expect(await runner.run(request(guarded, { order_id: '4412' }))).toMatchObject({
      status: 'failed',
      error: 'refused: the host resolves to a loopback address',
    });
    expect(endpoint.requests.length).toBe(before);
  });

  it('checks a host name where it connects: a name that resolves to loopback is refused', async () => {
    const rebinding = new GuardedPool({ lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    const named = new HttpToolRunner({
      pool: rebinding,
      secrets: new EnvSecrets({ ORDERS_API_TOKEN: TOKEN }),
      signingSecret: SIGNING,
      privateNetworkAllowed: true,
      requireHttps: false,
    });
    const port = new URL(endpoint.url).port;
    const answer = await named.run(
      request(tool(`http://orders.example.test:${port}`, { allow_private_network: false }), {
        order_id: '4412',
      }),
    );
    expect(answer).toMatchObject({
      status: 'failed',
      error: 'refused: the host resolves to a loopback address',
    });
    await rebinding.close();
  });

  it('ignores allow_private_network where the server does not allow it (production), and wants https there', async () => {
    const production = new HttpToolRunner({
      pool,
      secrets: new EnvSecrets({ ORDERS_API_TOKEN: TOKEN }),
      signingSecret: SIGNING,
      privateNetworkAllowed: false,
      requireHttps: true,
    });
    expect(await production.run(request(tool(endpoint.url), { order_id: '4412' }))).toMatchObject({
      status: 'failed',
      error: 'refused: only https:// tools run in production',
    });
    expect(production.allowsPrivate(true)).toBe(false);
  });

  it('fails, naming the setting, when a secret is not set', async () => {
    const bare = new HttpToolRunner({
      pool,
      secrets: new EnvSecrets({}),
      signingSecret: SIGNING,
      privateNetworkAllowed: true,
      requireHttps: false,
    });
    expect(await bare.run(request(tool(endpoint.url), { order_id: '4412' }))).toEqual({
      status: 'failed',
      error: 'secret ORDERS_API_TOKEN is not set (TOOL_SECRET_ORDERS_API_TOKEN)',
    });
  });

  it('sends a JSON body whose sole placeholders keep their types', async () => {
    const post = tool(endpoint.url, {
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string' }, quantity: { type: 'integer' } },
      },
      request: {
        method: 'POST',
        url: `${endpoint.url}/orders/4412`,
        body: { id: '{order_id}', quantity: '{quantity}', note: 'call {{call.sid}}' },
      },
    });
    await runner.run(request(post, { order_id: '4412', quantity: 2 }));
    const seen = endpoint.requests.at(-1)!;
    expect(JSON.parse(seen.body)).toEqual({ id: '4412', quantity: 2, note: 'call CA0123' });
    expect(seen.headers['content-type']).toBe('application/json');
    expect(
      verifyToolRequest(SIGNING, seen.headers['x-voice-agent-signature'] as string, {
        method: 'POST',
        url: new URL(seen.url, endpoint.url),
        body: seen.body,
      }),
    ).toBe(true);
  });
});
