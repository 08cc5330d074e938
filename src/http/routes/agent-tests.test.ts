import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../../agent-tests/report.js';
import { createTestApp, type TestApp } from '../testing.js';
import { MAX_SCENARIOS_PER_RUN } from './agent-tests.js';

const SUITES = resolve(import.meta.dirname, '../../../tests/agents');

describe('POST /agents/:id/test', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ AGENT_TESTS_DIR: SUITES });
  });
  afterAll(() => t.close());

  const post = (id: string, body?: unknown, headers: Record<string, string> = t.auth) =>
    t.app.inject({
      method: 'POST',
      url: `/agents/${id}/test`,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  it("runs the agent's suites from AGENT_TESTS_DIR and returns the report", async () => {
    const response = await post('default');
    expect(response.statusCode).toBe(200);
    const report = response.json<TestReport>();
    expect(report.ok).toBe(true);
    expect(report.suites.map((s) => [s.agent, s.file.endsWith('default.yaml')])).toEqual([['default', true]]);
    expect(report.summary.total).toBeGreaterThan(0);
    expect(report.summary.passed).toBe(report.summary.total);
    // A persona scenario comes back with its transcript and the verdict on each criterion.
    const persona = report.suites[0]!.scenarios.find((s) => s.persona);
    expect(persona?.persona).toMatchObject({ played_by: 'script' });
    expect(persona?.persona?.transcript[0]).toMatchObject({ seq: 0, kind: 'greeting' });
    expect(persona?.persona?.verdicts.map((v) => [v.criterion, v.status, v.judge])).toEqual([
      ['data_collected', 'pass', 'rules'],
      ['goal_met', 'pass', 'rules'],
      ['no_invented_facts', 'pass', 'rules'],
    ]);
  }, 30_000);

  it('runs a suite from the body against the agent as stored now, with failure reasons', async () => {
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/agents/customer-support-001',
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ greeting: 'Support desk, how can I help?' }),
    });
    expect(patched.statusCode).toBe(200);
    const response = await post('customer-support-001', {
      suite: {
        scenarios: [
          {
            name: 'new greeting',
            caller: ['my name is Manas Kumar'],
            expect: { agent_says: { phrase: 'Support desk', turn: 0 }, collected: { name: 'Manas' } },
          },
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    const report = response.json<TestReport>();
    expect(report.ok).toBe(false);
    expect(report.suites[0]?.scenarios[0]).toMatchObject({
      file: '(request)',
      scenario: 'new greeting',
      status: 'fail',
      reasons: ['turn 1: expected name "Manas", got "Manas Kumar"'],
    });
    // The sandbox's calls stay in the sandbox.
    const calls = await t.app.inject({ method: 'GET', url: '/calls', headers: t.auth });
    expect(calls.json<{ items: unknown[] }>().items).toEqual([]);
  }, 30_000);

  it('validates the suite, names the fields, and bounds the run', async () => {
    const bad = await post('default', {
      suite: { scenarios: [{ name: 'x', caller: [], expect: { ends: 'no' } }] },
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json<{ issues: { field: string }[] }>().issues.map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining(['suite.scenarios.0.caller', 'suite.scenarios.0.expect.ends']),
    );

    const other = await post('default', {
      suite: { agent: 'sales-001', scenarios: [{ name: 'x', caller: ['hi'] }] },
    });
    expect(other.statusCode).toBe(400);

    const many = Array.from({ length: MAX_SCENARIOS_PER_RUN + 1 }, (_, i) => ({
      name: `s${i}`,
      caller: ['hi'],
    }));
    const tooMany = await post('default', { suite: { scenarios: many } });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json<{ message: string }>().message).toContain(`at most ${MAX_SCENARIOS_PER_RUN} per run`);
  });

  it('404s an unknown agent, an agent without suites and unknown scenario names; needs the admin key', async () => {
    expect((await post('nobody')).statusCode).toBe(404);
    const created = await t.app.inject({
      method: 'POST',
      url: '/agents',
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({
        agent_id: 'untested',
        name: 'Untested',
        prompt: 'Hi.',
        language: 'en-US',
        voice: 'Polly.Joanna-Neural',
        greeting: 'Hello.',
      }),
    });
    expect(created.statusCode).toBe(201);
    expect((await post('untested')).json<{ message: string }>().message).toContain(
      'test suites for agent untested',
    );
    expect((await post('default', { scenarios: ['no such scenario'] })).statusCode).toBe(404);
    expect((await post('default', undefined, {})).statusCode).toBe(401);
  });
});
