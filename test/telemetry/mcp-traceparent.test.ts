// Issue 16: trace context flows into outgoing tool requests, MCP ones too. A Gather call against the
// real server, whose agent's MCP server is a real one (the official SDK) on loopback and whose model
// calls its tool: with OTEL_EXPORTER_OTLP_ENDPOINT pointed at a local receiver, the tools/call request
// carries the `traceparent` of the call's `tool mcp` span (HTTP header and `_meta`); with tracing
// off, none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTraceIds } from '../../src/adapters/otel/trace-ids.js';
import { startFakeMcpServer, type FakeMcpServer } from '../fakes/mcp-server.js';
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
  type FakeScript,
} from '../fakes/fake-openai-server.js';
import { startOtlpReceiver, type OtlpReceiver } from '../fakes/otlp-receiver.js';
import { callerWords } from '../fakes/support-model-script.js';
import { exampleAgent } from '../fakes/turn-context.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

const AGENT = 'crm-support';

/** A model that looks the caller's account number up with the CRM's find_customer tool. */
function crmModelScript(body: Record<string, unknown>): FakeScript {
  const last = ((body.messages ?? []) as { role: string; content: string | null }[]).at(-1);
  if (last?.role === 'tool') return { text: 'I found your account, Asha.' };
  const account = /\b(\d{4,10})\b/.exec(callerWords(last?.content ?? ''))?.[1];
  if (account)
    return { text: 'Let me look.', toolCalls: [{ name: 'find_customer', arguments: { account } }] };
  return { text: 'What is your account number?' };
}

let otlp: OtlpReceiver;
let model: FakeOpenAiServer;
let mcp: FakeMcpServer;
beforeAll(async () => {
  [otlp, model, mcp] = await Promise.all([
    startOtlpReceiver(),
    startFakeOpenAiServer({ script: crmModelScript }),
    startFakeMcpServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([otlp?.close(), model?.close(), mcp?.close()]);
});

async function serverWithCrmAgent(env: Record<string, string>): Promise<LiveServer> {
  const server = await startLiveServer({
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
    LLM_MODEL: 'gpt-4o-mini',
    ...env,
  });
  const { agent_id, created_at, updated_at, version, ...example } = exampleAgent('customer-support-001.json');
  void [agent_id, created_at, updated_at, version];
  const created = await server.app.inject({
    method: 'POST',
    url: '/agents',
    headers: server.auth,
    payload: {
      ...example,
      agent_id: AGENT,
      mcp_servers: [
        { name: 'crm', url: mcp.url, allowed_tools: ['find_customer'], allow_private_network: true },
      ],
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  return server;
}

/** A Gather call in which the caller gives an account number; resolves with its CallSid. */
async function callWithLookup(server: LiveServer, to: string): Promise<string> {
  const call = await server.simulator.startCall({
    direction: 'outbound',
    from: '+14155550100',
    to,
    voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=${AGENT}`,
  });
  await call.say('My account number is 4412.', { confidence: 0.9 });
  expect(call.heard().at(-1)?.text).toContain('I found your account');
  await call.hangUp();
  return call.callSid;
}

/** The MCP server's tools/call request made for the call. */
function toolCallOf(callSid: string) {
  const requests = mcp.requests.filter((r) => r.body.includes('"tools/call"') && r.body.includes(callSid));
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

describe('MCP tool requests', () => {
  it("carry the call's trace context when tracing is on", async () => {
    const server = await serverWithCrmAgent({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url });
    try {
      const callSid = await callWithLookup(server, '+14155550125');
      await server.container.telemetry.flush();
      const { traceId } = callTraceIds(callSid);
      const tool = otlp.spans.find((s) => s.traceId === traceId && s.name === 'tool mcp');
      expect(tool?.attributes).toMatchObject({ 'gen_ai.tool.name': 'find_customer' });
      const traceparent = `00-${traceId}-${tool!.spanId}-01`;
      expect(toolCallOf(callSid).headers.traceparent).toBe(traceparent);
      expect(JSON.parse(toolCallOf(callSid).body).params._meta.traceparent).toBe(traceparent);
    } finally {
      await server.close();
    }
  });

  it('carry none when tracing is off', async () => {
    const server = await serverWithCrmAgent({});
    try {
      const callSid = await callWithLookup(server, '+14155550126');
      expect(toolCallOf(callSid).headers).not.toHaveProperty('traceparent');
    } finally {
      await server.close();
    }
  });
});
