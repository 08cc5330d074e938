// Agents' tools through the admin API: refused at save time with the field named, kept as given,
// and "Try it" against a real local endpoint with the masked answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startToolEndpoint, type ToolEndpoint } from '../../../test/fakes/tool-endpoint.js';
import { captureLogs } from '../../../test/support/log-capture.js';
import { createTestApp, type TestApp } from '../testing.js';

const agentBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Order desk',
  prompt: 'Help callers with their orders.',
  voice: 'Polly.Joanna',
  language: 'en-US',
  greeting: 'Hello!',
  ...overrides,
});

const lookupOrder = (url: string, overrides: Record<string, unknown> = {}) => ({
  type: 'http',
  name: 'lookup_order',
  description: 'Find an order by its number',
  parameters: {
    type: 'object',
    properties: { order_id: { type: 'string', pattern: '^[0-9]+$' } },
    required: ['order_id'],
  },
  request: {
    method: 'GET',
    url: `${url}/orders/{order_id}`,
    headers: { Authorization: 'Bearer {{secret.ORDERS_API_TOKEN}}' },
  },
  timeout_ms: 2_000,
  filler: 'Let me look that up.',
  allow_private_network: true,
  ...overrides,
});

const fields = (response: { json(): { issues?: { field: string }[] } }) =>
  (response.json().issues ?? []).map((issue) => issue.field);

describe('agents with tools', () => {
  let t: TestApp;
  let endpoint: ToolEndpoint;
  const logs = captureLogs();
  beforeAll(async () => {
    endpoint = await startToolEndpoint((req, res) => {
      if (req.url === '/orders/4412')
        return sendJson(res, 200, {
          order_id: '4412',
          status: 'shipped',
          email: 'asha.rao@example.com',
          phone: '+1 415 555 0142',
          token: req.headers.authorization,
        });
      return sendJson(res, 404, { error: 'no such order' });
    });
    t = await createTestApp({ TOOL_SECRET_ORDERS_API_TOKEN: 'orders-token-123' }, { logger: logs.logger });
  });
  afterAll(async () => {
    await t.close();
    await endpoint.close();
  });

  const post = (payload: unknown) =>
    t.app.inject({ method: 'POST', url: '/agents', headers: t.auth, payload: payload as object });

  it('keeps a valid tool as given, with its defaults', async () => {
    const created = await post(agentBody({ agent_id: 'orders-1', tools: [lookupOrder(endpoint.url)] }));
    expect(created.statusCode).toBe(201);
    expect(created.json().tools[0]).toMatchObject({
      name: 'lookup_order',
      timeout_ms: 2_000,
      max_response_bytes: 65_536,
      request: { headers: { Authorization: 'Bearer {{secret.ORDERS_API_TOKEN}}' } },
    });
    // The secret is named, never stored or shown.
    expect(created.body).not.toContain('orders-token-123');
  });

  it.each([
    ['an unknown field', { timeout: 5 }, 'tools.0.timeout'],
    [
      'an invalid JSON schema',
      { parameters: { type: 'object', properties: { order_id: { type: 'string' }, x: { type: 'strnig' } } } },
      'tools.0.parameters',
    ],
    ['parameters that are not an object schema', { parameters: { type: 'string' } }, 'tools.0.parameters'],
    [
      'a template naming an unknown argument',
      { request: { method: 'GET', url: 'https://api.example.com/orders/{order_number}' } },
      'tools.0.request.url',
    ],
    [
      'an argument choosing the host',
      { request: { method: 'GET', url: 'https://{order_id}.example.com/' } },
      'tools.0.request.url',
    ],
    [
      'the caller number without tools_share_caller_phone',
      {
        request: {
          method: 'GET',
          url: 'https://api.example.com/orders',
          query: { phone: '{{caller.phone}}' },
        },
      },
      'tools.0.request.query.phone',
    ],
    [
      'an unknown placeholder',
      { request: { method: 'GET', url: 'https://api.example.com/', headers: { 'X-Key': '{{env.HOME}}' } } },
      'tools.0.request.headers.X-Key',
    ],
    ['a name that clashes with a built-in tool', { name: 'transfer' }, 'tools.0.name'],
    [
      'a URL that is not http(s)',
      { request: { method: 'GET', url: 'file:///etc/passwd' } },
      'tools.0.request.url',
    ],
  ])('refuses %s, naming the field', async (_what, change, field) => {
    const response = await post(agentBody({ tools: [lookupOrder('https://api.example.com', change)] }));
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('validation');
    expect(fields(response)).toContain(field);
  });

  it('refuses duplicate tool names and MCP tools that take a tool’s name', async () => {
    const twice = await post(agentBody({ tools: [lookupOrder(endpoint.url), lookupOrder(endpoint.url)] }));
    expect(fields(twice)).toEqual(['tools.1.name']);
    const clash = await post(
      agentBody({
        tools: [lookupOrder(endpoint.url)],
        mcp_servers: [{ name: 'crm', url: 'https://mcp.example.com/mcp', allowed_tools: ['lookup_order'] }],
      }),
    );
    expect(fields(clash)).toEqual(['mcp_servers.0.allowed_tools.0']);
  });

  it('refuses per-call placeholders in an MCP server’s URL or headers (its connection serves many calls)', async () => {
    const response = await post(
      agentBody({
        mcp_servers: [
          {
            name: 'crm',
            url: 'https://mcp.example.com/mcp',
            headers: { 'X-Call': '{{call.sid}}' },
            allowed_tools: ['find_customer'],
          },
        ],
      }),
    );
    expect(fields(response)).toEqual(['mcp_servers.0.headers.X-Call']);
  });

  it('checks a PATCH of tools like a create', async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: '/agents/orders-1',
      headers: t.auth,
      payload: { tools: [lookupOrder(endpoint.url, { name: 'end_call' })] },
    });
    expect(response.statusCode).toBe(400);
    expect(fields(response)).toEqual(['tools.0.name']);
  });

  describe('Try it', () => {
    const tryIt = (name: string, args: unknown, id = 'orders-1') =>
      t.app.inject({
        method: 'POST',
        url: `/agents/${id}/tools/${name}/try`,
        headers: t.auth,
        payload: { arguments: args },
      });

    it('runs the tool against the real endpoint and shows the answer masked', async () => {
      const response = await tryIt('lookup_order', { order_id: '4412' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        tool: 'lookup_order',
        status: 'ok',
        http_status: 200,
        response: {
          order_id: '4412',
          status: 'shipped',
          email: '[email]',
          phone: '[number]',
          token: 'Bearer [secret]',
        },
      });
      expect(endpoint.requests.at(-1)!.headers.authorization).toBe('Bearer orders-token-123');
      expect(response.body).not.toContain('orders-token-123');
      expect(response.body).not.toContain('asha.rao');
      // One line per call, without arguments, URL, secret or answer.
      const line = logs.records.find((r) => r.msg === 'tool call');
      expect(line).toMatchObject({
        tool: 'lookup_order',
        agent_id: 'orders-1',
        status: 'ok',
        http_status: 200,
      });
      const logged = JSON.stringify(logs.records);
      for (const secret of ['orders-token-123', 'asha.rao', '/orders/4412'])
        expect(logged).not.toContain(secret);
    });

    it('shows a refusal with its answer, and names a bad argument as a field', async () => {
      expect((await tryIt('lookup_order', { order_id: '1' })).json()).toMatchObject({
        status: 'rejected',
        http_status: 404,
        response: { error: 'The request was refused (HTTP 404)', answer: { error: 'no such order' } },
      });
      const bad = await tryIt('lookup_order', { order_id: 'abc' });
      expect(bad.statusCode).toBe(400);
      expect(fields(bad)).toEqual(['arguments.order_id']);
    });

    it('answers 404 for a tool the agent does not have, or a built-in one', async () => {
      expect((await tryIt('launch_rockets', {})).statusCode).toBe(404);
      expect((await tryIt('end_call', {})).statusCode).toBe(404);
      expect((await tryIt('lookup_order', {}, 'nobody')).statusCode).toBe(404);
    });
  });
});

describe('agents with tools in production', () => {
  let t: TestApp;
  const production = {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://voice.example.com',
    TWILIO_AUTH_TOKEN: 'token-token-token',
    WEBHOOK_SECRET: 'webhook-secret-webhook-secret',
  };
  afterAll(() => t?.close());

  it('refuses plain http and private networks, unless TOOLS_ALLOW_PRIVATE_NETWORK allows them', async () => {
    t = await createTestApp(production);
    const response = await t.app.inject({
      method: 'POST',
      url: '/agents',
      headers: t.auth,
      payload: agentBody({ tools: [lookupOrder('http://orders.internal')] }),
    });
    expect(response.statusCode).toBe(400);
    expect(fields(response).sort()).toEqual(['tools.0.allow_private_network', 'tools.0.request.url']);
    await t.close();

    t = await createTestApp({ ...production, TOOLS_ALLOW_PRIVATE_NETWORK: 'true' });
    const allowed = await t.app.inject({
      method: 'POST',
      url: '/agents',
      headers: t.auth,
      payload: agentBody({ tools: [lookupOrder('https://orders.internal')] }),
    });
    expect(allowed.statusCode).toBe(201);
  });
});
