import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCall } from '../../../test/contracts/call-store.contract.js';
import type { Call } from '../../domain/call.js';
import { createTestApp, type TestApp } from '../testing.js';

let n = 0;
const call = (overrides: Partial<Call>): Call => {
  n += 1;
  return sampleCall(`CA${n.toString(16).padStart(32, '0')}`, { status: 'completed', ...overrides });
};
const totals = (latency: number, model: number, cost: number) => ({
  latency_ms: latency,
  model_latency_ms: model,
  input_tokens: 100,
  output_tokens: 20,
  cost_micro_usd: cost,
});

describe('GET /analytics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const calls = [
      // Support: four replies averaging 500 ms, 300 of them the model's; name and email collected.
      call({
        agent_id: 'customer-support-001',
        started_at: '2025-03-10T09:00:00.000Z',
        outcome: 'resolved',
        ended_by: 'user',
        turn_count: 5,
        totals: totals(2_000, 1_200, 1_500),
        latency_p50_ms: 450,
        latency_p95_ms: 700,
        // What the server added, to the reply out (on Gather, to the TwiML answered).
        server_added_p50_ms: 8,
        server_added_p95_ms: 40,
        data_collected: { name: { value: 'Asha', turn: 1 }, email: { value: 'a@example.com', turn: 2 } },
      }),
      // Support again, the same UTC day but the next day in Kolkata; transferred; no email.
      call({
        agent_id: 'customer-support-001',
        started_at: '2025-03-10T20:00:00.000Z',
        outcome: 'transferred',
        ended_by: 'transfer',
        transferred_to: '+14155550111',
        turn_count: 3,
        totals: totals(1_000, 600, 500),
        latency_p50_ms: 500,
        latency_p95_ms: 500,
        data_collected: { name: { value: 'Ravi', turn: 1 } },
      }),
      // Sales, never answered: counted as a call, not in latency or extraction.
      call({
        agent_id: 'sales-001',
        started_at: '2025-03-11T12:00:00.000Z',
        outcome: 'no_answer',
        turn_count: 0,
      }),
      // Outside the range.
      call({
        agent_id: 'sales-001',
        started_at: '2025-02-27T12:00:00.000Z',
        outcome: 'resolved',
        turn_count: 2,
      }),
    ];
    for (const c of calls) await t.container.callStore.create(c);
  });
  afterAll(() => t.close());

  const get = (query: string) => t.app.inject({ method: 'GET', url: `/analytics?${query}`, headers: t.auth });

  it('counts calls per day by outcome, latency per agent with the model share, fields, transfers and cost', async () => {
    const response = await get('from=2025-03-09&to=2025-03-11');
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({
      from: '2025-03-09T00:00:00.000Z',
      to: '2025-03-11T23:59:59.999Z',
      time_zone: 'UTC',
      truncated: false,
      calls: 3,
      totals: {
        calls: 3,
        transfers: 1,
        cost_micro_usd: 2_000,
        replies: 6,
        avg_latency_ms: 500,
        model_share: 0.6,
      },
    });
    expect(report.days.map((d: { day: string; calls: number }) => [d.day, d.calls])).toEqual([
      ['2025-03-09', 0],
      ['2025-03-10', 2],
      ['2025-03-11', 1],
    ]);
    expect(report.days[1]).toMatchObject({
      outcomes: { resolved: 1, transferred: 1, no_answer: 0 },
      transfers: 1,
      cost_micro_usd: 2_000,
    });
    expect(report.days[2].outcomes.no_answer).toBe(1);
    expect(report.agents).toEqual([
      {
        agent_id: 'customer-support-001',
        calls: 2,
        transfers: 1,
        cost_micro_usd: 2_000,
        replies: 6,
        avg_latency_ms: 500,
        p95_latency_ms: expect.any(Number),
        avg_model_latency_ms: 300,
        model_share: 0.6,
        p95_server_added_ms: 40,
      },
      { agent_id: 'sales-001', calls: 1, transfers: 0, cost_micro_usd: 0, replies: 0 },
    ]);
    expect(report.agents[0].p95_latency_ms).toBeGreaterThanOrEqual(500);
    expect(report.agents[0].p95_latency_ms).toBeLessThanOrEqual(700);
    expect(report.fields).toEqual([
      { agent_id: 'customer-support-001', field: 'name', calls: 2, collected: 2, rate: 1 },
      { agent_id: 'customer-support-001', field: 'email', calls: 2, collected: 1, rate: 0.5 },
    ]);
  });

  it("counts days in the caller's time zone and filters by agent", async () => {
    // The dashboard sends its days' bounds in the browser's zone, as date-times.
    const from = encodeURIComponent('2025-03-10T00:00:00+05:30');
    const to = encodeURIComponent('2025-03-11T23:59:59.999+05:30');
    const report = (await get(`from=${from}&to=${to}&tz=Asia/Kolkata&agent_id=customer-support-001`)).json();
    expect(report.agent_id).toBe('customer-support-001');
    expect(report.calls).toBe(2);
    // 20:00 UTC is 01:30 the next day in Kolkata; the range's days are Kolkata days too.
    expect(report.days.map((d: { day: string; calls: number }) => [d.day, d.calls])).toEqual([
      ['2025-03-10', 1],
      ['2025-03-11', 1],
    ]);
  });

  it('refuses an unknown time zone, a reversed range and a range past a year, naming the field', async () => {
    const issues = async (query: string) => {
      const response = await get(query);
      expect(response.statusCode).toBe(400);
      return response.json().issues.map((i: { field: string }) => i.field);
    };
    expect(await issues('tz=Mars/Olympus')).toEqual(['tz']);
    expect(await issues('from=2025-03-11&to=2025-03-10')).toEqual(['to']);
    expect(await issues('from=2023-01-01&to=2025-01-01')).toEqual(['from']);
  });

  it('needs the admin key', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/analytics' })).statusCode).toBe(401);
  });
});
