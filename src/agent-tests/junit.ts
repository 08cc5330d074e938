// JUnit XML for CI: one <testsuite> per test file, one <testcase> per scenario; a failure's message
// is its reason, a skip carries the skip reason.
import type { ScenarioResult, TestReport } from './report.js';

// XML 1.0 allows only these characters; anything else (e.g. a control character a caller line
// carried) is dropped rather than producing a file CI cannot parse.
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlEscape(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1_000).toFixed(3);
const attr = (name: string, value: string | number) => `${name}="${xmlEscape(String(value))}"`;

/** A persona scenario's verdicts and transcript, for the test case's <system-out>. */
function personaOutput(result: ScenarioResult): string | undefined {
  if (!result.persona) return undefined;
  const { played_by, verdicts, transcript } = result.persona;
  return [
    `Persona played by ${played_by === 'model' ? 'the language model' : 'its scripted replies'}.`,
    'Verdicts:',
    ...verdicts.map((v) => `  ${v.status.toUpperCase()} ${v.criterion} (${v.judge}): ${v.reason}`),
    'Transcript:',
    ...transcript.flatMap((turn) => [
      ...(turn.caller !== undefined ? [`  [${turn.seq}] Caller: ${turn.caller || `(${turn.kind})`}`] : []),
      ...(turn.agent ? [`  [${turn.seq}] Agent: ${turn.agent}`] : []),
    ]),
  ].join('\n');
}

export function toJUnitXml(report: TestReport, name = 'voice-agent tests'): string {
  const { summary } = report;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${[
      attr('name', name),
      attr('tests', summary.total),
      attr('failures', summary.failed),
      attr('skipped', summary.skipped),
      attr('errors', 0),
      attr('time', seconds(summary.duration_ms)),
    ].join(' ')}>`,
  ];
  for (const suite of report.suites) {
    const count = (status: string) => suite.scenarios.filter((s) => s.status === status).length;
    lines.push(
      `  <testsuite ${[
        attr('name', suite.file),
        attr('tests', suite.scenarios.length),
        attr('failures', count('fail')),
        attr('skipped', count('skip')),
        attr('errors', 0),
        attr('time', seconds(suite.duration_ms)),
      ].join(' ')}>`,
    );
    lines.push(
      `    <properties><property ${attr('name', 'agent')} ${attr('value', suite.agent)}/></properties>`,
    );
    for (const result of suite.scenarios) {
      const open = `    <testcase ${[
        attr('name', result.scenario),
        attr('classname', `${suite.agent}.${result.transport}`),
        attr('time', seconds(result.duration_ms)),
      ].join(' ')}`;
      const reason = result.reasons.join('; ');
      const output = personaOutput(result);
      if (result.status === 'pass' && !output) {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(`${open}>`);
      if (result.status === 'fail') {
        const detail = [...result.reasons, ...(result.call_sid ? [`call ${result.call_sid}`] : [])].join(
          '\n',
        );
        lines.push(
          `      <failure ${attr('message', reason)} ${attr('type', 'expectation')}>${xmlEscape(detail)}</failure>`,
        );
      } else if (result.status === 'skip') lines.push(`      <skipped ${attr('message', reason)}/>`);
      if (output) lines.push(`      <system-out>${xmlEscape(output)}</system-out>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
