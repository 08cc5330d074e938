// Agents' MCP servers through the official SDK client, against a real MCP server built with the
// same SDK: the allow-list, one pooled session per agent version, signed requests, secrets in
// headers, and the same limits as HTTP tools (guard, time, size).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMcpServer, type FakeMcpServer } from '../../../test/fakes/mcp-server.js';
import { mcpServerSchema, type McpServerConfig } from '../../domain/agent-tools.js';
import type { ToolRequest } from '../../ports/tool-runner.js';
import { GuardedPool } from '../net/guarded-pool.js';
import { EnvSecrets } from '../secrets/env-secrets.js';
import { HttpToolRunner } from './http-tool-runner.js';
import { McpToolClient } from './mcp-tool-client.js';
import { verifyToolRequest } from './tool-signature.js';
import { ScriptedLanguageModel } from '../../../test/fakes/scripted-language-model.js';
import { exampleAgent, turnContext } from '../../../test/fakes/turn-context.js';
import { LlmPolicy } from '../../engine/llm-policy.js';
import { ToolCatalog } from '../../engine/tools/tool-catalog.js';
import { AjvSchemaValidator } from '../json-schema/ajv-schema-validator.js';

const SIGNING = 'mcp-signing-secret';
const signal = () => new AbortController().signal;

describe('MCP tools', () => {
  let mcp: FakeMcpServer;
  let pool: GuardedPool;
  let client: McpToolClient;
  let runner: HttpToolRunner;
  let server: McpServerConfig;

  beforeAll(async () => {
    mcp = await startFakeMcpServer();
    pool = new GuardedPool();
    const secrets = new EnvSecrets({ CRM_TOKEN: 'crm-token-5d1e' });
    client = new McpToolClient({ pool, secrets, signingSecret: SIGNING });
    runner = new HttpToolRunner({
      pool,
      secrets,
      signingSecret: SIGNING,
      privateNetworkAllowed: true,
      requireHttps: false,
      mcp: client,
    });
    server = mcpServerSchema.parse({
      name: 'crm',
      url: mcp.url,
      headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}' },
      allowed_tools: ['find_customer', 'slow_lookup', 'broken_lookup', 'huge_lookup'],
      allow_private_network: true,
      timeout_ms: 500,
      max_response_bytes: 65_536,
    });
  });
  afterAll(async () => {
    await client.close();
    await pool.close();
    await mcp.close();
  });

  const call = (
    toolName: string,
    args: Record<string, unknown> = {},
    agentKey = 'crm-agent@1',
  ): ToolRequest => ({
    target: { kind: 'mcp', server, toolName },
    arguments: args,
    context: { callSid: 'CA77', agentId: 'crm-agent' },
    agentKey,
    timeoutMs: server.timeout_ms,
    signal: signal(),
  });

  it('offers only the allowed tools, with their schemas', async () => {
    const tools = await runner.listMcpTools(server, 'crm-agent@1', signal());
    expect(tools.map((t) => t.name).sort()).toEqual([
      'broken_lookup',
      'find_customer',
      'huge_lookup',
      'slow_lookup',
    ]);
    expect(tools.find((t) => t.name === 'find_customer')?.parameters).toMatchObject({
      type: 'object',
      properties: { account: { type: 'string' } },
    });
  });

  it('calls a tool in one pooled session per agent version, signed, with the secret header', async () => {
    const before = mcp.sessions();
    const answer = await runner.run(call('find_customer', { account: 'A-17' }));
    expect(answer).toMatchObject({ status: 'ok' });
    expect(JSON.parse(answer.content!)).toEqual({ account: 'A-17', name: 'Asha Rao', plan: 'gold' });
    await runner.run(call('find_customer', { account: 'A-18' }));
    // Same agent version: the session opened for the list is reused.
    expect(mcp.sessions()).toBe(before);
    await runner.run(call('find_customer', { account: 'A-19' }, 'crm-agent@2'));
    expect(mcp.sessions()).toBe(before + 1);

    const posted = mcp.requests.filter((r) => r.method === 'POST');
    const last = posted.at(-1)!;
    expect(last.headers.authorization).toBe('Bearer crm-token-5d1e');
    const url = new URL(mcp.url);
    expect(
      verifyToolRequest(SIGNING, last.headers['x-voice-agent-signature'] as string, {
        method: 'POST',
        url,
        body: last.body,
      }),
    ).toBe(true);
    // The call's context rides in the request's _meta, never in the arguments.
    expect(JSON.parse(posted.find((r) => r.body.includes('A-17'))!.body).params._meta).toMatchObject({
      'voice-agent/call_sid': 'CA77',
    });
    // The standalone GET stream is never opened.
    expect(mcp.requests.some((r) => r.method === 'GET')).toBe(false);
  });

  it("sends each tool call's trace context on its own request, over a connection calls share", async () => {
    const first = mcp.requests.length;
    const traceparent = (n: number) => `00-${String(n).repeat(32)}-${String(n).repeat(16)}-01`;
    // Two calls at once over one new connection (its opening requests are no call's).
    const answers = await Promise.all([
      runner.run({
        ...call('find_customer', { account: 'T-1' }, 'crm-agent@9'),
        traceHeaders: { traceparent: traceparent(1) },
      }),
      runner.run({
        ...call('find_customer', { account: 'T-2' }, 'crm-agent@9'),
        traceHeaders: { traceparent: traceparent(2) },
      }),
      runner.run(call('find_customer', { account: 'T-3' }, 'crm-agent@9')),
    ]);
    expect(answers.map((a) => a.status)).toEqual(['ok', 'ok', 'ok']);
    const sent = mcp.requests.slice(first);
    const of = (account: string) => sent.find((r) => r.body.includes(`"account":"${account}"`))!;
    // In the request's _meta, where MCP servers look for it (SEP-414), and as the HTTP header.
    for (const [account, n] of [
      ['T-1', 1],
      ['T-2', 2],
    ] as const) {
      expect(of(account).headers.traceparent).toBe(traceparent(n));
      expect(JSON.parse(of(account).body).params._meta.traceparent).toBe(traceparent(n));
    }
    // Tracing off: no trace context at all.
    expect(of('T-3').headers).not.toHaveProperty('traceparent');
    expect(JSON.parse(of('T-3').body).params._meta).not.toHaveProperty('traceparent');
    const opening = sent.filter((r) => !r.body.includes('tools/call'));
    expect(opening.length).toBeGreaterThan(0);
    for (const request of opening) expect(request.headers).not.toHaveProperty('traceparent');
  });

  it.each([
    ['broken_lookup', 'rejected', 'the MCP tool reported an error'],
    ['slow_lookup', 'failed', 'no answer within 500 ms'],
    ['huge_lookup', 'failed', 'answer larger than 65536 bytes'],
  ])('%s: %s (%s)', async (tool, status, error) => {
    const answer = await runner.run(call(tool));
    expect(answer).toMatchObject({ status, error });
  });

  it('never runs a tool the allow-list leaves out', async () => {
    const agentTools = await runner.listMcpTools(server, 'crm-agent@1', signal());
    expect(agentTools.some((t) => t.name === 'delete_everything')).toBe(false);
  });

  it('refuses a loopback MCP server unless the server config allows private networks', async () => {
    const guarded = { ...server, allow_private_network: false };
    await expect(runner.listMcpTools(guarded, 'guarded@1', signal())).rejects.toThrow(
      'refused: the host resolves to a loopback address',
    );
  });

  it('appears to the model like an HTTP tool, and runs in a turn', async () => {
    const agent = {
      ...exampleAgent('customer-support-001.json'),
      agent_id: 'crm-agent',
      version: 3,
      mcp_servers: [server],
    };
    const model = new ScriptedLanguageModel((request) =>
      request.messages.at(-1)?.role === 'tool'
        ? { text: 'I found your account, Asha.' }
        : { toolCalls: [{ id: 'm1', name: 'find_customer', arguments: { account: 'A-1' } }] },
    );
    const policy = new LlmPolicy(model, {
      tools: new ToolCatalog({ runner, validator: new AjvSchemaValidator() }),
    });
    const stream = policy.respond(turnContext(agent, 'My account is A-1.'));
    for await (const _text of stream.textStream);
    const reply = await stream.reply;
    expect(model.requests[0]!.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['record_field', 'end_call', 'find_customer']),
    );
    expect(reply.text).toBe('I found your account, Asha.');
    expect(reply.toolCalls?.[0]).toMatchObject({ name: 'find_customer', source: 'mcp', status: 'ok' });
  });
});
