// Persona scenarios offline (issue 14, item 4): the persona's own replies play the caller, the call
// runs through the simulator against a sandbox server, and the rules judge each criterion. Against
// the scripted agent (no model) and against an agent a model answers (the fake OpenAI-compatible
// server playing a good support model): the judge tells the two apart on "help before collection".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSuite, type LoadedSuite } from '../../src/agent-tests/loader.js';
import type { TestTarget } from '../../src/agent-tests/observed-call.js';
import { runSuites } from '../../src/agent-tests/runner.js';
import { startSandbox } from '../../src/agent-tests/sandbox.js';
import { loadConfig } from '../../src/config.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { supportModelScript } from '../fakes/support-model-script.js';

const SUITE = `
agent: customer-support-001
scenarios:
  - name: manas wants his laptop fixed
    persona:
      who: Manas, whose laptop will not start
      goal: a working laptop, or a technician who follows up by email
      facts: { name: Manas, email: manas.k@gmail.com }
      opening: "Hi, my laptop won't start."
      replies:
        - { when: 'Is that right', say: 'Yes.' }
        - { when: 'anything else', say: "No, that's all, bye." }
        - { when: 'email', say: "It's manas dot k at gmail dot com." }
        - { when: 'name', say: 'My name is Manas.' }
        - { when: 'help?', say: "No, it still won't start." }
      goal_met_when: [technician will email you, will follow up soon]
    max_turns: 10
    expect:
      collected: { name: Manas, email: manas.k@gmail.com }
`;

function suites(): LoadedSuite[] {
  const { suite, issues } = parseSuite(SUITE, 'persona.yaml');
  expect(issues).toEqual([]);
  return [suite!];
}

describe('persona scenarios played by their replies, judged by the rules', () => {
  let scripted: TestTarget;
  let modelBacked: TestTarget;
  let fake: FakeOpenAiServer;

  beforeAll(async () => {
    fake = await startFakeOpenAiServer({ script: supportModelScript });
    [scripted, modelBacked] = await Promise.all([
      startSandbox(loadConfig({ DATA_DIR: ':memory:', LOG_LEVEL: 'silent' }, '')),
      startSandbox(
        loadConfig(
          {
            DATA_DIR: ':memory:',
            LOG_LEVEL: 'silent',
            LLM_PROVIDER: 'openai-compatible',
            OPENAI_COMPATIBLE_BASE_URL: `${fake.url}/v1`,
            LLM_MODEL: 'support-sim',
          },
          '',
        ),
      ),
    ]);
  });
  afterAll(async () => {
    await Promise.all([scripted?.close(), modelBacked?.close()]);
    await fake?.close();
  });

  it('passes every criterion for an agent that helps first, and reports the transcript', async () => {
    const report = await runSuites(suites(), { target: modelBacked, noModelReason: 'LLM_PROVIDER is none' });
    const [result] = report.suites[0]!.scenarios;
    expect(result).toMatchObject({ status: 'pass', reasons: [] });
    expect(result!.persona?.played_by).toBe('script');
    expect(result!.persona?.verdicts.map((v) => [v.criterion, v.status, v.judge])).toEqual([
      ['data_collected', 'pass', 'rules'],
      ['goal_met', 'pass', 'rules'],
      ['no_invented_facts', 'pass', 'rules'],
      ['help_before_collection', 'pass', 'rules'],
    ]);
    const transcript = result!.persona!.transcript;
    expect(transcript[1]).toMatchObject({ caller: "Hi, my laptop won't start." });
    expect(transcript[1]!.agent).toMatch(/power button/);
    expect(transcript.at(-1)!.agent).toMatch(/technician will email you/i);
  }, 60_000);

  it('fails "help before collection" for the scripted agent, which asks for details at once', async () => {
    const report = await runSuites(suites(), { target: scripted, noModelReason: 'LLM_PROVIDER is none' });
    const [result] = report.suites[0]!.scenarios;
    expect(result!.status).toBe('fail');
    expect(result!.reasons).toEqual([
      "help_before_collection: turn 1: the agent's first reply asked for a detail before it helped",
    ]);
    expect(result!.persona?.verdicts.filter((v) => v.status === 'pass').map((v) => v.criterion)).toEqual([
      'data_collected',
      'goal_met',
      'no_invented_facts',
    ]);
  }, 60_000);
});
