import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIssue, loadSuites, parseSuite, SuiteFileError } from './loader.js';

const issuesOf = (text: string) => parseSuite(text, 'suite.yaml').issues.map(formatIssue);

describe('parseSuite', () => {
  it('accepts every caller line form and expectation, normalizing single items to lists', () => {
    const { suite, issues } = parseSuite(
      [
        'agent: customer-support-001',
        'scenarios:',
        '  - name: all forms',
        '    caller:',
        '      - hello',
        '      - { silence: true }',
        '      - { say: "my name is Manas", confidence: 0.4 }',
        '      - { press: "1#" }',
        '    expect:',
        '      collected: { name: Manas }',
        '      not_collected: email',
        '      agent_says: email',
        '      agent_never_says: [{ phrase: goodbye, turn: 2 }]',
        '      rubric: is polite',
        '      ends: false',
      ].join('\n'),
      'suite.yaml',
    );
    expect(issues).toEqual([]);
    const scenario = suite!.scenarios[0]!;
    expect(scenario.caller).toHaveLength(4);
    expect(scenario.expect.not_collected).toEqual(['email']);
    expect(scenario.expect.agent_says).toEqual([{ phrase: 'email' }]);
    expect(scenario.expect.agent_never_says).toEqual([{ phrase: 'goodbye', turn: 2 }]);
    expect(scenario.expect.rubric).toEqual(['is polite']);
  });

  it('points a bad value at its line and column', () => {
    const text = [
      'agent: sales-001',
      'scenarios:',
      '  - name: one',
      '    caller: [hi]',
      '    expect:',
      '      ended_by: caller_left',
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      expect.stringMatching(/^suite\.yaml:6:17: scenarios\[0\]\.expect\.ended_by: /),
    ]);
  });

  it('points an unknown key at the key itself', () => {
    const text = [
      'agent: sales-001',
      'scenarios:',
      '  - name: one',
      '    caller: [hi]',
      '    expects: {}',
    ].join('\n');
    expect(issuesOf(text)).toEqual(['suite.yaml:5:5: scenarios[0]: unknown key "expects"']);
  });

  it('points a missing key at the object that lacks it, and a bad caller line at the line', () => {
    const text = [
      'agent: sales-001',
      'scenarios:',
      '  - caller:',
      '      - hi',
      '      - { shout: hi }',
    ].join('\n');
    const issues = issuesOf(text);
    expect(issues).toContain(
      'suite.yaml:3:5: scenarios[0].name: Invalid input: expected string, received undefined',
    );
    expect(issues.find((i) => i.includes('caller[1]'))).toMatch(
      /^suite\.yaml:5:9: scenarios\[0\]\.caller\[1\]: a caller line/,
    );
  });

  it('refuses contradictions, duplicate names, and scenarios with neither lines nor persona', () => {
    const text = [
      'agent: sales-001',
      'scenarios:',
      '  - name: a',
      '    caller: [hi]',
      '    expect: { ends: false, ends_by_turn: 2 }',
      '  - name: a',
      '    expect: {}',
    ].join('\n');
    const issues = issuesOf(text).join('\n');
    expect(issues).toContain(
      'suite.yaml:5:21: scenarios[0].expect.ends: ends: false contradicts ends_by_turn',
    );
    expect(issues).toContain('suite.yaml:6:11: scenarios[1].name: another scenario is already named "a"');
    expect(issues).toContain('scenarios[1].caller: give either caller lines or a persona');
  });

  it('reads a persona with a goal, facts and replies, and refuses criteria without a persona or a reply that says nothing', () => {
    const good = parseSuite(
      [
        'agent: default',
        'scenarios:',
        '  - name: priya',
        '    persona:',
        '      who: Priya',
        '      goal: a refund',
        "      facts: { name: Priya Sharma, order_number: '4412' }",
        "      opening: 'My order never came.'",
        "      replies: [{ when: 'name', say: 'Priya.' }, { when: [bye, goodbye], hang_up: true }]",
        '      goal_met_when: follow up',
        '    expect: { criteria: goal_met }',
      ].join('\n'),
      'suite.yaml',
    );
    expect(good.issues).toEqual([]);
    const scenario = good.suite!.scenarios[0]!;
    expect(scenario.persona).toMatchObject({
      replies: [
        { when: ['name'], say: 'Priya.' },
        { when: ['bye', 'goodbye'], hang_up: true },
      ],
      goal_met_when: ['follow up'],
    });
    expect(scenario.expect.criteria).toEqual(['goal_met']);

    const bad = issuesOf(
      [
        'agent: default',
        'scenarios:',
        '  - name: a',
        '    caller: [hi]',
        '    expect: { criteria: [goal_met] }',
        '  - name: b',
        '    persona: { who: Sam, goal: help, replies: [{ when: name }] }',
        '    expect: { criteria: [politeness] }',
      ].join('\n'),
    ).join('\n');
    expect(bad).toContain('scenarios[0].expect.criteria: criteria apply to persona scenarios');
    expect(bad).toContain('scenarios[1].persona');
    expect(bad).toContain(
      'scenarios[1].expect.criteria: a criterion or a list of them: data_collected, goal_met',
    );
  });

  it('reports YAML syntax errors and empty files with positions', () => {
    expect(issuesOf('agent: [unclosed')[0]).toMatch(/^suite\.yaml:1:\d+: /);
    expect(issuesOf('')).toEqual(['suite.yaml:1:1: the file is empty']);
  });

  it('reads JSON with positions too', () => {
    const text =
      '{\n  "agent": "default",\n  "scenarios": [\n    { "name": "x", "caller": ["hi"], "expect": { "max_agent_turns": 0 } }\n  ]\n}';
    expect(issuesOf(text)[0]).toMatch(/^suite\.yaml:4:69: scenarios\[0\]\.expect\.max_agent_turns: /);
  });
});

describe('loadSuites', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-tests-loader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds .yaml, .yml and .json files under a folder, sorted, and ignores others', async () => {
    mkdirSync(join(dir, 'good', 'nested'), { recursive: true });
    const suite = (agent: string) => `agent: ${agent}\nscenarios:\n  - name: x\n    caller: [hi]\n`;
    writeFileSync(join(dir, 'good', 'b.yml'), suite('b'));
    writeFileSync(
      join(dir, 'good', 'nested', 'a.json'),
      JSON.stringify({ agent: 'a', scenarios: [{ name: 'x', caller: ['hi'] }] }),
    );
    writeFileSync(join(dir, 'good', 'c.yaml'), suite('c'));
    writeFileSync(join(dir, 'good', 'notes.txt'), 'not a suite');
    const suites = await loadSuites([join(dir, 'good')]);
    expect(suites.map((s) => s.agent)).toEqual(['b', 'c', 'a']);
  });

  it('collects every problem of every file, and names missing paths', async () => {
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'bad', 'one.yaml'), 'agent: x\nscenarios: []\n');
    writeFileSync(join(dir, 'bad', 'two.yaml'), 'agent: x\n');
    const error = await loadSuites([join(dir, 'bad'), join(dir, 'missing.yaml')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SuiteFileError);
    const lines = (error as SuiteFileError).issues.map(formatIssue);
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => /one\.yaml:2:12: scenarios: /.test(l))).toBe(true);
    expect(lines.some((l) => /two\.yaml:1:1: scenarios: /.test(l))).toBe(true);
    expect(lines.some((l) => l.endsWith('missing.yaml: no such file or folder'))).toBe(true);
  });
});
