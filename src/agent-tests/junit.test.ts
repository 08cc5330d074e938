import { describe, expect, it } from 'vitest';
import { childElements, parseXml, textOf } from '../simulator/xml-reader.js';
import { toJUnitXml, xmlEscape } from './junit.js';
import { summarize, summaryLine, verdictLines, type SuiteReport } from './report.js';

const suites: SuiteReport[] = [
  {
    file: 'tests/agents/<support> & "co".yaml',
    agent: 'customer-support-001',
    duration_ms: 2_500,
    scenarios: [
      {
        file: 'tests/agents/<support> & "co".yaml',
        agent: 'customer-support-001',
        scenario: "name with 'extra' words",
        transport: 'gather',
        status: 'fail',
        reasons: ['turn 3: expected name "Manas", got "Manas <Kumar> & co"', 'control \u0007 char'],
        duration_ms: 1_200,
        call_sid: 'CA1',
      },
      {
        file: 'tests/agents/<support> & "co".yaml',
        agent: 'customer-support-001',
        scenario: 'rubric',
        transport: 'relay',
        status: 'skip',
        reasons: ['rubric not judged: it needs a language model'],
        duration_ms: 900,
      },
      {
        file: 'tests/agents/<support> & "co".yaml',
        agent: 'customer-support-001',
        scenario: 'हिंदी',
        transport: 'gather',
        status: 'pass',
        reasons: [],
        duration_ms: 400,
      },
    ],
  },
];

describe('toJUnitXml', () => {
  const report = summarize(suites, 2_600);
  const xml = toJUnitXml(report);
  const root = parseXml(xml);

  it('is well-formed XML with one testsuite per file and one testcase per scenario', () => {
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({
      tests: '3',
      failures: '1',
      skipped: '1',
      errors: '0',
      time: '2.600',
    });
    const [suite] = childElements(root);
    expect(suite?.attributes).toMatchObject({ name: 'tests/agents/<support> & "co".yaml', tests: '3' });
    const cases = childElements(suite!).filter((e) => e.name === 'testcase');
    expect(cases.map((c) => c.attributes.name)).toEqual(["name with 'extra' words", 'rubric', 'हिंदी']);
    expect(cases.map((c) => c.attributes.classname)).toEqual([
      'customer-support-001.gather',
      'customer-support-001.relay',
      'customer-support-001.gather',
    ]);
  });

  it('gives a failure its reason as message, escaped, without XML-illegal characters', () => {
    const [suite] = childElements(root);
    const failing = childElements(suite!).find((e) => e.attributes.name === "name with 'extra' words")!;
    const [failure] = childElements(failing);
    expect(failure?.name).toBe('failure');
    expect(failure?.attributes.message).toBe(
      'turn 3: expected name "Manas", got "Manas <Kumar> & co"; control  char',
    );
    expect(textOf(failure!)).toContain('call CA1');
    const skipped = childElements(childElements(suite!).find((e) => e.attributes.name === 'rubric')!)[0];
    expect(skipped?.name).toBe('skipped');
    expect(skipped?.attributes.message).toBe('rubric not judged: it needs a language model');
  });

  it('gives a persona scenario its verdicts and transcript as system-out, passed or failed', () => {
    const persona = {
      file: 'tests/agents/default.yaml',
      agent: 'default',
      scenario: 'persona: Priya',
      transport: 'gather' as const,
      status: 'pass' as const,
      reasons: [],
      duration_ms: 1_000,
      persona: {
        played_by: 'script' as const,
        transcript: [
          { seq: 0, kind: 'greeting', agent: 'Hello.' },
          { seq: 1, kind: 'speech', caller: 'My order <4412> never came.', agent: 'Sorry. Your name?' },
        ],
        verdicts: [
          {
            criterion: 'goal_met' as const,
            status: 'pass' as const,
            reason: 'turn 1: said "follow up"',
            judge: 'rules' as const,
          },
        ],
      },
    };
    const xml = toJUnitXml(
      summarize([{ file: persona.file, agent: 'default', duration_ms: 1_000, scenarios: [persona] }], 1_000),
    );
    const testcase = childElements(childElements(parseXml(xml))[0]!).find((e) => e.name === 'testcase')!;
    const [out] = childElements(testcase);
    expect(out?.name).toBe('system-out');
    expect(textOf(out!)).toBe(
      [
        'Persona played by its scripted replies.',
        'Verdicts:',
        '  PASS goal_met (rules): turn 1: said "follow up"',
        'Transcript:',
        '  [0] Agent: Hello.',
        '  [1] Caller: My order <4412> never came.',
        '  [1] Agent: Sorry. Your name?',
      ].join('\n'),
    );
    expect(
      verdictLines(
        summarize([{ file: persona.file, agent: 'default', duration_ms: 1, scenarios: [persona] }], 1),
        (r) => r.scenario,
      ),
    ).toEqual([
      'persona: Priya: persona played by its replies, 1 caller turns',
      '  PASS goal met (rules): turn 1: said "follow up"',
    ]);
  });

  it('summarizes the run', () => {
    expect(report.ok).toBe(false);
    expect(summaryLine(report)).toBe('3 scenarios: 1 passed, 1 failed, 1 skipped in 2.6 s');
  });
});

describe('xmlEscape', () => {
  it('escapes markup and drops characters XML cannot hold', () => {
    expect(xmlEscape(`<a href="x">'&'</a>\u0000\uFFFE`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
  });
});
