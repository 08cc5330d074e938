// `voice-agent test` run in-process against a sandbox server (DATA_DIR ':memory:'): the repo's own
// suites pass, a broken expectation fails with the turn and value, a bad file exits 2, JUnit parses.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../../src/agent-tests/report.js';
import { runTestCommand, type TestCommandOptions } from '../../src/cli/commands/test.js';
import { loadConfig } from '../../src/config.js';
import { withContainer } from '../../src/cli/context.js';
import { childElements, parseXml, textOf } from '../../src/simulator/xml-reader.js';

const SUITES = resolve(import.meta.dirname, '../../tests/agents');
const config = loadConfig({ DATA_DIR: ':memory:', LOG_LEVEL: 'silent' }, '');
const defaults: TestCommandOptions = { concurrency: '4', timeout: '60' };

async function run(paths: string[], options: Partial<TestCommandOptions> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runTestCommand(
    paths,
    { ...defaults, ...options },
    { out: (t) => (stdout += t), err: (t) => (stderr += t), errIsTTY: false, config },
  );
  return { code, stdout, stderr };
}

describe('voice-agent test', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-tests-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the seeded suites in tests/agents and every scenario passes', async () => {
    const { code, stdout, stderr } = await run([SUITES], { json: true });
    const report = JSON.parse(stdout) as TestReport;
    const notPassing = report.suites.flatMap((s) => s.scenarios).filter((s) => s.status !== 'pass');
    expect(notPassing).toEqual([]);
    expect(code).toBe(0);
    expect(report.suites.map((s) => s.agent).sort()).toEqual([
      'customer-support-001',
      'default',
      'hindi-support-001',
      'sales-001',
    ]);
    expect(report.summary.total).toBeGreaterThanOrEqual(12);
    // Persona scenarios run offline: their replies play the caller, the rules judge the call.
    const personas = report.suites.flatMap((s) => s.scenarios).filter((s) => s.persona);
    expect(personas.length).toBeGreaterThanOrEqual(3);
    for (const scenario of personas) {
      expect(scenario.persona!.played_by).toBe('script');
      expect(scenario.persona!.verdicts.map((v) => v.status)).toEqual(['pass', 'pass', 'pass']);
      expect(scenario.persona!.transcript.length).toBeGreaterThan(3);
    }
    // Not a terminal: one progress line per finished scenario on stderr.
    expect(stderr.trim().split('\n')).toHaveLength(report.summary.total);
    expect(stderr).toMatch(/^PASS tests\/agents\/\S+\.yaml › /m);
  }, 60_000);

  it("prints each persona scenario's verdicts after the table, and puts its transcript in the JUnit report", async () => {
    const junit = join(dir, 'persona-junit.xml');
    const { code, stdout } = await run([join(SUITES, 'default.yaml')], { junit });
    expect(code).toBe(0);
    const label = 'default › persona: Priya wants a refund for an order that never arrived';
    expect(stdout).toContain(`${label}: persona played by its replies, 4 caller turns\n`);
    expect(stdout).toMatch(
      /^ {2}PASS data collected \(rules\): collected name "Priya Sharma", callback_number "\+14155550142"$/m,
    );
    expect(stdout).toMatch(/^ {2}PASS goal met \(rules\): turn \d: the agent said "will follow up soon"$/m);
    expect(stdout).toMatch(/^ {2}PASS no invented facts \(rules\): /m);
    const root = parseXml(readFileSync(junit, 'utf8'));
    const cases = childElements(childElements(root)[0]!).filter((e) => e.name === 'testcase');
    const persona = cases.find((c) => c.attributes.name?.startsWith('persona: Priya'))!;
    const out = childElements(persona).find((e) => e.name === 'system-out')!;
    expect(textOf(out)).toContain('[1] Caller: Hi, my order number 4412 never arrived');
    expect(textOf(out)).toContain('PASS goal_met (rules)');
  }, 30_000);

  it('fails a broken expectation with the turn and the value, exit 1, and writes JUnit XML', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      [
        'agent: customer-support-001',
        'scenarios:',
        '  - name: full name expected as first name',
        '    caller:',
        '      - { silence: true }',
        '      - "my laptop is broken"',
        '      - "my name is Manas Kumar"',
        '    expect:',
        '      collected: { name: Manas }',
        '      ends_by_turn: 2',
        '  - name: passes',
        '    caller: ["my name is Manas"]',
        '    expect: { collected: { name: Manas } }',
      ].join('\n'),
    );
    const junit = join(dir, 'junit.xml');
    const { code, stdout } = await run([file], { junit });
    expect(code).toBe(1);
    const [header, ...rows] = stdout.split('\n');
    expect(header).toMatch(/^SCENARIO\s+RESULT\s+DURATION\s+REASON$/);
    const failed = rows.find((row) => row.startsWith('broken › full name expected as first name'));
    expect(failed).toContain('FAIL');
    expect(failed).toContain('turn 3: expected name "Manas", got "Manas Kumar"');
    expect(failed).toContain('expected the call to end by turn 2; it was still going after turn 3');
    expect(rows.find((row) => row.startsWith('broken › passes'))).toMatch(/PASS/);
    expect(stdout).toMatch(/^2 scenarios: 1 passed, 1 failed, 0 skipped in /m);

    const root = parseXml(readFileSync(junit, 'utf8'));
    expect(root.attributes).toMatchObject({ tests: '2', failures: '1' });
    const cases = childElements(childElements(root)[0]!).filter((e) => e.name === 'testcase');
    const failure = childElements(cases[0]!)[0]!;
    expect(failure.name).toBe('failure');
    expect(failure.attributes.message).toContain('turn 3: expected name "Manas", got "Manas Kumar"');
    expect(childElements(cases[1]!)).toEqual([]);
  }, 30_000);

  it('refuses a bad file with file:line:column and exit 2, before any call', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'agent: sales-001\nscenarios:\n  - name: x\n    caller: [hi]\n    expect:\n      ended_by: caller\n',
    );
    const { code, stdout, stderr } = await run([file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}:6:17: scenarios[0].expect.ended_by: `);
  });

  it('refuses bad arguments and missing paths with exit 2', async () => {
    expect((await run([SUITES], { transport: 'carrier-pigeon' })).code).toBe(2);
    expect((await run([SUITES], { concurrency: '0' })).code).toBe(2);
    const missing = await run([join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or folder');
  });

  it('tests the agents as the configured store has them, in a private server: no test call reaches its call list', async () => {
    const dataDir = join(dir, 'data');
    const stored = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, '');
    await withContainer(async ({ agents }) => {
      await agents.patch('sales-001', { greeting: 'Hello from the edited sales agent.' });
    }, stored);
    const file = join(dir, 'edited.yaml');
    writeFileSync(
      file,
      [
        'agent: sales-001',
        'scenarios:',
        '  - name: greets as edited',
        '    caller: ["hello"]',
        '    expect:',
        '      agent_says: [{ phrase: "edited sales agent", turn: 0 }]',
        '',
      ].join('\n'),
    );
    let stdout = '';
    const code = await runTestCommand(
      [file],
      { ...defaults, json: true },
      { out: (t) => (stdout += t), err: () => {}, errIsTTY: false, config: stored },
    );
    expect(JSON.parse(stdout).summary).toMatchObject({ passed: 1, failed: 0 });
    expect(code).toBe(0);
    const calls = await withContainer(({ callStore }) => callStore.list({ limit: 10 }), stored);
    expect(calls.items).toEqual([]);
  }, 60_000);
});
