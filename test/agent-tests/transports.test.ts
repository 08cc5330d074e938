// Each scenario runs over the transport it names, whatever the server's default; --transport
// overrides them all, silence included (the relay server's idle clock prompts the agent).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSuite } from '../../src/agent-tests/loader.js';
import type { TestTarget } from '../../src/agent-tests/observed-call.js';
import { runSuites } from '../../src/agent-tests/runner.js';
import { startSandbox } from '../../src/agent-tests/sandbox.js';
import { loadConfig } from '../../src/config.js';

const SUITE = `
agent: default
scenarios:
  - name: over gather
    caller: ["this is John Smith", "my number is 415 555 0142"]
    expect:
      collected: { name: John Smith }
      agent_says: { phrase: "4 1 5, 5 5 5, 0 1 4 2. Is that right?", turn: 2 }
      ends: false
  - name: over relay
    transport: relay
    caller: ["this is John Smith", "my number is 415 555 0142", "yes"]
    expect:
      collected: { name: John Smith, callback_number: "+14155550142" }
      ended_by: system_complete
      ends_by_turn: 3
  - name: silence
    caller: [{ silence: true }]
    expect: { agent_says: { phrase: "still there", turn: 1 } }
`;

describe('transports', () => {
  let target: TestTarget;
  // The server defaults to relay; the gather scenario must still get <Gather>.
  beforeAll(async () => {
    target = await startSandbox(
      loadConfig({ DATA_DIR: ':memory:', LOG_LEVEL: 'silent', DEFAULT_TRANSPORT: 'relay' }, ''),
    );
  });
  afterAll(() => target.close());
  const suites = () => [parseSuite(SUITE, 'transports.yaml').suite!];

  it('runs each scenario over its own transport', async () => {
    const report = await runSuites(suites(), { target });
    const results = report.suites[0]!.scenarios.map((s) => [s.scenario, s.transport, s.status, s.reasons]);
    expect(results).toEqual([
      ['over gather', 'gather', 'pass', []],
      ['over relay', 'relay', 'pass', []],
      ['silence', 'gather', 'pass', []],
    ]);
  }, 30_000);

  it('overrides every scenario with --transport, silence included', async () => {
    const report = await runSuites(suites(), { target, transport: 'relay' });
    const results = report.suites[0]!.scenarios.map((s) => [s.transport, s.status, s.reasons]);
    expect(results).toEqual([
      ['relay', 'pass', []],
      ['relay', 'pass', []],
      ['relay', 'pass', []],
    ]);
  }, 30_000);
});
