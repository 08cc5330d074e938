// Persona callers and rubric checks need a language model: with one (a scripted model standing in
// for the configured provider) the persona plays the call and the rubric is judged; without one both
// are reported as skipped with the reason, never as passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSuite, type LoadedSuite } from '../../src/agent-tests/loader.js';
import type { TestTarget } from '../../src/agent-tests/observed-call.js';
import { runSuites } from '../../src/agent-tests/runner.js';
import { startSandbox } from '../../src/agent-tests/sandbox.js';
import { loadConfig } from '../../src/config.js';
import type { ModelRequest } from '../../src/ports/language-model.js';
import { ScriptedLanguageModel, type ModelStep } from '../fakes/scripted-language-model.js';

const SUITE = `
agent: customer-support-001
scenarios:
  - name: persona gives name and email
    persona: Manas, whose laptop will not start; email manas dot k at gmail dot com.
    max_turns: 6
    expect:
      collected: { name: Manas, email: manas.k@gmail.com }
      ended_by: system_complete
  - name: rubric judged
    caller: ["my name is Manas"]
    expect:
      collected: { name: Manas }
      rubric:
        - asks for the caller's email address
        - gives troubleshooting steps before asking for an email
`;

function suite(): LoadedSuite[] {
  const { suite: parsed, issues } = parseSuite(SUITE, 'model.yaml');
  expect(issues).toEqual([]);
  return [parsed!];
}

const CALLER_LINES = [
  "Hi, it's Manas, my name is Manas and my laptop won't start.",
  'manas dot k at gmail dot com',
  'yes',
];

/** Plays the caller from the persona prompt, and judges rubric sentences by a keyword. */
function fakeModel(): ScriptedLanguageModel {
  return new ScriptedLanguageModel((request: ModelRequest): ModelStep => {
    if (request.tools.some((tool) => tool.name === 'verdict')) {
      const criterion = request.messages[0]?.content ?? '';
      const pass = !criterion.includes('troubleshooting');
      return {
        toolCalls: [
          {
            name: 'verdict',
            arguments: { pass, reason: pass ? 'turn 1 asks for it' : 'turn 1 asks for details at once' },
          },
        ],
      };
    }
    const callerTurns = request.messages.filter((m) => m.role === 'assistant').length;
    return { text: CALLER_LINES[callerTurns] ?? '[hang up]' };
  });
}

describe('persona and rubric scenarios', () => {
  let target: TestTarget;
  beforeAll(async () => {
    target = await startSandbox(loadConfig({ DATA_DIR: ':memory:', LOG_LEVEL: 'silent' }, ''));
  });
  afterAll(() => target.close());

  it('plays the persona with the model and judges each rubric sentence', async () => {
    const model = fakeModel();
    const report = await runSuites(suite(), { target, model });
    const [persona, rubric] = report.suites[0]!.scenarios;
    expect(persona).toMatchObject({ status: 'pass', reasons: [] });
    expect(rubric).toMatchObject({
      status: 'fail',
      reasons: [
        'rubric "gives troubleshooting steps before asking for an email": turn 1 asks for details at once',
      ],
    });
    // The persona heard the agent: its first request carries the greeting, the system prompt the persona.
    const personaRequests = model.requests.filter((r) => r.tools.length === 0);
    expect(personaRequests[0]?.messages[0]?.content).toBe(
      'Hi, thanks for calling support. What seems to be the problem today?',
    );
    expect(personaRequests[0]?.system).toContain('Manas, whose laptop will not start');
    const judged = model.requests.filter((r) => r.tools.length > 0);
    // Two rubric sentences, and the persona scenario's goal, invented facts and help first.
    expect(judged).toHaveLength(5);
    const rubricRequest = judged.find((r) => r.messages[0]?.content.startsWith('Criterion: asks for'));
    expect(rubricRequest?.messages[0]?.content).toContain('Caller: my name is Manas');
    expect(persona!.persona?.verdicts.map((v) => v.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
  }, 30_000);

  it('lets the model play a persona with a goal, and judge goal, facts and help first', async () => {
    const { suite, issues } = parseSuite(
      [
        'agent: customer-support-001',
        'scenarios:',
        '  - name: persona with a goal',
        '    persona:',
        '      who: Manas, whose laptop will not start',
        '      goal: a technician who follows up by email',
        '      facts: { name: Manas, email: manas.k@gmail.com }',
        "      replies: [{ when: name, say: 'Manas.' }]",
        '    max_turns: 6',
      ].join('\n'),
      'goal.yaml',
    );
    expect(issues).toEqual([]);
    const model = fakeModel();
    const report = await runSuites([suite!], { target, model });
    const [result] = report.suites[0]!.scenarios;
    expect(result).toMatchObject({ status: 'pass' });
    expect(result!.persona?.played_by).toBe('model');
    expect(result!.persona?.verdicts.map((v) => [v.criterion, v.judge])).toEqual([
      ['data_collected', 'rules'],
      ['goal_met', 'model'],
      ['no_invented_facts', 'model'],
      ['help_before_collection', 'model'],
    ]);
    // The model, not the replies, played the caller, from the persona's parts.
    const played = model.requests.find((r) => r.tools.length === 0);
    expect(played?.system).toContain('You are Manas, whose laptop will not start.');
    expect(played?.system).toContain('email: manas.k@gmail.com');
    const judged = model.requests.filter((r) => r.tools.length > 0).map((r) => r.messages[0]!.content);
    expect(judged).toHaveLength(3);
    expect(judged[0]).toContain('The goal: a technician who follows up by email');
  }, 30_000);

  it('skips persona and rubric without a model, saying why', async () => {
    const report = await runSuites(suite(), { target, noModelReason: 'LLM_PROVIDER is none' });
    const [persona, rubric] = report.suites[0]!.scenarios;
    expect(persona).toMatchObject({
      status: 'skip',
      reasons: ['the persona needs a language model: LLM_PROVIDER is none'],
    });
    expect(rubric).toMatchObject({
      status: 'skip',
      reasons: ['rubric not judged: it needs a language model (LLM_PROVIDER is none)'],
    });
    expect(report.ok).toBe(true);
    expect(report.summary).toMatchObject({ passed: 0, skipped: 2, failed: 0 });
  }, 30_000);

  it('skips scenarios left when the run deadline has passed', async () => {
    const report = await runSuites(suite(), { target, deadline: Date.now() - 1 });
    expect(report.suites[0]!.scenarios.map((s) => s.reasons[0])).toEqual([
      "not run: the run's time limit was reached",
      "not run: the run's time limit was reached",
    ]);
  });
});
