// `voice-agent test` scenarios stub the agent's tools and expect their calls. The stubs answer in
// the private test server's process: the tool's real endpoint (a server started here) is never
// asked, and a tool a scenario does not stub fails instead of reaching it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSuite, type LoadedSuite } from '../../src/agent-tests/loader.js';
import type { TestTarget } from '../../src/agent-tests/observed-call.js';
import { runSuites } from '../../src/agent-tests/runner.js';
import { startSandbox } from '../../src/agent-tests/sandbox.js';
import { loadConfig } from '../../src/config.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { ordersModelScript } from '../fakes/orders-model-script.js';
import { sendJson, startToolEndpoint, type ToolEndpoint } from '../fakes/tool-endpoint.js';
import { exampleAgent } from '../fakes/turn-context.js';

const SUITE = `
agent: order-support-001
scenarios:
  - name: a shipped order
    caller: ["Where is order 4412?", "thanks, bye"]
    tools:
      lookup_order:
        response: { order_id: "4412", status: shipped, delivery: "Friday, June 13" }
    expect:
      tool_called: lookup_order
      with: { order_id: "4412" }
      agent_says: { phrase: "Order 4412 is shipped", turn: 1 }
      ended_by: user
  - name: the orders system is down
    caller: ["Order 5519 please"]
    tools:
      lookup_order: { fail: "no answer within 3000 ms" }
    expect:
      tool_called: lookup_order
      agent_says: "can't check orders right now"
  - name: expects the wrong order
    caller: ["Where is order 4412?"]
    tools:
      lookup_order: { response: { error: "no such order" }, status: 404 }
    expect:
      tool_called: lookup_order
      with: { order_id: "9999" }
      agent_says: "couldn't find that order"
  - name: no stub, so no real request
    caller: ["Where is order 4412?"]
    expect:
      tool_not_called: lookup_order
`;

function suites(): LoadedSuite[] {
  const { suite, issues } = parseSuite(SUITE, 'orders.yaml');
  expect(issues).toEqual([]);
  return [suite!];
}

describe('tool stubs in agent tests', () => {
  let model: FakeOpenAiServer;
  let endpoint: ToolEndpoint;
  let target: TestTarget;

  beforeAll(async () => {
    model = await startFakeOpenAiServer({ script: ordersModelScript });
    endpoint = await startToolEndpoint((_req, res) =>
      sendJson(res, 200, { status: 'from the real endpoint' }),
    );
    const agent = exampleAgent('order-support-001.json');
    const tools = agent.tools!.map((tool) => ({
      ...tool,
      request: { ...tool.request, url: `${endpoint.url}/orders/{order_id}` },
    }));
    target = await startSandbox(
      loadConfig(
        {
          DATA_DIR: ':memory:',
          LOG_LEVEL: 'silent',
          LLM_PROVIDER: 'openai-compatible',
          OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
          LLM_MODEL: 'orders-sim',
          TOOL_SECRET_ORDERS_API_TOKEN: 'never-sent',
        },
        '',
      ),
      { agents: [{ ...agent, tools }] },
    );
  });
  afterAll(async () => {
    await target?.close();
    await endpoint?.close();
    await model?.close();
  });

  it('answers from the stubs, checks the calls, and never reaches the endpoint', async () => {
    const report = await runSuites(suites(), { target, concurrency: 4 });
    const [shipped, down, wrong, unstubbed] = report.suites[0]!.scenarios;
    expect(shipped).toMatchObject({ status: 'pass', reasons: [] });
    expect(down).toMatchObject({ status: 'pass', reasons: [] });
    expect(wrong).toMatchObject({
      status: 'fail',
      reasons: [
        'turn 1: expected lookup_order with {"order_id":"9999"}; it was called with {"order_id":"4412"}',
      ],
    });
    // Unstubbed, the tool fails in the sandbox: the model apologizes, and the call is still kept.
    expect(unstubbed).toMatchObject({
      status: 'fail',
      reasons: ['turn 1: the agent called lookup_order (tool_not_called)'],
    });
    expect(endpoint.requests).toEqual([]);
  });

  it('skips stubbed scenarios against a running server (--url), where stubs cannot apply', async () => {
    const { toolStubs: _stubs, ...remote } = target;
    const report = await runSuites([{ ...suites()[0]!, scenarios: suites()[0]!.scenarios.slice(0, 1) }], {
      target: remote,
    });
    expect(report.suites[0]!.scenarios[0]).toMatchObject({
      status: 'skip',
      reasons: ['tool stubs apply only in the private test server (not with --url)'],
    });
  });

  it('refuses a stub with neither response nor fail, and with without one tool_called', () => {
    const { issues } = parseSuite(
      `agent: a
scenarios:
  - name: bad
    caller: [hi]
    tools: { lookup_order: { status: 200 } }
    expect: { with: { order_id: "1" } }
`,
      'bad.yaml',
    );
    expect(JSON.stringify(issues)).toContain('give either response');
    expect(JSON.stringify(issues)).toContain('with needs tool_called');
  });
});
